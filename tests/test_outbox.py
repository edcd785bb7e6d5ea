"""The outbox sender against the fake Bot API: staged with the change, sent once, in order per
chat, retried with back-off on transient failures, refusals recorded and reported once."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.outbox import Outbox, PurposeHooks, backoff
from tests.fakes import FakeBotAPI
from tests.fakes.harness import TOKEN

CHAT_A, CHAT_B = -1001111111111, -1002222222222


@asynccontextmanager
async def outbox_over(db, clock):
    """An Outbox whose bot talks to a fresh fake Bot API."""
    async with FakeBotAPI() as fake:
        bot = Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
        await bot.initialize()
        try:
            yield Outbox(db, bot, clock), fake
        finally:
            await bot.shutdown()


def texts(fake, chat_id=None) -> list[str]:
    return [c.text or "" for c in fake.sent(chat_id)]


async def test_a_staged_message_goes_out_only_if_its_transaction_commits(db, clock):
    async with outbox_over(db, clock) as (outbox, fake):
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await outbox.text(CHAT_A, "rolled back")
                raise RuntimeError("the change failed")
        async with db.transaction():
            await outbox.text(CHAT_A, "<b>committed</b>")
        assert await outbox.flush() == 1
        assert texts(fake) == ["<b>committed</b>"]
        assert await outbox.flush() == 0  # marked sent: never twice


async def test_the_purpose_hook_records_what_the_message_became(db, clock):
    seen = []

    async def sent(row, message):
        seen.append((row.purpose, row.ref_id, message.message_id))

    async with outbox_over(db, clock) as (outbox, fake):
        outbox.hooks["task.card"] = PurposeHooks(sent=sent)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("✅", callback_data="v1:t:d:1")]])
        await outbox.text(CHAT_A, "card", markup=keyboard, purpose="task.card", ref_id=7)
        await outbox.flush()
        [call] = fake.sent(CHAT_A)
        assert seen == [("task.card", 7, call.result["message_id"])]
        assert call.result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "v1:t:d:1"


async def test_six_server_errors_in_a_row_delay_the_card_but_it_arrives_once(db, clock):
    async with outbox_over(db, clock) as (outbox, fake):
        fake.fail_next("sendMessage", 500, times=6)
        await outbox.text(CHAT_A, "card #1")
        for attempt in range(6):
            assert await outbox.flush() == 0
            row = (await outbox.repo.pending(clock.now() + timedelta(days=1)))[0]
            assert row.attempts == attempt + 1
            assert row.next_attempt_at == clock.now() + backoff(attempt)
            assert await outbox.flush() == 0  # not due yet: nothing tried
            clock.advance(seconds=backoff(attempt).total_seconds())
        assert await outbox.flush() == 1
        assert texts(fake) == ["card #1"]


async def test_a_failing_chat_holds_back_only_its_own_later_messages(db, clock):
    async with outbox_over(db, clock) as (outbox, fake):
        fake.fail_next("sendMessage", 502, chat_id=CHAT_A)
        await outbox.text(CHAT_A, "A first")
        await outbox.text(CHAT_B, "B first")
        await outbox.text(CHAT_A, "A second")
        assert await outbox.flush() == 1
        assert texts(fake) == ["B first"]  # A's second waits behind A's first
        clock.advance(seconds=1)
        assert await outbox.flush() == 2
        assert texts(fake, CHAT_A) == ["A first", "A second"]


async def test_a_refusal_is_recorded_with_its_reason_and_reported_once(db, clock):
    reported, failed = [], []

    async def report(rows):
        reported.append([(r.chat_id, r.error) for r in rows])

    async def on_failed(row, error):
        failed.append((row.ref_id, error))

    async with outbox_over(db, clock) as (outbox, fake):
        outbox.reporter = report
        outbox.hooks["vote.poll"] = PurposeHooks(failed=on_failed)
        fake.fail_next("sendMessage", 403, description="Forbidden: bot was kicked from the group")
        committee = await _committee(db, clock)
        await outbox.text(CHAT_A, "result", committee_id=committee)
        await outbox.poll(CHAT_A, "#3 Chọn ngày?", ["T5", "T6"], anonymous=False, multi=False,
                          committee_id=committee, purpose="vote.poll", ref_id=3)  # fmt: skip
        fake.fail_next("sendPoll", 400, description="Bad Request: chat not found")
        assert await outbox.flush() == 0
        assert reported == [
            [
                (CHAT_A, "Forbidden: bot was kicked from the group"),
                (CHAT_A, "Chat not found"),
            ]
        ]
        assert failed == [(3, "Chat not found")]
        await outbox.flush()
        assert len(reported) == 1


async def test_a_migrated_group_gets_its_message_at_the_new_id(db, clock):
    moves = []

    async def migrated(old, new):
        moves.append((old, new))

    async with outbox_over(db, clock) as (outbox, fake):
        outbox.on_migrated = migrated
        fake.migrated[CHAT_A] = CHAT_B
        await outbox.text(CHAT_A, "after the upgrade")
        assert await outbox.flush() == 1
        assert moves == [(CHAT_A, CHAT_B)]
        assert texts(fake, CHAT_B) == ["after the upgrade"]


async def test_long_texts_are_split_and_documents_and_polls_are_sent(db, clock):
    async with outbox_over(db, clock) as (outbox, fake):
        long = "\n".join(f"dòng {i} " + "x" * 80 for i in range(100))
        await outbox.text(CHAT_A, long, reply_to=999)  # the replied-to message is gone: still sent
        await outbox.document(CHAT_A, b"PK\x03\x04data", "tong-hop.docx", caption="#2")
        await outbox.poll(CHAT_A, "#4 Địa điểm?", ["Đông Hà", "Quảng Trị"], anonymous=True,
                          multi=True)  # fmt: skip
        assert await outbox.flush() == 3
        sent = fake.sent(CHAT_A)
        parts = [c.text for c in sent if c.method == "sendMessage"]
        assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
        assert "\n".join(parts).split("\n") == long.split("\n")
        doc = next(c for c in sent if c.method == "sendDocument")
        assert fake.files[doc.result["document"]["file_id"]].data == b"PK\x03\x04data"
        poll = next(c for c in sent if c.method == "sendPoll").result["poll"]
        assert poll["question"] == "#4 Địa điểm?" and poll["allows_multiple_answers"]


async def _committee(db, clock) -> int:
    return await db.execute(
        "INSERT INTO committees (chat_id, title, timezone, language, created_by, created_at)"
        " VALUES (?, 'Ban', 'Asia/Ho_Chi_Minh', 'vi', 1, ?)",
        (CHAT_A, clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")),
    )


async def test_a_refused_card_is_reported_to_the_secretary_privately_once(tmp_path, clock):
    from tests.chat import GROUP, SECRETARY, running, set_up_committee, vi
    from tests.fakes import private_chat

    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(private_chat(SECRETARY), SECRETARY, "/start")
        forbidden = "Forbidden: bot is not a member of the supergroup chat"
        fake.fail_next("sendMessage", 403, description=forbidden, chat_id=GROUP.id, times=2)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 20/12")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo nhân sự hạn 21/12")
        notes = [c.text for c in fake.sent(SECRETARY.id)][1:]  # after the /start greeting
        title = "Ban Chỉ đạo Chuyển đổi số"
        reason = "Forbidden: bot is not a member of the supergroup chat"
        assert notes == [
            vi("outbox.refused", count=1, title=title, reason=reason),
            vi("outbox.refused", count=1, title=title, reason=reason),
        ]
        rows = await conv.app.bot_data.outbox.repo.unreported()
        assert rows == []
