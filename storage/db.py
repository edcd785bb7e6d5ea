"""The database: one aiosqlite connection for writes, a read connection, transactions, times.

Writes (and reads inside one's own transaction) go through the single long-lived aiosqlite
connection, serialised by a lock. Plain reads outside a transaction go to a second, read-only
sqlite3 connection used on the event loop's own thread: in WAL mode a reader sees the latest
committed state without waiting for a writer, and a read costs a few microseconds instead of a
round trip to aiosqlite's worker thread (≈ 45 µs plus a loop wake-up; bench/ANALYSIS.md). Reads
are small indexed queries (single-digit milliseconds even at province scale), so running them
on the loop is cheaper than handing them off.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

ISO = "%Y-%m-%dT%H:%M:%SZ"

# True inside the task that holds the open transaction: its own statements must not wait for
# the lock it holds (and its reads must see its own uncommitted rows); every other coroutine's
# writes wait, so nothing runs inside someone else's transaction.
_IN_TRANSACTION = contextvars.ContextVar("in_transaction", default=False)


def to_db(moment: datetime | None) -> str | None:
    """Encode an aware datetime as sortable UTC text (`2026-12-31T16:59:00Z`)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    return moment.astimezone(UTC).strftime(ISO)


def from_db(text: str | None) -> datetime | None:
    """Decode text written by `to_db` into an aware UTC datetime."""
    if text is None:
        return None
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":  # 50x faster than strptime
        return datetime.fromisoformat(text)
    return datetime.strptime(text, ISO).replace(tzinfo=UTC)


def _first_row(conn: aiosqlite.Connection, sql: str, params: tuple) -> sqlite3.Row | None:
    """Runs on aiosqlite's worker thread: execute, take the first row, close the cursor."""
    cursor = conn._conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


def _open_reader(path: str) -> sqlite3.Connection:
    """A read-only autocommit connection for the event loop's thread."""
    reader = sqlite3.connect(path, isolation_level=None)
    reader.row_factory = sqlite3.Row
    reader.execute("PRAGMA query_only = ON")
    reader.execute("PRAGMA busy_timeout = 1000")  # readers wait only in WAL recovery
    return reader


class Database:
    """Owns the connection; serializes multi-statement transactions with a lock."""

    def __init__(
        self, conn: aiosqlite.Connection, path: str, reader: sqlite3.Connection | None = None
    ) -> None:
        self.conn = conn
        self.path = path
        self.reader = reader  # None for ":memory:" (private to its connection): reads use conn
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        """Open (creating the folder) with foreign keys, WAL, NORMAL sync and a busy timeout."""
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(target, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            for pragma in (
                "PRAGMA foreign_keys=ON",
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=NORMAL",
                "PRAGMA busy_timeout=5000",
            ):
                await conn.execute(pragma)
            return cls(conn, target, None if target == ":memory:" else _open_reader(target))
        except BaseException:
            await conn.close()  # e.g. "file is not a database": its worker thread would hang exit
            raise

    async def close(self) -> None:
        """Close both connections (aiosqlite's thread would otherwise keep the process alive)."""
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        await self.conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """`BEGIN IMMEDIATE` … `COMMIT`, rolled back on error; one at a time."""
        async with self._lock:
            token = _IN_TRANSACTION.set(True)
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
            finally:
                _IN_TRANSACTION.reset(token)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Wait for any other coroutine's transaction to finish (not our own)."""
        if _IN_TRANSACTION.get():
            yield
        else:
            async with self._lock:
                yield

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """One row or None: from the read connection, or our own transaction's view."""
        if self.reader is not None and not _IN_TRANSACTION.get():
            cursor = self.reader.execute(sql, tuple(params))
            try:
                return cursor.fetchone()
            finally:
                cursor.close()  # an open cursor would pin an old snapshot
        async with self._turn():
            return await self.conn._execute(_first_row, self.conn, sql, tuple(params))

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """All rows: from the read connection, or our own transaction's view."""
        if self.reader is not None and not _IN_TRANSACTION.get():
            return self.reader.execute(sql, tuple(params)).fetchall()
        async with self._turn():
            return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def fetchval(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement (autocommit, or inside our own transaction); return lastrowid."""
        async with self._turn():
            cur = await self.conn.execute(sql, tuple(params))
            return cur.lastrowid or 0

    async def backup(self, target: str | Path) -> None:
        """Copy the live database to `target` with SQLite's online backup API."""
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        dest = await aiosqlite.connect(str(target))
        try:
            await self.conn.backup(dest)
        finally:
            await dest.close()
