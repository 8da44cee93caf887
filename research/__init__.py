"""Experiments that need torch or data; nothing under ``src/`` imports them (see ``README.md`` here)."""
