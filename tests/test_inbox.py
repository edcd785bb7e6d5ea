"""The durable inbox: updates committed before they are confirmed, each processed exactly once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from telegram.ext import CommandHandler

from bot.wiring.app import build_application
from storage.db import Database
from storage.inbox import InboxRepo
from storage.migrate import migrate
from tests.chat import GROUP, MEMBER_A, SECRETARY, bot_settings, running, services, vi
from tests.conftest import START
from tests.fakes import FakeBotAPI, private_chat, running_bot

HAS_UNIT = hasattr(Database, "unit")


async def rows(db: Database) -> list[dict]:
    found = await db.fetchall("SELECT * FROM inbox ORDER BY update_id")
    return [dict(r) for r in found]


async def test_storage_ignores_a_known_update_and_hands_out_the_rest_in_order(db, clock):
    inbox = InboxRepo(db)
    await inbox.store([(12, -5, '{"update_id": 12}'), (11, None, '{"update_id": 11}')], clock.now())
    await inbox.store([(12, -5, '{"changed": true}'), (13, 7, "{}")], clock.now())
    assert [r.update_id for r in await inbox.pending()] == [11, 12, 13]
    assert (await inbox.pending())[1].payload == '{"update_id": 12}'  # the first copy stays
    await inbox.mark_done([11, 13], clock.now())
    await inbox.mark_failed(12, clock.now(), "ValueError: boom")
    assert await inbox.pending() == [] and await inbox.last_update_id() == 13
    assert await inbox.prune(clock.now() - timedelta(days=7)) == 0
    assert await inbox.prune(clock.now() + timedelta(seconds=1)) == 3


async def test_every_update_is_stored_and_marked_done(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        fake.set_chat_member(GROUP.id, SECRETARY, "administrator")
        await conv.send(GROUP, SECRETARY, "/setup Ban Chỉ đạo")  # writes
        await conv.send(GROUP, MEMBER_A, "/members")  # reads only
        stored = await rows(services(conv).db)
    handed_out = [u["update_id"] for c in fake.calls_of("getUpdates") if c.ok for u in c.result]
    assert [r["update_id"] for r in stored] == handed_out
    assert all(r["done_at"] and r["error"] is None for r in stored)
    assert {r["chat_id"] for r in stored} == {GROUP.id}
    assert json.loads(stored[0]["payload"])["message"]["text"] == "/setup Ban Chỉ đạo"


async def test_an_update_handed_out_twice_is_processed_once(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        fake.set_chat_member(GROUP.id, SECRETARY, "administrator")
        update = fake.inject_message(GROUP, SECRETARY, "/setup Ban Chỉ đạo")
        fake.redeliver(update)  # the same id twice in one getUpdates answer
        await conv.deliver(update)
        assert len(conv.new_sent(GROUP.id)) == 1
        fake.redeliver(update)  # and again later (a lost confirmation)
        await conv.deliver(update)
        assert conv.new_sent() == []


async def test_unprocessed_rows_are_processed_first_after_a_restart(tmp_path, clock):
    """An update stored by a life that died before processing it: done before the first poll."""
    alice = MEMBER_A
    async with FakeBotAPI() as fake:
        settings = bot_settings(fake, tmp_path / "bot.db")
        update = fake.inject_message(private_chat(alice), alice, "/help")  # never confirmed
        db = await Database.open(settings.database_path)
        try:
            await migrate(db)
            row = (update["update_id"], alice.id, json.dumps(update))
            old = (1, None, json.dumps({"update_id": 1}))
            broken = (5, None, "{not json")
            await InboxRepo(db).store([row, old], START - timedelta(days=9))
            await InboxRepo(db).store([broken], START)
            await InboxRepo(db).mark_done([1], START - timedelta(days=8))
        finally:
            await db.close()
        app = build_application(settings, clock, throttle=False)
        async with running_bot(app, fake) as conv:
            await conv.settle()
            stored = await rows(services(conv).db)
        replies = fake.sent(alice.id)
        assert len(replies) == 1  # handed out again by the fake, stored once, processed once
        first_poll = fake.calls.index(fake.calls_of("getUpdates")[0])
        assert fake.calls.index(replies[0]) < first_poll
        assert [r["update_id"] for r in stored] == [5, update["update_id"]]  # the old row pruned
        assert stored[0]["done_at"] and stored[0]["error"] == "unreadable: JSONDecodeError"


async def boom(update, context) -> None:
    """A handler that writes, then fails."""
    db = context.bot_data.services.db
    await db.execute("INSERT INTO scheduler_state (key, value) VALUES ('boom', 'written')")
    raise RuntimeError("handler failed")


async def test_a_failing_handler_is_recorded_and_not_retried(tmp_path, clock):
    async with FakeBotAPI() as fake:
        settings = bot_settings(fake, tmp_path / "bot.db")
        app = build_application(settings, clock, throttle=False)
        app.add_handler(CommandHandler("boom", boom), group=-10)
        async with running_bot(app, fake) as conv:
            assert await conv.ask(GROUP, MEMBER_A, "/boom") == vi("error.apology")
            [row] = await rows(services(conv).db)
            assert row["done_at"] and row["error"] == "RuntimeError: handler failed"
        again = build_application(settings, clock, throttle=False)
        again.add_handler(CommandHandler("boom", boom), group=-10)
        async with running_bot(again, fake) as conv:
            await conv.settle()
    assert [c.text for c in fake.sent(GROUP.id)] == [vi("error.apology")]  # not processed again


@pytest.mark.skipif(not HAS_UNIT, reason="needs Database.unit() (storage/db.py, house-db)")
async def test_a_failing_handler_leaves_no_write_behind(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, _):
        conv.app.add_handler(CommandHandler("boom", boom), group=-10)
        await conv.send(GROUP, MEMBER_A, "/boom")
        db = services(conv).db
        assert await db.fetchval("SELECT value FROM scheduler_state WHERE key = 'boom'") is None


async def test_the_inbox_stores_the_json_telegram_sent(tmp_path, clock):
    """Not a re-serialised Update (`to_dict` costs 0.1–0.4 ms an update): the answer's JSON."""
    async with running(tmp_path, clock) as (conv, fake):
        sent = fake.inject_message(GROUP, MEMBER_A, "/help")
        sent["message"]["x_unknown_field"] = 1  # PTB would drop it (or keep it in api_kwargs)
        await conv.deliver(sent)
        [row] = await rows(services(conv).db)
    assert json.loads(row["payload"]) == sent
