"""The sqlite3 connections under the Database: the write connection's, and the read-only one."""

from __future__ import annotations

import sqlite3

import aiosqlite

BUSY_TIMEOUT = "PRAGMA busy_timeout = 5000"  # how long a write waits for another process's lock


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
