"""Clients for the interview integrity service (Python here; JavaScript and React beside it)."""
