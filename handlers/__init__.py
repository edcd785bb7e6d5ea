"""Telegram-facing layer: parse → authorize → call a service → render. See `routes.py`."""
