"""An inbox row that keeps failing: count its attempts, then set it aside and tell the sender.

A failure that escapes an update's unit of work (a database error at its commit, a bug outside
the handlers) rolls the unit back and leaves the row to do; tried again and again it would hold
back every update behind it. Each such failure is counted in the row; after MAX_ATTEMPTS the row
is set aside: kept for good with its error (nothing typed is lost), no longer handed out, logged
once for the operator, counted by `/status` and `python -m bot status`, and the sender is told
once that the message could not be processed. A transient error (database locked) is not
counted: the processor tries the row again after a short pause.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.clock import Clock
from storage.inbox import InboxRepo

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_FIRST, RETRY_MAX = 0.5, 30.0  # seconds before a pass that failed transiently runs again

Notify = Callable[[Update], Awaitable[None]]


class SetAside:
    """Counts the failed attempts of rows and sets aside those that reached MAX_ATTEMPTS."""

    def __init__(self, inbox: InboxRepo, clock: Clock, redact: Callable[[str], str]) -> None:
        self.inbox, self.clock, self.redact = inbox, clock, redact
        self.notify: Notify | None = None  # tells the sender (the handlers' side, in wiring)

    async def failed(self, update_id: int, update: Update, error: BaseException) -> bool:
        """Count one failed attempt; True when the row was set aside (else: try it again)."""
        text = self.redact(f"{type(error).__name__}: {error}")
        attempts = await self.inbox.count_failure(update_id, text)
        if attempts < MAX_ATTEMPTS:
            log.warning(
                "inbox: update %d failed (attempt %d of %d): %s", update_id, attempts,
                MAX_ATTEMPTS, text, exc_info=error,
            )  # fmt: skip
            return False
        await self.inbox.set_aside(update_id, self.clock.now())
        chat = update.effective_chat
        log.error(
            "inbox: update %d (chat %s) set aside after %d failed attempts: %s; it is kept in"
            " the inbox table (see `python -m bot status`) and the updates after it go on",
            update_id, chat.id if chat else "-", attempts, text, exc_info=error,
        )  # fmt: skip
        if self.notify is not None:
            try:
                await self.notify(update)
            except Exception as exc:  # the notice is a courtesy: the row is safe either way
                log.warning("could not tell the sender of update %d: %s", update_id, exc)
        return True
