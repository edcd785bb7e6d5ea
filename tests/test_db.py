"""The database layer: transactions see their own writes; other readers see committed state."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest


async def test_own_transaction_sees_its_writes_others_see_committed_state(db):
    await db.execute("CREATE TABLE t (x INTEGER)")
    await db.execute("INSERT INTO t VALUES (1)")
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> int:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t VALUES (2)")
            seen = await db.fetchval("SELECT COUNT(*) FROM t")  # our own uncommitted row
            inside.set()
            await release.wait()
        return seen

    task = asyncio.create_task(writer())
    await inside.wait()
    # Another coroutine reads during the open transaction: committed state, without waiting.
    assert await db.fetchval("SELECT COUNT(*) FROM t") == 1
    release.set()
    assert await task == 2
    assert await db.fetchval("SELECT COUNT(*) FROM t") == 2


async def test_a_failed_transaction_leaves_nothing(db):
    await db.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t VALUES (1)")
            raise RuntimeError("boom")
    assert await db.fetchall("SELECT * FROM t") == []


async def test_the_read_connection_cannot_write(db):
    with pytest.raises(sqlite3.OperationalError):
        await db.fetchall("DELETE FROM committees RETURNING id")
