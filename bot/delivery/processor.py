"""Process the inbox: each unprocessed update, in update_id order, inside its own unit of work.

The row is marked done inside the unit's transaction (a `before_commit` callable), so the state
change an update causes and the record that it was processed commit together: after a kill the
update is either entirely done or entirely to do. A unit that never wrote (a read-only command)
is marked done after it, in the next commit the process makes anyway (`Database.defer`): the
next writing unit, or the next getUpdates answer's store — one commit per answer — or, when
nothing follows, by itself after `DEFER_DELAY` seconds (and before `wait_idle` returns, and at
close). A kill before that mark repeats the read-only reply after the restart, as a kill
between a reply and its mark always could. A handler failure
(PTB hands it to the error handlers; `note_failure` is one of them) rolls the unit back and
marks the row done with the error: it is not tried again. A Telegram error (a reply or card
that could not be sent even after the retries) does not undo what the person did: the unit
commits with the row marked done-with-error, and the error handler's apology follows.
Telegram refusing the token (401) rolls the unit back, leaves the row to do and stops the
processor (the runner exits with code 5). A failure escaping the unit is counted in the row and
tried again; after a few the row is set aside (`set_aside.py`); a transient database error
(locked) is never counted: the pass stops and runs again after a short, growing pause.

Updates just stored are processed from memory (`Processor.store` hands them over, only those
the store actually inserted: an id seen before is not processed again); the inbox table is
read only after a start (what a previous life left) or after a database failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ContextTypes

from bot.clock import Clock
from bot.delivery.set_aside import RETRY_FIRST, RETRY_MAX, SetAside
from storage.db import Database, Unit
from storage.inbox import PENDING_LIMIT, InboxRepo, InboxRow
from storage.transient import is_transient

log = logging.getLogger(__name__)


@dataclass
class InboxStats:
    """What the inbox costs: updates processed, the hand-offs to the database's worker thread
    and the commits its own work made, and that work's wall time (lock waits included)."""

    updates: int = 0
    hops: int = 0
    commits: int = 0
    seconds: float = 0.0

    @contextmanager
    def timed(self, db: Database) -> Iterator[None]:
        """Count the block as inbox work (its time, hand-offs and commits)."""
        began, hops, commits = time.perf_counter(), db.hops, db.commits
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - began
            self.hops += db.hops - hops
            self.commits += db.commits - commits


class HandlerFailed(Exception):
    """Raised inside the unit to roll it back when a handler failed."""


class TokenRefused(Exception):
    """Raised inside the unit to roll it back when Telegram refused the token (401)."""


class Processor:
    """Runs the inbox's unprocessed updates through the application, one at a time."""

    def __init__(self, app: Application, db: Database, inbox: InboxRepo, clock: Clock) -> None:
        self.app, self.db, self.inbox, self.clock = app, db, inbox, clock
        self._fresh: list[Update] = []  # stored by this life, not processed yet, in order
        self._reread = True  # the first pass processes what a previous life left
        self._current: Update | None = None
        self._failure: BaseException | None = None
        self._wake = asyncio.Event()
        self._wake.set()
        self._idle = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.stats = InboxStats()
        self._stopping = False
        self._unreadable: list[tuple[int, str]] = []
        self.refusal: InvalidToken | None = None  # Telegram refused the token: we stop
        self.token_refused = asyncio.Event()
        self.set_aside = SetAside(inbox, clock, self._redact)
        self._retry_delay = RETRY_FIRST

    # -------------------------------------------------------------- taking updates
    async def store(self, rows: Sequence[tuple[int, int | None, str]], updates: list[Update]):
        """Commit a batch to the inbox in one transaction (deferred marks ride in it), then
        process the updates it inserted, from memory."""
        with self.stats.timed(self.db):
            inserted = set(await self.inbox.store(rows, self.clock.now()))
        for update in updates:  # in order; an id twice in one answer is inserted once
            if update.update_id in inserted:
                inserted.discard(update.update_id)
                self._fresh.append(update)
        self.kick()

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
        with contextlib.suppress(Exception):  # else they are processed again after the restart
            await self.db.write_deferred()

    def kick(self) -> None:
        """New rows are in the inbox: process them."""
        self._idle.clear()
        self._wake.set()

    async def wait_processed(self) -> None:
        """Return once every stored update has been processed (marks may still be pending)."""
        await self._idle.wait()

    async def wait_idle(self) -> None:
        """Return once every stored update has been processed, and its mark committed."""
        await self._idle.wait()
        await self.db.write_deferred()

    async def _run(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.drain()
                self._retry_delay = RETRY_FIRST
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database failed: keep the rows, try again shortly
                if is_transient(exc):
                    log.warning("inbox: %s; trying again in %.1f s", exc, self._retry_delay)
                else:
                    log.exception("processing the inbox failed")
                self._reread = True
                asyncio.get_running_loop().call_later(self._retry_delay, self._retry)
                self._retry_delay = min(self._retry_delay * 2, RETRY_MAX)
            if not self._wake.is_set():
                self._idle.set()

    def _retry(self) -> None:
        if not self._stopping:
            self.kick()

    async def _next_batch(self) -> list[tuple[int, Update | None]]:
        """What to process next: the fresh updates, or (after a start or a failure) the table's
        unprocessed rows, oldest first."""
        if not self._reread:
            batch, self._fresh = self._fresh, []
            return [(u.update_id, u) for u in batch]
        await self.db.write_deferred()  # processed read-only rows must not come back pending
        with self.stats.timed(self.db):
            rows = await self.inbox.pending()
        self._reread = len(rows) >= PENDING_LIMIT  # more behind them: read again next time
        known = {row.update_id for row in rows}
        fresh = {u.update_id: u for u in self._fresh}
        self._fresh = [u for u in self._fresh if u.update_id not in known]
        return [(row.update_id, fresh.get(row.update_id) or self._parse(row)) for row in rows]

    async def drain(self) -> None:
        """Process unprocessed updates until there are none."""
        while not self._stopping:
            batch = await self._next_batch()
            if not batch:
                return
            for update_id, update in batch:
                if self._stopping:
                    break
                if update is not None and not await self.process(update_id, update):
                    self.inbox.mark_done_later(update_id, self.clock.now())
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
        """Process one update in its own unit; False when it wrote nothing (mark it later).

        A failure that escapes the unit is counted and the update tried again, until it is set
        aside (bot/delivery/set_aside.py); a transient one (database locked) is raised: the
        pass stops and runs again shortly."""
        while True:
            try:
                return await self._attempt(update_id, update)
            except Exception as exc:
                if is_transient(exc):
                    raise
                if await self.set_aside.failed(update_id, update, exc):
                    return True

    async def _attempt(self, update_id: int, update: Update) -> bool:
        marked = committed = False
        unit: Unit | None = None

        def ended() -> None:  # runs first once the unit committed (or ended without writing)
            nonlocal committed
            committed = True

        async def mark() -> None:
            nonlocal marked
            with self.stats.timed(self.db):
                if self._failure is not None:  # Telegram failed us after the change: keep both
                    await self.inbox.mark_failed(update_id, self.clock.now(), self._error_text())
                    marked = True
                elif unit is not None and unit.wrote:  # else: marked later (deferred)
                    await self.inbox.mark_done([update_id], self.clock.now())
                    marked = True

        self._current, self._failure = update, None
        try:
            async with self.db.unit() as unit:
                unit.after_commit(ended)
                unit.before_commit(mark)
                await self.app.process_update(update)
                if isinstance(self._failure, InvalidToken):
                    raise TokenRefused from self._failure
                if is_transient(self._failure):  # rolled back, tried again shortly
                    raise self._failure
                if self._failure is not None and not isinstance(self._failure, TelegramError):
                    raise HandlerFailed from self._failure
        except TokenRefused:  # rolled back and left to do: it runs again with a valid token
            self._refused(self._failure)
            return True
        except HandlerFailed:
            await self.inbox.mark_failed(update_id, self.clock.now(), self._error_text())
            marked = True
        except Exception:
            if not committed:
                raise
            # What followed the commit failed (an edit, a button's answer): the update is done.
            log.exception("inbox: update %d: a step after its commit failed", update_id)
        finally:
            self._current, self._failure = None, None
        self.stats.updates += 1
        return marked

    def _refused(self, error: InvalidToken) -> None:
        log.error("Telegram refused the bot token while processing an update; stopping")
        self.refusal, self._stopping = error, True
        self.token_refused.set()

    def _error_text(self) -> str:
        return self._redact(f"{type(self._failure).__name__}: {self._failure}")

    def _redact(self, text: str) -> str:
        return text.replace(self.app.bot.token, "***")

    async def note_failure(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Error handler: a handler of the update in hand raised (PTB caught it)."""
        if update is not None and update is self._current and context.error is not None:
            self._failure = context.error
