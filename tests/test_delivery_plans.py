"""The inbox's and the outbox's queries stay cheap when their tables hold thousands of done rows.

Sent outbox rows and processed inbox rows stay in their tables until pruned (days), so a query
that scans a table costs more every hour the bot runs: the outbox's read of due rows did until
migration 0024 (a full `SCAN outbox` on every flush, ≈ 0.3 ms per update in the bench after a
few thousand rows). Every statement the hot paths run is recorded with sqlite3's trace callback
and its plan is checked: a SCAN may only walk a partial index that holds pending rows. (Left
out: the daily prune of the outbox and a group's move to a supergroup, rare enough to scan.)
"""

from __future__ import annotations

import json
from datetime import timedelta

from storage.db import sqlite3_behind, to_db
from storage.inbox import InboxRepo
from storage.outbox import OutboxRepo

DONE_ROWS = 3000
# Partial indexes over pending rows only: walking one costs O(pending), not O(table).
PENDING_INDEXES = ("outbox_due", "outbox_pending", "inbox_pending")


async def fill(db, now) -> None:
    """Thousands of sent outbox rows and processed inbox rows, a few pending ones."""
    at = to_db(now - timedelta(hours=1))
    payload = json.dumps({"text": "x" * 400})
    async with db.transaction():
        await db.executemany(
            "INSERT INTO outbox (chat_id, kind, payload, created_at, next_attempt_at, sent_at)"
            " VALUES (?, 'text', ?, ?, ?, ?)",
            [(-100 - i % 20, payload, at, at, at) for i in range(DONE_ROWS)],
        )
        await db.executemany(
            "INSERT INTO inbox (update_id, chat_id, payload, received_at, done_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(i, -100 - i % 20, payload, at, at) for i in range(1, DONE_ROWS + 1)],
        )
    await db.execute("ANALYZE")  # the plans must hold with statistics too


def scans(db, statements: list[str]) -> list[tuple[str, str]]:
    """(statement, plan line) for every plan step that scans the outbox or the inbox."""
    found = []
    for sql in statements:
        for row in sqlite3_behind(db.conn).execute("EXPLAIN QUERY PLAN " + sql):
            step = row[3]
            if not step.startswith("SCAN") or not any(t in step for t in ("outbox", "inbox")):
                continue
            if not any(step.endswith(f"INDEX {index}") for index in PENDING_INDEXES):
                found.append((sql, step))
    return found


async def test_hot_inbox_and_outbox_queries_never_scan_their_tables(db, clock):
    now = clock.now()
    await fill(db, now)
    outbox, inbox = OutboxRepo(db), InboxRepo(db)
    statements: list[str] = []
    connections = [sqlite3_behind(db.conn)] + ([db.reader] if db.reader is not None else [])
    for conn in connections:
        conn.set_trace_callback(statements.append)
    try:
        async with db.transaction():
            row_id = await outbox.add(
                chat_id=-100, thread_id=None, committee_id=None, kind="text",
                purpose="reply", ref_id=None, payload={"text": "hi"}, now=now,
            )  # fmt: skip
        assert [r.id for r in await outbox.pending(now)] == [row_id]
        await outbox.waiting_chats()
        await outbox.next_attempt({row_id})
        await outbox.unreported()
        await outbox.retry_later(row_id, now, "5xx")
        await outbox.mark_sent(row_id, now, 42)
        await outbox.mark_reported([row_id], now)
        await outbox.drop_thread(-100, 7)
        ids = await inbox.store([(DONE_ROWS + 1, -100, "{}"), (DONE_ROWS + 2, -101, "{}")], now)
        assert sorted(ids) == [DONE_ROWS + 1, DONE_ROWS + 2]
        assert await inbox.store([(DONE_ROWS + 2, -101, "{}")], now) == []  # known: ignored
        assert [r.update_id for r in await inbox.pending()] == sorted(ids)
        assert await inbox.pending_count() == 2
        assert await inbox.last_update_id() == DONE_ROWS + 2
        await inbox.mark_done([DONE_ROWS + 1], now)
        await inbox.mark_done([DONE_ROWS + 1, DONE_ROWS + 2], now)  # the list form too
        inbox.mark_done_later(DONE_ROWS + 2, now)
        await db.write_deferred()
        await inbox.mark_failed(DONE_ROWS + 2, now, "boom")
        await inbox.prune(now - timedelta(days=7))
    finally:
        for conn in connections:
            conn.set_trace_callback(None)
    relevant = [s for s in statements if "outbox" in s or "inbox" in s]
    assert len(relevant) >= 15  # every call above reached the database
    assert scans(db, relevant) == []
