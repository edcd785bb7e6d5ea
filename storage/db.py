"""The database: one aiosqlite connection for writes, a read connection, transactions, times.

The transaction machinery is the `Transactions` mixin (storage/transactions.py), the sqlite3
connections' helpers are in storage/connections.py, stored values (times, records) in
storage/values.py; what other modules use is still imported from here.

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
import sqlite3
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

import aiosqlite

from storage.connections import BUSY_TIMEOUT, _first, _open_reader, sqlite3_behind
from storage.deferred import DeferredWrites
from storage.transactions import Transactions
from storage.unit import Unit
from storage.values import ISO, from_db, record, to_db

# What other modules import from here (the names kept their home when db.py was split).
__all__ = ["ISO", "Database", "Unit", "from_db", "record", "sqlite3_behind", "to_db"]

# Statements a write outside a transaction runs in one of its own, on the loop's thread.
_IN_TRANSACTION = ("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "CREATE", "DROP", "ALTER")


class Database(Transactions):
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
