"""The database layer: transactions on the loop's thread (no hand-off; checkpoints on the worker),
owned by a task; units of work; reads."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import threading
from importlib.metadata import version

import aiosqlite
import pytest

from storage.db import Database, record, sqlite3_behind


@pytest.fixture
async def t(db):
    """The test database with a scratch table `t (x)` holding one row, 1."""
    await db.execute("CREATE TABLE t (x INTEGER)")
    await db.execute("INSERT INTO t VALUES (1)")
    return db


async def count(db: Database) -> int:
    return await db.fetchval("SELECT COUNT(*) FROM t")


async def test_own_transaction_sees_its_writes_others_see_committed_state(t):
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> int:
        async with t.transaction():
            await t.execute("INSERT INTO t VALUES (2)")
            seen = await count(t)  # our own uncommitted row
            inside.set()
            await release.wait()
        return seen

    task = asyncio.create_task(writer())
    await inside.wait()
    # Another coroutine reads during the open transaction: committed state, without waiting.
    assert await count(t) == 1
    release.set()
    assert await task == 2
    assert await count(t) == 2


async def test_a_failed_transaction_leaves_nothing(t):
    with pytest.raises(RuntimeError):
        async with t.transaction():
            await t.execute("INSERT INTO t VALUES (2)")
            await t.executemany("INSERT INTO t VALUES (?)", [(3,), (4,)])
            raise RuntimeError("boom")
    assert await count(t) == 1
    async with t.transaction():  # and the next one works
        await t.execute("INSERT INTO t VALUES (2)")
    assert await count(t) == 2


async def test_a_failed_commit_rolls_back_and_frees_the_connection(t):
    await t.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await t.execute(
        "CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    with pytest.raises(sqlite3.IntegrityError):
        async with t.transaction():
            await t.execute("INSERT INTO t VALUES (2)")
            await t.execute("INSERT INTO child VALUES (42)")  # checked only at COMMIT
    assert await count(t) == 1
    async with t.transaction():
        await t.execute("INSERT INTO t VALUES (2)")
    assert await count(t) == 2


async def test_the_read_connection_cannot_write(db):
    with pytest.raises(sqlite3.OperationalError):
        await db.fetchall("DELETE FROM committees RETURNING id")


async def test_a_transaction_costs_one_commit_and_no_hand_off_whatever_it_holds(t):
    # Before issue 18 point 4: one hand-off (the COMMIT), and one per autocommit write.
    before, commits = t.hops, t.commits
    async with t.transaction():
        for x in range(10):
            await t.execute("INSERT INTO t VALUES (?)", (x,))
            await t.fetchall("SELECT * FROM t")
        assert await t.execute_rowcount("UPDATE t SET x = x + 1") == 11
    assert (t.hops - before, t.commits - commits) == (0, 1)  # all of it on the loop's thread
    await t.execute("INSERT INTO t VALUES (0)")  # a write outside one: its own transaction
    await t.fetchall("SELECT * FROM t")  # a plain read: nothing
    assert (t.hops - before, t.commits - commits) == (0, 2)
    assert sqlite3_behind(t.conn).execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0


async def test_the_wal_is_checkpointed_on_the_worker_every_so_many_commits(t, monkeypatch):
    monkeypatch.setattr("storage.transactions.CHECKPOINT_EVERY", 5)
    t._since_checkpoint = 0
    before = t.hops
    for x in range(4):
        await t.execute("INSERT INTO t VALUES (?)", (x,))
    assert t.hops == before  # no checkpoint yet: the WAL holds the four commits
    await t.execute("INSERT INTO t VALUES (9)")  # the fifth: one hand-off, the checkpoint
    assert t.hops - before == 1
    assert await count(t) == 6


async def test_begin_waits_on_the_worker_while_another_process_writes(t):
    other = sqlite3.connect(t.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    other.execute("INSERT INTO t VALUES (7)")
    before = t.hops
    writer = asyncio.create_task(transfer(t))
    for _ in range(3):
        await asyncio.sleep(0)  # the writer tried BEGIN here, found the lock taken, handed off
    assert not writer.done() and t.hops - before == 1  # and the loop is free meanwhile
    other.execute("COMMIT")
    other.close()
    assert await writer == 3
    assert t.hops - before == 1  # BEGIN on the worker; the COMMIT on the loop's thread
    assert sqlite3_behind(t.conn).execute("PRAGMA busy_timeout").fetchone()[0] == 5000


async def transfer(db: Database) -> int:
    async with db.transaction():
        await db.execute("INSERT INTO t VALUES (8)")
        return await count(db)


async def test_a_nested_transaction_joins_and_its_failure_undoes_only_itself(t):
    before = t.hops
    async with t.transaction():
        await t.execute("INSERT INTO t VALUES (2)")
        async with t.transaction():
            await t.execute("INSERT INTO t VALUES (3)")
        with pytest.raises(RuntimeError):
            async with t.transaction():
                await t.execute("INSERT INTO t VALUES (4)")
                raise RuntimeError("inner")
        assert await count(t) == 3
    assert t.hops - before == 0
    assert [r[0] for r in await t.fetchall("SELECT x FROM t ORDER BY x")] == [1, 2, 3]


async def test_another_coroutines_write_waits_for_the_open_transaction(t):
    order: list[str] = []
    inside = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with t.transaction():
            await t.execute("INSERT INTO t VALUES (2)")
            inside.set()
            await release.wait()
            order.append("commit")

    async def other() -> None:
        await t.execute("INSERT INTO t VALUES (3)")
        order.append("other wrote")

    first = asyncio.create_task(holder())
    await inside.wait()
    second = asyncio.create_task(other())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert order == []  # still waiting for the lock
    release.set()
    await asyncio.gather(first, second)
    assert order == ["commit", "other wrote"]
    assert await count(t) == 3


async def test_a_child_task_does_not_slip_into_its_parents_transaction(t):
    seen: dict[str, object] = {}

    async def child() -> None:
        seen["read"] = await count(t)  # committed state: the parent's row is not there
        await t.execute("INSERT INTO t VALUES (3)")  # waits for the parent's COMMIT
        seen["after"] = await count(t)

    async with t.transaction():
        await t.execute("INSERT INTO t VALUES (2)")
        task = asyncio.create_task(child())
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert seen == {"read": 1}
        assert await count(t) == 2  # the parent still sees its own row only
    await task
    assert seen == {"read": 1, "after": 3}


async def test_a_unit_that_only_reads_costs_nothing(t):
    before = t.hops
    async with t.unit() as unit:
        assert await count(t) == 1
        assert not t.in_unit_transaction()
    assert not unit.wrote
    assert t.hops == before


async def test_a_unit_begins_at_its_first_write_and_commits_once_at_its_end(t):
    before = t.hops
    async with t.unit() as unit:
        assert not t.in_unit_transaction()
        await t.execute("INSERT INTO t VALUES (2)")  # BEGIN IMMEDIATE here
        assert t.in_unit_transaction() and unit.wrote
        async with t.transaction():  # joins: its end commits nothing
            await t.execute("INSERT INTO t VALUES (3)")
        await t.execute("INSERT INTO t VALUES (4)")
        assert await count(t) == 4  # reads see the unit's own writes
        other = asyncio.create_task(count(t))
        assert await other == 1  # another task sees committed state only
    assert t.hops - before == 0  # one COMMIT, on the loop's thread
    assert not t.in_unit_transaction()
    assert await count(t) == 4


async def test_an_error_in_a_unit_rolls_back_all_its_writes(t):
    with pytest.raises(RuntimeError):
        async with t.unit():
            await t.execute("INSERT INTO t VALUES (2)")
            async with t.transaction():
                await t.execute("INSERT INTO t VALUES (3)")
            raise RuntimeError("handler failed")
    assert await count(t) == 1


async def test_a_caught_failure_inside_a_unit_undoes_only_its_block(t):
    async with t.unit():
        await t.execute("INSERT INTO t VALUES (2)")
        with pytest.raises(ValueError):  # e.g. a refused command the handler answers
            async with t.transaction():
                await t.execute("INSERT INTO t VALUES (3)")
                raise ValueError("refused")
    assert [r[0] for r in await t.fetchall("SELECT x FROM t ORDER BY x")] == [1, 2]


async def test_before_commit_runs_inside_the_units_transaction(t):
    calls: list[str] = []

    def sync_callback() -> None:
        calls.append(f"sync saw {t.in_unit_transaction()}")

    async def async_callback() -> None:
        calls.append(
            f"async saw {await count(t)} rows, others {await asyncio.create_task(count(t))}"
        )
        await t.execute("INSERT INTO t VALUES (9)")

    before = t.hops
    async with t.unit() as unit:
        unit.before_commit(sync_callback)
        unit.before_commit(async_callback)
        await t.execute("INSERT INTO t VALUES (2)")
        assert calls == []
    assert calls == ["sync saw True", "async saw 2 rows, others 1"]
    assert t.hops - before == 0  # the callback's write went into the same transaction
    assert await count(t) == 3


async def test_before_commit_of_a_unit_that_wrote_nothing_may_begin_it(t):
    seen: list[bool] = []

    async def mark_done() -> None:
        seen.append(unit.wrote)
        await t.execute("INSERT INTO t VALUES (2)")

    async with t.unit() as unit:
        unit.before_commit(mark_done)
        await count(t)
    assert seen == [False] and unit.wrote
    assert await count(t) == 2


async def test_a_failing_before_commit_rolls_the_unit_back(t):
    def fail() -> None:
        raise RuntimeError("outbox full")

    with pytest.raises(RuntimeError):
        async with t.unit() as unit:
            unit.before_commit(fail)
            await t.execute("INSERT INTO t VALUES (2)")
    assert await count(t) == 1


async def test_after_commit_runs_once_the_unit_committed_and_never_after_a_rollback(t):
    seen = []

    async def note():
        seen.append(await count(t))  # outside the unit: the read connection, committed state

    async with t.unit() as unit:
        await t.execute("INSERT INTO t VALUES (2)")
        unit.after_commit(note)
        unit.after_commit(note)  # the same callable twice: once
        assert seen == []
    assert seen == [2]  # it saw the committed row
    with pytest.raises(RuntimeError):
        async with t.unit() as unit:
            await t.execute("INSERT INTO t VALUES (3)")
            unit.after_commit(note)
            raise RuntimeError("handler failed")
    assert seen == [2]
    async with t.unit() as unit:  # a unit that only read: its after_commit runs at its end
        unit.after_commit(note)
    assert seen == [2, 2]


async def test_units_of_concurrent_tasks_are_their_own(t):
    in_first = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with t.unit():
            await t.execute("INSERT INTO t VALUES (2)")
            in_first.set()
            await release.wait()

    async def second() -> bool:
        async with t.unit():
            began = t.in_unit_transaction()
            await t.execute("INSERT INTO t VALUES (3)")  # waits for the first unit's COMMIT
            return began

    one = asyncio.create_task(first())
    await in_first.wait()
    two = asyncio.create_task(second())
    await asyncio.sleep(0)
    assert not two.done()
    release.set()
    await one
    assert await two is False
    assert await count(t) == 3


async def test_a_memory_database_works_too():
    db = await Database.open(":memory:")
    try:
        await db.execute("CREATE TABLE t (x INTEGER)")
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (1)")
        async with db.unit():
            await db.execute("INSERT INTO t VALUES (2)")
        assert await count(db) == 2
    finally:
        await db.close()


async def test_the_aiosqlite_internals_we_rely_on(db):
    # storage.db.sqlite3_behind reads the private `Connection._conn` (see its docstring); if
    # this fails after an upgrade, fix that one function and the range in pyproject.toml.
    assert (0, 21) <= tuple(int(p) for p in version("aiosqlite").split(".")[:2]) < (0, 23)
    assert isinstance(aiosqlite.Connection.__dict__["_conn"], property)
    raw = sqlite3_behind(db.conn)
    assert isinstance(raw, sqlite3.Connection)
    assert raw is not db.reader
    # It is the connection aiosqlite drives: a change made through one shows in the other.
    await db.conn.execute("CREATE TEMP TABLE probe (x)")
    assert raw.execute("SELECT COUNT(*) FROM probe").fetchone()[0] == 0
    # check_same_thread=False is honoured: the loop's thread is not aiosqlite's worker.
    await db.conn.create_function("thread_id", 0, threading.get_ident)
    async with db.conn.execute("SELECT thread_id()") as cursor:
        assert (await cursor.fetchone())[0] != threading.get_ident()
    raw.execute("INSERT INTO probe VALUES (1)")
    assert db.conn.total_changes == raw.total_changes


async def test_a_deferred_write_rides_in_the_next_commit_whoever_makes_it(t):
    done: list[str] = []
    t.defer("INSERT INTO t VALUES (5)", (), lambda: done.append("5"))
    assert await count(t) == 1 and t.has_deferred()
    commits = t.commits
    await asyncio.create_task(t.execute("INSERT INTO t VALUES (6)"))  # another task's write
    assert (await count(t), t.commits - commits, done) == (3, 1, ["5"])
    assert not t.has_deferred()


async def test_a_deferred_write_waits_out_a_rollback_and_a_failing_one_spoils_nothing(t):
    t.defer("INSERT INTO t VALUES (5)")
    with pytest.raises(RuntimeError):
        async with t.transaction():
            await t.execute("INSERT INTO t VALUES (6)")
            raise RuntimeError("rolled back")
    assert await count(t) == 1 and t.has_deferred()  # put back
    t.defer("INSERT INTO no_such_table VALUES (1)")
    await t.execute("INSERT INTO t VALUES (7)")
    assert sorted(r[0] for r in await t.fetchall("SELECT x FROM t")) == [1, 5, 7]  # one dropped
    assert not t.has_deferred()


async def test_deferred_writes_commit_by_themselves_when_no_commit_comes(t, monkeypatch):
    monkeypatch.setattr("storage.deferred.DEFER_DELAY", 0)
    commits = t.commits
    t.defer("INSERT INTO t VALUES (5)")
    for _ in range(10):  # the timer fires on the next turn of the loop; no wall-clock wait
        await asyncio.sleep(0)
    assert (await count(t), t.commits - commits) == (2, 1)
    t.defer("INSERT INTO t VALUES (6)")
    await t.write_deferred()  # what a settle point or a stop does
    assert await count(t) == 3


async def test_a_lazy_deferred_write_is_not_forced_by_a_settle_point_but_rides_a_commit(t):
    commits = t.commits
    t.defer("INSERT INTO t VALUES (5)", lazy=True)
    await t.write_deferred()  # a settle point: a lazy write alone makes no commit
    assert (await count(t), t.commits - commits, t.has_deferred()) == (1, 0, True)
    await t.execute("INSERT INTO t VALUES (6)")  # it rides the next commit
    assert (await count(t), t.commits - commits, t.has_deferred()) == (3, 1, False)
    t.defer("INSERT INTO t VALUES (7)", lazy=True)
    t.defer("INSERT INTO t VALUES (8)")
    await t.write_deferred()  # forced by the eager one: both go
    assert (await count(t), t.commits - commits) == (5, 2)
    t.defer("INSERT INTO t VALUES (9)", lazy=True)
    await t.write_deferred(lazy=True)  # what the timer (no commit came) and the close do
    assert (await count(t), t.commits - commits) == (6, 3)


def test_a_record_is_what_the_dataclass_would_build_and_only_plain_frozen_ones_qualify():
    @dataclasses.dataclass(frozen=True)
    class Row:
        id: int
        name: str | None = None

    made = record(Row, {"id": 7, "name": "a"})
    assert (
        made == Row(7, "a") and hash(made) == hash(Row(7, "a")) and repr(made) == repr(Row(7, "a"))
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.id = 8  # type: ignore[misc]
    with pytest.raises(TypeError):
        record(Row, {"id": 7})  # every field, or the constructor's defaults would be skipped

    @dataclasses.dataclass(frozen=True)
    class Checked:
        id: int

        def __post_init__(self) -> None:
            raise ValueError

    @dataclasses.dataclass
    class Mutable:
        id: int

    for cls in (Checked, Mutable):
        with pytest.raises(TypeError):
            record(cls, {"id": 1})
