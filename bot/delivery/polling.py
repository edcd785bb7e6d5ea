"""Long polling with our own loop: a batch is committed to the inbox before it is confirmed.

PTB's Updater moves the offset as soon as a batch is in its in-memory queue, so the next
getUpdates confirms updates no handler has seen (pitfalls.md, Delivery). Here the batch is first
committed to the inbox in one statement (one commit per getUpdates answer, which also carries
the marks of read-only updates processed since the last commit); only then does the offset
move, and the next getUpdates (which confirms the batch to Telegram) is made after that commit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from datetime import timedelta

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.clock import Clock
from bot.delivery.processor import Processor
from storage.inbox import InboxRepo

log = logging.getLogger(__name__)

KEEP_DONE = timedelta(days=7)
PRUNE_EVERY = timedelta(hours=1)
MAX_BACKOFF = 30.0  # seconds between tries while Telegram cannot be reached


def inbox_row(update: Update) -> tuple[int, int | None, str]:
    """(update_id, chat_id, JSON) of an update, as the inbox stores it."""
    chat = update.effective_chat
    payload = json.dumps(update.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return update.update_id, chat.id if chat else None, payload


async def store(processor: Processor, updates: Sequence[Update]) -> None:
    """Commit a batch to the inbox (one transaction) and hand its new updates to the processor."""
    await processor.store([inbox_row(u) for u in updates], list(updates))


class Poller:
    """getUpdates → commit the batch → move the offset → let the processor run it."""

    def __init__(
        self,
        app: Application,
        inbox: InboxRepo,
        processor: Processor,
        clock: Clock,
        allowed_updates: list[str],
        timeout: float = 10.0,
    ) -> None:
        self.app, self.inbox, self.processor, self.clock = app, inbox, processor, clock
        self.allowed_updates, self.timeout = allowed_updates, timeout
        self._next_prune = clock.now()

    async def run(self) -> None:
        """Poll until cancelled; an invalid token ends the loop with InvalidToken."""
        await self.processor.wait_idle()  # what a previous life left is processed first
        last = await self.inbox.last_update_id()
        offset = last + 1 if last is not None else 0
        backoff = 1.0
        while True:
            await self._prune()
            try:
                updates = await self.app.bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=self.allowed_updates
                )
            except InvalidToken:
                log.error("Telegram refused the bot token; stopping")
                raise
            except TelegramError as exc:
                log.warning("getUpdates failed (%s); trying again in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            if not updates:
                continue
            try:
                await store(self.processor, updates)
            except Exception:  # not stored: not confirmed; the next getUpdates hands it again
                log.exception("storing %d updates in the inbox failed", len(updates))
                await asyncio.sleep(backoff)
                continue
            offset = updates[-1].update_id + 1  # confirmed by the next getUpdates

    async def _prune(self) -> None:
        now = self.clock.now()
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_EVERY
            pruned = await self.inbox.prune(now - KEEP_DONE)
            if pruned:
                log.info("inbox: pruned %d processed updates older than 7 days", pruned)
