"""Interview integrity service: webcam frames in, explained events and a risk verdict out."""

__version__ = "0.1.0"
