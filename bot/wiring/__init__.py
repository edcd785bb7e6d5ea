"""The composition root: builds the application, the object graph of services, and runs it.

The only package of `bot/` (with `bot/__main__.py`) that may import `handlers/`.
"""
