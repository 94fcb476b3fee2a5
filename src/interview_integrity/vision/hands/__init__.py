"""Hands: MediaPipe's palm detector, run with LiteRT, and the hand regions it implies (the phone second look)."""
