"""Process the inbox: each unprocessed update, in update_id order, inside its own unit of work.

The row is marked done inside the unit's transaction (a `before_commit` callable), so the state
change an update causes and the record that it was processed commit together: after a kill the
update is either entirely done or entirely to do. A unit that never wrote (a read-only command)
is marked done right after, with the others of its batch in one statement. A handler failure
(PTB hands it to the error handlers; `note_failure` is one of them) rolls the unit back and
marks the row done with the error: it is not tried again. A Telegram error (a reply or card
that could not be sent even after the retries) does not undo what the person did: the unit
commits with the row marked done-with-error, and the error handler's apology follows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.clock import Clock
from storage.db import Database, Unit
from storage.inbox import InboxRepo, InboxRow

log = logging.getLogger(__name__)


@dataclass
class InboxStats:
    """What the inbox costs: updates processed, its own autocommit statements (each a hand-off
    to the database's worker thread) and the wall time of its work (lock waits included)."""

    updates: int = 0
    hops: int = 0
    seconds: float = 0.0

    @contextmanager
    def timed(self, hops: int = 0) -> Iterator[None]:
        """Count the block as inbox work making `hops` autocommit statements."""
        began = time.perf_counter()
        self.hops += hops
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - began


class HandlerFailed(Exception):
    """Raised inside the unit to roll it back when a handler failed."""


class Processor:
    """Runs the inbox's unprocessed updates through the application, one at a time."""

    def __init__(self, app: Application, db: Database, inbox: InboxRepo, clock: Clock) -> None:
        self.app, self.db, self.inbox, self.clock = app, db, inbox, clock
        self.parsed: dict[int, Update] = {}  # updates just fetched: no need to parse them again
        self._current: Update | None = None
        self._failure: BaseException | None = None
        self._wake = asyncio.Event()
        self._wake.set()  # the first pass processes what a previous life left
        self._idle = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.stats = InboxStats()
        self._stopping = False
        self._unreadable: list[tuple[int, str]] = []

    # -------------------------------------------------------------- running
    def start(self) -> None:
        """Start the processing task."""
        self._task = asyncio.create_task(self._run(), name="delivery:processor")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop after the update in hand (given `grace` seconds; then it is cut short, its
        unit rolls back, and it is processed again after the restart)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def kick(self) -> None:
        """New rows are in the inbox: process them."""
        self._idle.clear()
        self._wake.set()

    async def wait_idle(self) -> None:
        """Return once every stored update has been processed and nothing is in hand."""
        await self._idle.wait()

    async def _run(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database failed: keep the rows, try again on the next kick
                log.exception("processing the inbox failed")
            if not self._wake.is_set():
                self._idle.set()

    async def drain(self) -> None:
        """Process unprocessed rows until there are none."""
        while not self._stopping:
            with self.stats.timed():
                rows = await self.inbox.pending()
            if not rows:
                return
            read_only: list[int] = []
            for row in rows:
                if self._stopping:
                    break
                update = self.parsed.pop(row.update_id, None) or self._parse(row)
                if update is None:
                    continue
                if not await self.process(row.update_id, update):
                    read_only.append(row.update_id)
            with self.stats.timed(hops=1 if read_only else 0):
                await self.inbox.mark_done(read_only, self.clock.now())
            for update_id, error in self._unreadable:
                await self.inbox.mark_failed(update_id, self.clock.now(), error)
            self._unreadable.clear()

    def _parse(self, row: InboxRow) -> Update | None:
        """The stored update; None (and the row marked failed) when it cannot be read."""
        try:
            return Update.de_json(json.loads(row.payload), self.app.bot)
        except Exception as exc:
            log.warning("inbox: update %d cannot be read (%s)", row.update_id, exc)
            self._unreadable.append((row.update_id, f"unreadable: {type(exc).__name__}"))
            return None

    # -------------------------------------------------------------- one update
    async def process(self, update_id: int, update: Update) -> bool:
        """Process one update in its own unit; False when it wrote nothing (mark it later)."""
        marked = False
        unit: Unit | None = None

        async def mark() -> None:
            nonlocal marked
            with self.stats.timed():
                if self._failure is not None:  # Telegram failed us after the change: keep both
                    await self.inbox.mark_failed(update_id, self.clock.now(), self._error_text())
                    marked = True
                elif unit is not None and unit.wrote:  # else: batched with the read-only others
                    await self.inbox.mark_done([update_id], self.clock.now())
                    marked = True

        self._current, self._failure = update, None
        try:
            async with self.db.unit() as unit:
                unit.before_commit(mark)
                await self.app.process_update(update)
                if self._failure is not None and not isinstance(self._failure, TelegramError):
                    raise HandlerFailed from self._failure
        except HandlerFailed:
            await self.inbox.mark_failed(update_id, self.clock.now(), self._error_text())
            marked = True
        finally:
            self._current, self._failure = None, None
        self.stats.updates += 1
        return marked

    def _error_text(self) -> str:
        error = f"{type(self._failure).__name__}: {self._failure}"
        return error.replace(self.app.bot.token, "***")

    async def note_failure(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Error handler: a handler of the update in hand raised (PTB caught it)."""
        if update is not None and update is self._current and context.error is not None:
            self._failure = context.error
