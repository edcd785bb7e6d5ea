"""An update whose processing keeps failing is set aside after a few attempts: kept, counted,
its sender told once, and the chat's later updates go on; a locked database is only retried."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import timedelta

from bot.ops.status import status as operator_status
from storage.inbox import InboxRepo
from tests.chat import GROUP, MEMBER_A, SECRETARY, running, services, set_up_committee, vi
from tests.fakes.bot_api import PATIENCE

POISON = "Báo cáo MARK-42"  # the one message whose processing cannot be committed

# A real database failure, for this one update only: its commit is refused each time, as a
# damaged page or a full disk would refuse it (RAISE is SQLite's own error, not a mock).
TRIGGER = """
CREATE TRIGGER poisoned BEFORE UPDATE OF done_at ON inbox
WHEN NEW.payload LIKE '%MARK-42%'
BEGIN SELECT RAISE(ABORT, 'disk I/O trouble on this page'); END
"""


async def inbox_row(db, text: str) -> dict:
    [row] = await db.fetchall("SELECT * FROM inbox WHERE payload LIKE ?", (f"%{text}%",))
    return dict(row)


async def test_an_update_that_keeps_failing_is_set_aside_and_the_chat_goes_on(
    tmp_path, clock, capsys
):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        db = services(conv).db
        await db.execute(TRIGGER)
        update = await conv.send(GROUP, SECRETARY, f"/assign @so_taichinh {POISON} hạn +5d")
        # The sender is told once, in their language, in reply to their message.
        [notice] = conv.new_sent(GROUP.id)
        assert notice.text == vi("inbox.set_aside")
        message_id = update["message"]["message_id"]
        assert notice.params["reply_parameters"]["message_id"] == message_id
        # Nothing of it was half-done; the row is kept with its error and attempts.
        assert await db.fetchval("SELECT count(*) FROM items") == 0
        row = await inbox_row(db, "MARK-42")
        assert row["attempts"] == 3 and row["set_aside_at"] and row["done_at"] is None
        assert "disk I/O trouble on this page" in row["error"]
        assert POISON in row["payload"]
        # The chat's next update is answered as usual.
        answer = await conv.ask(GROUP, MEMBER_A, "/tasks")
        assert answer != vi("inbox.set_aside")
        assert await conv.ask(GROUP, MEMBER_A, "/join Sở Tài chính") != vi("inbox.set_aside")
        # The secretary sees it counted in /status; it is never pruned nor handed out again.
        status = await conv.ask(GROUP, SECRETARY, "/status")
        assert vi("status.set_aside", count=1) in status
        inbox = InboxRepo(db)
        assert await inbox.prune(clock.now() + timedelta(days=30)) > 0  # done rows go…
        assert (await inbox_row(db, "MARK-42"))["set_aside_at"]  # …this one stays
        assert row["update_id"] not in [r.update_id for r in await inbox.pending()]
        assert await inbox.set_aside_count() == 1
        # …and the operator's `python -m bot status` counts it too.
        operator_status(services(conv).settings)
        assert "set aside:   1 updates kept aside after failing" in capsys.readouterr().out
    assert [c.text for c in fake.sent(GROUP.id)].count(vi("inbox.set_aside")) == 1


class Seen(logging.Handler):
    """Sets `event` once a log record contains `needle` (a condition to wait on, not a sleep)."""

    def __init__(self, needle: str) -> None:
        super().__init__()
        self.needle, self.event = needle, asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.needle in record.getMessage():
            self.event.set()


def replies_to(fake, update: dict) -> list:
    message_id = update["message"]["message_id"]
    return [
        c
        for c in fake.sent(GROUP.id)
        if (c.params.get("reply_parameters") or {}).get("message_id") == message_id
    ]


async def test_a_locked_database_is_retried_not_counted(tmp_path, clock):
    """Another process holds the write lock when an update is processed: it waits, is tried
    again, and goes through once the lock is gone; nothing is counted, nobody gets an apology."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        db = services(conv).db
        asked = len(fake.calls_of("getChatMember"))  # /setup asked once
        release = fake.hold_next("getChatMember")  # /status asks Telegram, writing nothing
        status = fake.inject_message(GROUP, SECRETARY, "/status")
        remind = fake.inject_message(GROUP, SECRETARY, "/remind +2d Họp giao ban")
        await fake.wait_for(
            lambda: len(fake.calls_of("getChatMember")) > asked, PATIENCE, "/status running"
        )
        # Both updates are in the inbox; now another process takes the write lock.
        other = sqlite3.connect(db.path, timeout=60, isolation_level=None, check_same_thread=False)
        seen = Seen("trying again")
        logging.getLogger("bot.delivery.processor").addHandler(seen)
        try:
            await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")
            release.set()
            async with asyncio.timeout(PATIENCE * 2):
                await seen.event.wait()  # /remind met the lock: rolled back, to be tried again
            await asyncio.to_thread(other.execute, "COMMIT")
        finally:
            logging.getLogger("bot.delivery.processor").removeHandler(seen)
            other.close()
        await fake.wait_for(lambda: replies_to(fake, remind), PATIENCE * 2, "the reply")
        await conv.settle()
        [reply] = replies_to(fake, remind)
        assert reply.text not in (vi("inbox.set_aside"), vi("error.apology"))
        assert replies_to(fake, status)
        row = await inbox_row(db, "Họp giao ban")
        assert row["attempts"] == 0 and row["set_aside_at"] is None and row["done_at"]
        assert row["error"] is None
        sql = "SELECT count(*) FROM reminders WHERE text = 'Họp giao ban'"
        assert await db.fetchval(sql) == 1
