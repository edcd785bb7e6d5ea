"""Delivery: how updates come in (the inbox) and how messages go out (the outbox)."""
