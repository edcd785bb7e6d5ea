"""Telegram-facing layer: parse → authorize → call a service → render.

Each handler declares itself beside its code (`registry.py`); `install.py` registers them all.
"""
