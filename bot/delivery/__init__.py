"""Delivery (Telegram-facing infrastructure, not a domain service): how updates come in (the
inbox) and how messages go out (the outbox).

Every update is committed to the `inbox` table before Telegram is told it was received, then
processed from it exactly once (processor.py). Updates come in by our own polling loop
(polling.py) or a webhook that answers 200 only after the commit (webhook.py); run.py is the
process's lifecycle; outbox.py sends what a committed change staged. This package never imports
`handlers`.
"""

from bot.delivery.core import Delivery

__all__ = ["Delivery"]
