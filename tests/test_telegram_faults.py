"""Telegram faults injected by the fake server: the bot recovers and loses no message or record.

- 429 (Too Many Requests, `retry_after`): the rate limiter waits and retries; the reply arrives.
- 500 / 502 and timeouts: transient; the request is retried (twice, short back-off) and the reply
  arrives; if Telegram keeps failing, the record stays and the person gets the apology.
- 403 from a member who blocked the bot: their private copy is skipped and they are marked
  unreachable; the group message and everyone else's copies still go out.
- ChatMigrated (the group became a supergroup): the committee follows the new chat id and the
  scheduled post goes to the new chat; later posts go there directly.
Reminders that could not be sent stay due and go out on a later sweep: never lost, never twice.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import httpx
import pytest

from bot.logs import configure_logging
from bot.wiring import app
from handlers.jobs import sweeper_of
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    SECRETARY,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import private_chat
from tests.fakes.harness import TOKEN
from tests.workload import apologies

ASSIGN = "/assign @so_taichinh Báo cáo kinh phí hạn 20/12"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """The back-off between transient retries, shortened (the behaviour is the same)."""
    monkeypatch.setattr(app, "TRANSIENT_DELAY", 0.01)


async def tasks_titled(conv, title: str) -> list:
    committee = await services(conv).committees.by_chat(GROUP.id)
    rows = await services(conv).db.fetchall(
        "SELECT * FROM items WHERE committee_id = ? AND title = ?", (committee.id, title)
    )
    return list(rows)


def card_calls(fake, number: int) -> list:
    return [
        c
        for c in fake.calls_of("sendMessage")
        if str(c.params.get("text", "")).startswith(f"📌 <b>Nhiệm vụ #{number}</b>")
    ]


async def test_a_429_on_the_reply_of_assign_waits_and_the_card_arrives(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        fake.fail_next("sendMessage", 429, retry_after=1, chat_id=GROUP.id)
        card = await conv.ask_raw(GROUP, SECRETARY, ASSIGN)
        assert [c.status for c in card_calls(fake, 1)] == [429, 200]
        [task] = await tasks_titled(conv, "Báo cáo kinh phí")
        assert task["message_id"] == card.result["message_id"]  # the card is the task's card
        assert not set(conv.new_texts(GROUP.id)) & apologies()


async def test_a_5xx_on_a_reply_is_retried_and_nothing_is_lost(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        fake.fail_next("sendMessage", 500, chat_id=GROUP.id)
        fake.fail_next("sendMessage", 502, description="Bad Gateway", chat_id=GROUP.id)
        card = await conv.ask_raw(GROUP, SECRETARY, ASSIGN)
        assert [c.status for c in card_calls(fake, 1)] == [500, 502, 200]
        [task] = await tasks_titled(conv, "Báo cáo kinh phí")
        assert task["message_id"] == card.result["message_id"]
        fake.fail_next("editMessageText", 502, chat_id=GROUP.id)  # the card's edit, then the reply
        fake.fail_next("sendMessage", 500, chat_id=GROUP.id)
        reply = await conv.ask(GROUP, MEMBER_A, "/progress 1 40 đã có số liệu")
        assert reply == vi("progress.done", number=1, percent=40)
        assert "40%" in fake.message(GROUP.id, task["message_id"])["text"]
        assert await services(conv).db.fetchval("SELECT progress FROM tasks") == 40


async def test_a_card_telegram_keeps_refusing_waits_in_the_outbox_and_arrives(tmp_path, clock):
    """Issue 18: six 500s in a row on the card (two rounds of the limiter's retries) used to lose
    the card though the task existed; now it waits in the outbox and arrives once."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        fake.fail_next("sendMessage", 500, chat_id=GROUP.id, times=6)
        await conv.send(GROUP, SECRETARY, ASSIGN)
        assert conv.new_texts(GROUP.id) == []  # no apology: the task is saved, the card is queued
        assert len(await tasks_titled(conv, "Báo cáo kinh phí")) == 1
        outbox = conv.app.bot_data.outbox
        assert await outbox.flush() == 0  # its next try is not due yet
        clock.advance(seconds=1)
        assert await outbox.flush() == 0  # tries four to six fail too; back-off doubles
        clock.advance(seconds=2)
        assert await outbox.flush() == 1  # the seventh goes through
        [card] = [c for c in fake.sent(GROUP.id) if "Báo cáo kinh phí" in (c.text or "")]
        [task] = await tasks_titled(conv, "Báo cáo kinh phí")
        assert task["message_id"] == card.result["message_id"]  # edited in place from now on


async def test_a_card_edit_telegram_keeps_refusing_does_not_undo_the_confirmation(tmp_path, clock):
    """Regression: a 5xx on the task card's edit (after the retries) escaped the handler, so a
    saved /progress was answered with the apology ("try again") instead of its confirmation."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, ASSIGN)
        fake.fail_next("editMessageText", 500, chat_id=GROUP.id, times=3)
        reply = await conv.ask(GROUP, MEMBER_A, "/progress 1 40 đã có số liệu")
        assert reply == vi("progress.done", number=1, percent=40)
        assert not set(conv.new_texts(GROUP.id)) & apologies()
        await conv.send(GROUP, MEMBER_A, "/progress 1 60")  # the card catches up on the next one
        [task] = await tasks_titled(conv, "Báo cáo kinh phí")
        assert "60%" in fake.message(GROUP.id, task["message_id"])["text"]


async def test_a_timed_out_reply_is_retried(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        conv.app.bot.request._client.timeout = httpx.Timeout(0.5)  # Telegram's 5 s, shortened
        fake.delay_next("sendMessage", 30)  # the first try hangs past the read timeout
        card = await conv.ask_raw(GROUP, SECRETARY, ASSIGN)
        statuses = [c.status for c in card_calls(fake, 1)]
        assert statuses == [499, 200]  # 499: the bot gave up waiting (not delivered here)
        [task] = await tasks_titled(conv, "Báo cáo kinh phí")
        assert task["message_id"] == card.result["message_id"]


async def test_a_429_on_a_button_press_answer_and_card_edit(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/vote Thông qua Quy chế hạn 20/12")
        card = conv.new_sent(GROUP.id)[0]
        fake.fail_next("answerCallbackQuery", 429, retry_after=1)
        fake.fail_next("editMessageText", 429, retry_after=1, chat_id=GROUP.id)
        await conv.press_button(GROUP, MEMBER_A, vi("vote.button.for"), card)
        assert conv.last_answer() == vi("vote.cast_done", choice=vi("vote.choice.for"), number=1)
        assert await services(conv).db.fetchval("SELECT count(*) FROM ballots") == 1


# ------------------------------------------------------------------ scheduled messages
async def sweep(conv, clock, when) -> int:
    clock.set(when)
    return await sweeper_of(conv.app).sweep()


async def test_a_member_who_blocked_the_bot_loses_only_their_own_copy(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for user in (MEMBER_A, MEMBER_B):
            await conv.send(private_chat(user), user, "/start")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh @so_tttt Việc X hạn 04/12")
        fake.fail_next("sendMessage", 403, description="Forbidden: bot was blocked by the user",
                       chat_id=MEMBER_A.id)  # fmt: skip
        mark = len(fake.calls)
        assert await sweep(conv, clock, clock.now().replace(day=3, hour=1)) == 1
        sent_to = [str(c.chat_id) for c in fake.calls[mark:] if c.method == "sendMessage" and c.ok]
        assert sent_to == [str(GROUP.id), str(MEMBER_B.id)]  # group, then B's copy
        assert not (await services(conv).users.get(MEMBER_A.id)).can_dm
        assert (await services(conv).users.get(MEMBER_B.id)).can_dm
        await conv.send(private_chat(MEMBER_A), MEMBER_A, "/start")  # unblocked: reachable again
        assert (await services(conv).users.get(MEMBER_A.id)).can_dm


async def test_a_5xx_on_a_reminder_is_retried_and_sent_once(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/remind +1h Họp giao ban")
        fake.fail_next("sendMessage", 502, chat_id=GROUP.id, times=3)  # all tries of this sweep
        assert await sweep(conv, clock, clock.now() + timedelta(hours=1)) == 0
        [row] = await services(conv).db.fetchall("SELECT * FROM reminders WHERE kind = 'adhoc'")
        assert row["sent_at"] is None and row["attempts"] == 1  # kept, with a back-off
        assert await sweep(conv, clock, clock.now() + timedelta(minutes=5)) == 1
        assert await sweep(conv, clock, clock.now() + timedelta(hours=1)) == 0
        texts = [c.text for c in fake.sent(GROUP.id) if c.text.startswith("🔔 <b>")]
        assert texts == [vi("reminder.adhoc", text="Họp giao ban", author="Lê Thư Ký")]


async def test_a_migrated_group_gets_its_scheduled_post_in_the_new_chat(tmp_path, clock):
    new_id = -1009990001112
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/remind +1h Họp giao ban")
        await conv.send(GROUP, SECRETARY, "/remind +2h Nộp báo cáo")
        fake.migrated[GROUP.id] = new_id  # upgraded while the bot saw no service message
        assert await sweep(conv, clock, clock.now() + timedelta(hours=1)) == 1
        failed = [c for c in fake.calls_of("sendMessage") if c.status == 400]
        assert failed and failed[0].result["parameters"] == {"migrate_to_chat_id": new_id}
        committee = await services(conv).committees.get(1)
        assert committee.chat_id == new_id
        assert [c.text for c in fake.sent(new_id)] == [
            vi("reminder.adhoc", text="Họp giao ban", author="Lê Thư Ký")
        ]
        assert await sweep(conv, clock, clock.now() + timedelta(hours=1)) == 1
        assert len(fake.sent(new_id)) == 2 and fake.sent(GROUP.id)[-1].text != vi(
            "reminder.adhoc", text="Nộp báo cáo", author="Lê Thư Ký"
        )
        assert len(fake.calls_of("sendMessage")) - len(failed) == len(fake.sent())  # no more 400s


async def test_the_migration_service_message_moves_the_committee(tmp_path, clock):
    old = GROUP.__class__(-4001234, "group", title="Ban cũ")
    new_id = -1004001234
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake, chat=old)
        await conv.send(old, SECRETARY, "/assign @so_taichinh Việc A hạn 20/12")
        for update in fake.inject_migration(old.id, new_id):
            assert update
        await conv.settle()
        assert (await services(conv).committees.get(1)).chat_id == new_id
        new = GROUP.__class__(new_id, "supergroup", title="Ban cũ")
        reply = await conv.ask(new, CHAIR, "/tasks")
        assert "Việc A" in reply
        assert await conv.ask(new, DEPUTY, "/show 1")


async def test_faults_never_leak_the_token_into_logs(tmp_path, clock):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("DEBUG", [TOKEN], stream=stream)
        async with running(tmp_path, clock) as (conv, fake):
            await set_up_committee(conv, fake)
            fake.fail_next("sendMessage", 500, chat_id=GROUP.id, times=3)
            await conv.send(GROUP, SECRETARY, ASSIGN)
            fake.fail_next("sendMessage", 401, description="Unauthorized", chat_id=GROUP.id)
            await conv.send(GROUP, SECRETARY, "/tasks")
    finally:
        root.handlers[:], root.level = saved
    text = stream.getvalue()
    assert "error while handling" in text and "Internal Server Error" in text
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
