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
from telegram.request import HTTPXRequest

from bot.clock import Clock
from bot.delivery.processor import Processor
from storage.inbox import InboxRepo

log = logging.getLogger(__name__)

KEEP_DONE = timedelta(days=7)
PRUNE_EVERY = timedelta(hours=1)
MAX_BACKOFF = 30.0  # seconds between tries while Telegram cannot be reached


class RawUpdatesRequest(HTTPXRequest):
    """The getUpdates connection; keeps each answer's JSON as Telegram sent it, so the inbox
    stores that instead of re-serialising every Update (`to_dict` costs ≈ 0.1–0.4 ms each).

    `parse_json_payload` is the documented hook for this (BaseRequest); only getUpdates uses
    this connection (`ApplicationBuilder.get_updates_request`).
    """

    def __init__(self) -> None:
        super().__init__(connection_pool_size=1)  # what ApplicationBuilder uses for getUpdates
        self.last: list | None = None

    def parse_json_payload(self, payload: bytes) -> dict:
        """Parse as PTB does, and keep the answer's list of updates."""
        data = super().parse_json_payload(payload)
        result = data.get("result") if isinstance(data, dict) else None
        self.last = result if isinstance(result, list) else None
        return data


def inbox_row(update: Update, raw: dict | None = None) -> tuple[int, int | None, str]:
    """(update_id, chat_id, JSON) of an update, as the inbox stores it (`raw`: its JSON as
    Telegram sent it, when known)."""
    chat = update.effective_chat
    data = raw if raw is not None else update.to_dict()
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return update.update_id, chat.id if chat else None, payload


def rows_of(updates: Sequence[Update], raw: list | None) -> list[tuple[int, int | None, str]]:
    """The inbox rows of a getUpdates answer (its raw JSON when it matches the updates)."""
    if raw is None or len(raw) != len(updates):
        return [inbox_row(u) for u in updates]
    return [
        inbox_row(u, r if isinstance(r, dict) and r.get("update_id") == u.update_id else None)
        for u, r in zip(updates, raw, strict=True)
    ]


async def store(processor: Processor, updates: Sequence[Update], raw: list | None = None) -> None:
    """Commit a batch to the inbox (one transaction) and hand its new updates to the processor."""
    await processor.store(rows_of(updates, raw), list(updates))


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
        raw: RawUpdatesRequest | None = None,
    ) -> None:
        self.app, self.inbox, self.processor, self.clock = app, inbox, processor, clock
        self.allowed_updates, self.timeout, self.raw = allowed_updates, timeout, raw
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
                await store(self.processor, updates, self.raw.last if self.raw else None)
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
