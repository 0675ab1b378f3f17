"""Scheduled work, one module per sweep, named for what it keeps true. hooks.py names these."""
