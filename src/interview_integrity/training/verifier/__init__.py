"""The phone second look's verifier: a small classifier of candidate crops, trained by `train-verifier`."""
