"""The database: one aiosqlite connection for writes, a read connection, transactions, times.

Writes go through the single long-lived aiosqlite connection, serialised by a lock. A write
transaction — `BEGIN IMMEDIATE`, its statements and its `COMMIT` (or `ROLLBACK`) — runs
synchronously on the event loop's thread through that connection's sqlite3 connection (see
`sqlite3_behind`): microseconds of CPU, and no fsync, because in WAL mode with
`synchronous=NORMAL` a COMMIT only appends to the WAL; what fsyncs is a checkpoint, and the
connection's automatic checkpoints are off (`wal_autocheckpoint = 0`): every
`CHECKPOINT_EVERY` commits, one `PRAGMA wal_checkpoint(PASSIVE)` is handed off to aiosqlite's
worker thread under the write lock, so the loop never waits for the disk. A hand-off costs
≈ 45 µs on an idle machine and milliseconds on a busy one (a thread wake-up each way;
bench/ANALYSIS.md). BEGIN never waits on the loop: when another process holds the write lock it
goes to the worker, which waits with the busy timeout.

Plain reads outside a transaction run on the loop's thread too: on the write connection while no
transaction is open (its page cache stays warm across its own commits), else on a second,
read-only sqlite3 connection — in WAL mode it sees the latest committed state without waiting
for the writer. Either way a plain read sees exactly the committed state; reads inside one's own
transaction see its uncommitted rows.

Nobody passes a connection around: a repository's statement joins the transaction its task has
open (ownership is by task, so a child task does not slip into its parent's transaction); outside
one, a write is its own one-statement transaction. `Database.unit()` is the unit of work of one
update.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.deferred import Deferred, DeferredWrites
from storage.unit import Unit, current_unit

log = logging.getLogger(__name__)

T = TypeVar("T")
ISO = "%Y-%m-%dT%H:%M:%SZ"
BUSY_TIMEOUT = "PRAGMA busy_timeout = 5000"  # how long a write waits for another process's lock
# Statements a write outside a transaction runs in one of its own, on the loop's thread.
_IN_TRANSACTION = ("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "CREATE", "DROP", "ALTER")
CHECKPOINT_EVERY = 100  # commits between two WAL checkpoints (a few pages each: ≈ 0.5–2 MB)


def to_db(moment: datetime | None) -> str | None:
    """Encode an aware datetime as sortable UTC text (`2026-12-31T16:59:00Z`)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    if moment.tzinfo is UTC:  # most: our clock and our decoded columns; the same few recur
        return _utc_text(moment)
    return moment.astimezone(UTC).strftime(ISO)


@functools.lru_cache(maxsize=4096)
def _utc_text(moment: datetime) -> str:
    """`to_db` of a UTC datetime (memoised: pure, and UTC has no folds that equality ignores)."""
    return moment.strftime(ISO)


def from_db(text: str | None) -> datetime | None:
    """Decode text written by `to_db` into an aware UTC datetime."""
    if text is None:
        return None
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":  # 50x faster than strptime
        return datetime.fromisoformat(text)
    return datetime.strptime(text, ISO).replace(tzinfo=UTC)


_RECORDS: dict[type, frozenset[str]] = {}  # `record`: the plain frozen dataclasses seen


def record(cls: type[T], data: dict[str, Any]) -> T:
    """`cls(**data)` for a plain frozen dataclass, `data` holding every field and nothing else,
    without the generated `__init__` — which sets each field through `object.__setattr__`, the
    dearest part of decoding a row (≈ 2 µs of ≈ 3 for an Item). The class is checked once: a
    frozen dataclass with no `__post_init__`, no slots and every field set by `__init__`."""
    names = _RECORDS.get(cls)
    if names is None:
        names = _RECORDS[cls] = _plain_fields(cls)
    if len(data) != len(names):
        raise TypeError(f"{cls.__name__}: fields {sorted(names ^ set(data))} missing or unknown")
    obj = object.__new__(cls)
    obj.__dict__.update(data)
    return obj


def _plain_fields(cls: type) -> frozenset[str]:
    params = getattr(cls, "__dataclass_params__", None)
    fields = getattr(cls, "__dataclass_fields__", {})
    if (
        params is None
        or not params.frozen
        or hasattr(cls, "__post_init__")
        or hasattr(cls, "__slots__")
        or any(not f.init or f._field_type is not dataclasses._FIELD for f in fields.values())
    ):
        raise TypeError(f"{cls.__name__} is not a plain frozen dataclass")
    return frozenset(fields)


def sqlite3_behind(conn: aiosqlite.Connection) -> sqlite3.Connection:
    """The sqlite3 connection an aiosqlite connection drives: the ONE use of its internals.

    aiosqlite exposes no public way to run statements synchronously; inside our own write
    transaction its worker thread is idle (we hold the write lock, BEGIN has returned), so the
    loop thread may use the connection directly, which needs it opened with
    `check_same_thread=False`. Relies on the private `Connection._conn` property (aiosqlite
    0.21–0.22): pinned by tests/test_db.py::test_the_aiosqlite_internals_we_rely_on and by the
    version range in pyproject.toml.
    """
    return conn._conn


def _first(conn: sqlite3.Connection, sql: str, params: tuple) -> sqlite3.Row | None:
    """Execute on a sqlite3 connection, take the first row, close the cursor."""
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()  # an open cursor would pin an old snapshot


def _open_reader(path: str) -> sqlite3.Connection:
    """A read-only autocommit connection for the event loop's thread."""
    reader = sqlite3.connect(path, isolation_level=None)
    reader.row_factory = sqlite3.Row
    reader.execute("PRAGMA query_only = ON")
    reader.execute("PRAGMA busy_timeout = 1000")  # readers wait only in WAL recovery
    return reader


class Database:
    """Owns the connections; one write transaction at a time, owned by one task."""

    def __init__(
        self, conn: aiosqlite.Connection, path: str, reader: sqlite3.Connection | None = None
    ) -> None:
        self.conn = conn
        self.path = path
        self.reader = reader  # None for ":memory:" (private to its connection): reads use conn
        self._raw = sqlite3_behind(conn)
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None  # the task whose transaction is open
        self.hops = 0  # hand-offs to aiosqlite's worker thread (bench and tests count them)
        self.commits = 0  # write transactions committed (bench and tests count them)
        # Writes to the state and undos so far, by every task: a row of the state read when
        # this was `v` is still what the database holds while it is `v`. The delivery's own
        # bookkeeping does not count (inbox and outbox rows written `quiet`, deferred writes).
        self.version = 0
        self._since_checkpoint = 0
        self._deferred = DeferredWrites(lambda: self.write_deferred(lazy=True))

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        """Open (creating the folder) with foreign keys, WAL, NORMAL sync and a busy timeout."""
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(target, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        try:
            for pragma in (
                "PRAGMA foreign_keys=ON",
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=NORMAL",
                "PRAGMA wal_autocheckpoint = 0",  # ours go to the worker (Database._end)
                BUSY_TIMEOUT,
            ):
                await conn.execute(pragma)
            return cls(conn, target, None if target == ":memory:" else _open_reader(target))
        except BaseException:
            await conn.close()  # e.g. "file is not a database": its worker thread would hang exit
            raise

    async def close(self) -> None:
        """Commit deferred writes; close both connections (aiosqlite's thread would otherwise
        keep the process alive)."""
        with suppress(Exception):
            await self._deferred.close()
            await self.write_deferred(lazy=True)
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        await self.conn.close()

    @property
    def total_changes(self) -> int:
        """Rows changed through the write connection since it opened (rolled back ones too)."""
        return self.conn.total_changes

    # ------------------------------------------------------------------ transactions
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

    # ------------------------------------------------------------------ statements
    def _read_conn(self, sql: str) -> sqlite3.Connection | None:
        """Where a read runs now, synchronously: our own transaction's connection; else, for a
        SELECT (which cannot write), the write connection when nobody holds it — it then sees
        exactly the committed state, and its page cache is warm, where SQLite empties the
        read connection's cache whenever another connection has written, i.e. after every
        commit (bench/ANALYSIS.md); else (another task's transaction is open, or a statement
        that is not a plain SELECT) the read-only connection. None: ":memory:", wait for the
        lock."""
        if self._mine():
            return self._raw
        if sql.startswith("SELECT") and not self._lock.locked() and not self._raw.in_transaction:
            return self._raw  # no await before the read ends: nobody can begin meanwhile
        return self.reader

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """One row or None: our own transaction's view, else the read connection's."""
        conn = self._read_conn(sql)
        if conn is not None:
            return _first(conn, sql, tuple(params))
        async with self._lock:  # ":memory:": the write connection, between transactions
            return _first(self._raw, sql, tuple(params))

    async def fetchone_once(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """`fetchone`, read once per update: inside a unit of work that has not written yet, the
        same query gives the row it gave the first time (the gate and the seat check before it
        both look up the chat's committee and the sender's seat). The unit's first write
        forgets them; outside a unit, or once it writes, this is `fetchone`."""
        unit = self._unit()
        if unit is None or unit.wrote:
            return await self.fetchone(sql, params)
        key = (sql, tuple(params))
        if key not in unit.reads:
            unit.reads[key] = await self.fetchone(sql, key[1])
        return unit.reads[key]

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """All rows: our own transaction's view, else the read connection's."""
        conn = self._read_conn(sql)
        if conn is not None:
            return conn.execute(sql, tuple(params)).fetchall()
        async with self._lock:
            return self._raw.execute(sql, tuple(params)).fetchall()

    async def fetchval(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def _write(
        self, sql: str, params: Any, many: bool, quiet: bool = False
    ) -> sqlite3.Cursor:
        """Run a write in our transaction, or alone in a transaction of its own (a PRAGMA or
        other statement that must not run inside one: one autocommit hand-off, as before).

        A `quiet` write touches only the delivery's own tables (inbox, outbox), which no view
        of the state reads: it leaves `version` as it is."""
        if not quiet:
            self.version += 1
        run = self._raw.executemany if many else self._raw.execute
        if await self._writable():
            return run(sql, params)
        if not sql.lstrip()[:7].upper().startswith(_IN_TRANSACTION):
            async with self._lock:
                return await self._hop(sql, params, many)
        async with self.transaction():
            return run(sql, params)

    async def execute_returning(
        self, sql: str, params: Iterable[Any] = (), *, quiet: bool = False
    ) -> list[sqlite3.Row]:
        """Run one write statement with a RETURNING clause; return its rows (`quiet`: see
        `_write`)."""
        if not quiet:
            self.version += 1
        if await self._writable():
            return self._raw.execute(sql, tuple(params)).fetchall()
        async with self.transaction():
            return self._raw.execute(sql, tuple(params)).fetchall()

    async def execute(self, sql: str, params: Iterable[Any] = (), *, quiet: bool = False) -> int:
        """Run one write statement; return lastrowid (0 when none; `quiet`: see `_write`)."""
        cursor = await self._write(sql, tuple(params), many=False, quiet=quiet)
        return cursor.lastrowid or 0

    async def execute_rowcount(
        self, sql: str, params: Iterable[Any] = (), *, quiet: bool = False
    ) -> int:
        """Run one write statement; return how many rows it changed (`quiet`: see `_write`)."""
        cursor = await self._write(sql, tuple(params), many=False, quiet=quiet)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        """Run one write statement for each parameter row."""
        await self._write(sql, [tuple(r) for r in rows], many=True)

    async def backup(self, target: str | Path) -> None:
        """Copy the live database to `target` with SQLite's online backup API."""
        if self._mine():
            raise RuntimeError("backup inside a transaction would wait for itself")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        dest = await aiosqlite.connect(str(target))
        try:
            async with self._lock:  # the connection is not used from the loop meanwhile
                await self.conn.backup(dest)
        finally:
            await dest.close()
