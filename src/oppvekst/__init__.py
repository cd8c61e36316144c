"""Oppvekststatus: statistics on children and young people in Norwegian municipalities."""

__version__ = "0.1.0"
