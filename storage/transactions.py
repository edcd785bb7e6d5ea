"""The Database's write transactions, units of work, savepoints, deferred writes, checkpoints.

How and where they run (the loop's thread, the worker, the write lock) is told in storage/db.py.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from typing import Any

import aiosqlite

from storage.connections import BUSY_TIMEOUT
from storage.deferred import Deferred, DeferredWrites
from storage.unit import Unit, current_unit

log = logging.getLogger("storage.db")  # the logger these records had before the split
CHECKPOINT_EVERY = 100  # commits between two WAL checkpoints (a few pages each: ≈ 0.5–2 MB)


class Transactions:
    """The transaction machinery Database inherits: one write transaction at a time, by task."""

    # Set by Database.__init__.
    conn: aiosqlite.Connection
    _raw: sqlite3.Connection
    _lock: asyncio.Lock
    _owner: asyncio.Task | None
    hops: int
    commits: int
    version: int
    _since_checkpoint: int
    _deferred: DeferredWrites

    def _mine(self) -> bool:
        """Whether the running task owns the open transaction."""
        return self._owner is not None and self._owner is asyncio.current_task()

    def _unit(self) -> Unit | None:
        """The running task's unit of work, if any."""
        return current_unit()

    def current_unit(self) -> Unit | None:
        """The running task's unit of work, if any."""
        return self._unit()

    def in_unit_transaction(self) -> bool:
        """Whether the running task's unit of work has begun writing."""
        unit = self._unit()
        return unit is not None and unit.wrote

    async def _hop(self, sql: str, params: Any = (), many: bool = False) -> aiosqlite.Cursor:
        """Run one statement on aiosqlite's worker thread (a hand-off)."""
        self.hops += 1
        try:
            if many:
                return await self.conn.executemany(sql, params)
            return await self.conn.execute(sql, params)
        except asyncio.CancelledError:
            # The worker still runs the statement we stopped waiting for: let it finish (calls
            # run in order) before the loop's thread may use the connection again.
            with suppress(BaseException):
                await self.conn.execute("SELECT 1")
            raise

    def _begin_here(self) -> bool:
        """`BEGIN IMMEDIATE` on the loop's thread if the write lock is free now (never waits)."""
        self._raw.execute("PRAGMA busy_timeout = 0")
        try:
            self._raw.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.OperationalError as error:
            if error.sqlite_errorname != "SQLITE_BUSY":
                raise
            return False  # another process writes: wait for it on the worker thread
        finally:
            self._raw.execute(BUSY_TIMEOUT)

    async def _begin(self) -> None:
        """Take the write lock and `BEGIN IMMEDIATE` for the running task."""
        await self._lock.acquire()
        try:
            if not self._begin_here():
                await self._hop("BEGIN IMMEDIATE")
        except asyncio.CancelledError:
            # The worker still runs the BEGIN we stopped waiting for: undo it before anyone else
            # gets the lock (the worker runs calls in order).
            with suppress(sqlite3.Error):
                await self._hop("ROLLBACK")
            self._lock.release()
            raise
        except BaseException:
            self._lock.release()
            raise
        self._owner = asyncio.current_task()

    async def _end(self, commit: bool) -> None:
        """COMMIT (or ROLLBACK) the open transaction on the loop's thread; let the next writer in.

        The deferred writes ride in a COMMIT. Every CHECKPOINT_EVERY commits, the WAL is then
        checkpointed on the worker thread (it fsyncs), still under the write lock, as SQLite's
        automatic checkpoint would have done inside the COMMIT.
        """
        try:
            if commit:
                riders = self._ride()
                try:
                    self._raw.execute("COMMIT")
                except sqlite3.Error:
                    self._deferred.put_back(riders)
                    self.version += 1
                    if self._raw.in_transaction:
                        self._raw.execute("ROLLBACK")
                    raise
                self.commits += 1
                self._deferred.committed(riders)
                self._since_checkpoint += 1
                if self._since_checkpoint >= CHECKPOINT_EVERY:
                    self._since_checkpoint = 0
                    await self.checkpoint()
            elif self._raw.in_transaction:  # some errors roll back by themselves
                self._raw.execute("ROLLBACK")
            if not commit:
                self.version += 1
        finally:
            self._owner = None
            self._lock.release()

    def _ride(self) -> list[Deferred]:
        """Run the deferred writes in the transaction about to commit, in a savepoint: if one
        fails, they are run again one savepoint each, and only the failing one is logged and
        dropped; none can spoil the transaction it rides in."""
        riders = self._deferred.take()
        if riders and not self._run_deferred(riders):
            riders = [item for item in riders if self._run_deferred([item])]
        return riders

    def _run_deferred(self, items: list[Deferred]) -> bool:
        self._raw.execute("SAVEPOINT deferred")
        try:
            for item in items:
                self._raw.execute(item.sql, item.params)
        except sqlite3.Error:
            if not self._raw.in_transaction:  # the error undid the whole transaction
                raise
            self._raw.execute("ROLLBACK TO deferred")
            self._raw.execute("RELEASE deferred")
            if len(items) == 1:
                log.exception("a deferred write failed and was dropped: %s", items[0].sql)
            return False
        self._raw.execute("RELEASE deferred")
        return True

    def defer(
        self,
        sql: str,
        params: Iterable[Any] = (),
        done: Callable[[], None] | None = None,
        *,
        lazy: bool = False,
    ) -> None:
        """Queue a write that may wait: it runs inside the next transaction that commits on
        this connection (whichever task's), just before its COMMIT — or, when none comes within
        DEFER_DELAY seconds, in one of its own. `done()` is called once it has committed. Only
        for writes whose loss at a kill repeats something harmless (storage/deferred.py).
        A `lazy` write is not forced by `write_deferred()` (a settle point): it rides another
        commit, or the timer's, or the close's (e.g. a card's digest, storage/card_digests.py)."""
        self._deferred.add(Deferred(sql, tuple(params), done, lazy))

    def has_deferred(self) -> bool:
        """Whether writes wait for a commit."""
        return bool(self._deferred.items)

    async def write_deferred(self, lazy: bool = False) -> None:
        """Commit the deferred writes now (a transaction of their own), if any wait — when only
        lazy ones wait, only if `lazy` (the timer, the close).

        Inside this task's transaction or unit they already ride on its commit.
        """
        items = self._deferred.items
        if not items or not (lazy or any(not item.lazy for item in items)):
            return
        if not self._mine() and self._unit() is None:
            async with self.transaction():
                pass  # `_end` runs them just before the COMMIT

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file without waiting for readers (on the worker)."""
        self.hops += 1
        # execute_fetchall closes its cursor: a pragma's unread row would keep a statement in
        # progress, and the next COMMIT would fail ("SQL statements in progress").
        running = asyncio.ensure_future(
            self.conn.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
        )
        try:
            await asyncio.shield(running)
        except asyncio.CancelledError:
            with suppress(BaseException):  # the loop must not use the connection before it ends
                await running
            raise
        except sqlite3.Error:  # e.g. another process's checkpoint: next time
            pass

    def in_transaction(self) -> bool:
        """Whether the running task has a transaction open (its own, or its unit's)."""
        return self._mine()

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        """A nested block of the open transaction: on error only its own writes are undone."""
        self._raw.execute("SAVEPOINT nested")  # same-named savepoints nest
        try:
            yield
        except BaseException:
            self.version += 1
            if self._raw.in_transaction:
                self._raw.execute("ROLLBACK TO nested")
                self._raw.execute("RELEASE nested")
            raise
        self._raw.execute("RELEASE nested")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """`BEGIN IMMEDIATE` … `COMMIT`, rolled back on error; one at a time.

        Inside this task's open transaction (or its unit of work) the block joins it as a
        savepoint: an error undoes the block's writes, and its end commits nothing.
        """
        if not self._mine():
            unit = self._unit()
            if unit is None:
                await self._begin()
                try:
                    yield
                except BaseException:
                    await self._end(commit=False)
                    raise
                await self._end(commit=True)
                return
            await self._begin_unit(unit)
        async with self._savepoint():
            yield

    async def _begin_unit(self, unit: Unit) -> None:
        """The unit's first write: its transaction begins and stays open until the unit ends."""
        await self._begin()
        unit.wrote = True
        unit.reads.clear()

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Unit]:
        """The unit of work of one update: all its writes commit together, or none.

        Nothing happens until the first write (a statement or a `transaction()` block), which
        begins a transaction that stays open until the unit ends; reads before that use the read
        connection. At a successful end the `before_commit` callbacks run inside it, then
        COMMIT; an exception rolls everything back. A unit that wrote nothing costs no hand-off.
        A unit inside this task's unit or transaction joins it.
        """
        outer = self._unit()
        if outer is not None:
            yield outer
            return
        unit = Unit(asyncio.current_task())
        unit.wrote = self._mine()  # inside a plain transaction: it is the unit's
        joined = unit.wrote
        token = Unit.var.set(unit)
        try:
            try:
                yield unit
                for fn in unit.callbacks:  # a callback may register another: it runs too
                    result = fn()
                    if inspect.isawaitable(result):
                        await result
            except BaseException:
                if unit.wrote and not joined:
                    await self._end(commit=False)
                raise
            if unit.wrote and not joined:
                await self._end(commit=True)
        finally:
            Unit.var.reset(token)
        if not joined:
            for fn in unit.after:
                result = fn()
                if inspect.isawaitable(result):
                    await result

    async def _writable(self) -> bool:
        """Before a write: join our transaction or begin our unit's; False means autocommit."""
        if self._mine():
            return True
        unit = self._unit()
        if unit is None:
            return False
        await self._begin_unit(unit)
        return True
