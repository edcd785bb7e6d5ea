"""Delivery of updates (Telegram-facing infrastructure, not a domain service): a durable inbox.

Every update is committed to the `inbox` table before Telegram is told it was received, then
processed from it exactly once (bot/delivery/processor.py). Updates come in by our own polling
loop (polling.py) or a webhook that answers 200 only after the commit (webhook.py); run.py is
the process's lifecycle. This package never imports `handlers`.
"""

from bot.delivery.core import Delivery

__all__ = ["Delivery"]
