"""Transcripts of automatic messages that recover: the bot removed for a week and re-added, a
refused reminder or digest, a deleted forum topic (issue 20)."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import Html
from handlers.cards import card_editor
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
from tests.fakes import group, private_chat
from tests.test_chat_reminders import link, local, sweep_at

FORBIDDEN = "Forbidden: bot was kicked from the supergroup chat"


async def remove_bot(conv, fake) -> None:
    """The secretary removes the bot; Telegram refuses every post to the group from then on."""
    fake.fail_next("sendMessage", 403, description=FORBIDDEN, chat_id=GROUP.id, times=500)
    await conv.deliver(fake.inject_my_chat_member(GROUP, SECRETARY, "member", "left"))


async def add_bot(conv, fake) -> None:
    """The secretary adds the bot back."""
    fake.clear_faults()
    await conv.deliver(fake.inject_my_chat_member(GROUP, SECRETARY, "left", "member"))


async def test_a_week_away_then_one_catch_up_and_everything_resumes(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(private_chat(SECRETARY), SECRETARY, "/start")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 03/12")
        await conv.send(GROUP, SECRETARY, "/consult Góp ý dự thảo Quy chế hạn 04/12")
        consultation_card = conv.last_sent(GROUP.id)
        await conv.send(GROUP, SECRETARY, "/poll Họp ngày nào? | Thứ Hai | Thứ Ba due 04/12")
        clock.set(local(2026, 12, 2, 10))
        await remove_bot(conv, fake)
        svc = services(conv)
        assert not (await svc.committees.by_chat(GROUP.id)).active

        # The whole week away: reminders, deadlines, Monday's digest — nothing is posted,
        # nothing closes, nobody is deemed to agree.
        mark = len(fake.calls)
        for when in [(3, 8), (4, 8), (5, 0, 5), (5, 8), (7, 7), (7, 8), (8, 8), (9, 8)]:
            assert await sweep_at(conv, fake, clock, local(2026, 12, *when)) == []
        assert [c for c in fake.calls[mark:] if c.method == "sendMessage"] == []
        for number in (1, 2, 3):
            assert (await svc.items.by_number(1, number)).status in ("open", "in_progress")

        # Back on Wednesday 09/12 10:00: the greeting, one catch-up message, one private note.
        clock.set(local(2026, 12, 9, 10))
        await add_bot(conv, fake)
        [hello, catch_up] = conv.new_sent(GROUP.id)
        assert hello.text == vi("intro.back", bot=fake.bot["username"])
        assert catch_up.text == vi(
            "recovery.catch_up",
            lines=Html("\n".join([
                vi("recovery.line_consultation", number=2, title="Góp ý dự thảo Quy chế",
                   deadline="Thứ Sáu, 04/12/2026 23:59"),
                vi("recovery.line_vote", number=3, title="Họp ngày nào?",
                   deadline="Thứ Sáu, 04/12/2026 23:59"),
            ])),
        )  # fmt: skip
        buttons = conv.keyboard(catch_up)
        assert [label for row in buttons for label, _ in row] == [
            "Đóng #2", "#2: +2 ngày làm việc", "#2: +5 ngày làm việc",
            "Đóng #3", "#3: +2 ngày làm việc", "#3: +5 ngày làm việc",
        ]  # fmt: skip
        assert [c.text for c in fake.sent(SECRETARY.id)][-1] == vi(
            "recovery.back_note", title="Ban Chỉ đạo Chuyển đổi số", count=2
        )

        # The first sweep after the return chases the overdue task (late), closes nothing.
        [chase] = await sweep_at(conv, fake, clock, local(2026, 12, 9, 10, 1))
        assert chase.startswith(vi("reminder.overdue", number=1, title="Báo cáo kinh phí",
                                   deadline="Thứ Năm, 03/12/2026 23:59", late="5 ngày 10 giờ",
                                   progress=0, count=1))  # fmt: skip
        assert await sweep_at(conv, fake, clock, local(2026, 12, 9, 23, 59)) == []
        for number in (2, 3):
            assert (await svc.items.by_number(1, number)).status == "open"

        # A member cannot decide; the secretary extends #2 and the chair closes #3 now.
        await conv.press(GROUP, MEMBER_A, catch_up, buttons[0][1][1])
        assert conv.last_answer() != vi("recovery.notice_extended", number=2)
        assert conv.new_texts(GROUP.id) == []
        await conv.press(GROUP, SECRETARY, catch_up, buttons[0][1][1])
        assert conv.last_answer() == vi("recovery.notice_extended", number=2)
        assert conv.keyboard(catch_up) == buttons[1:]  # #2's row is gone
        await card_editor(conv.app).flush()
        card = fake.message(GROUP.id, consultation_card.result["message_id"])
        assert "11/12/2026" in card["text"] and "04/12/2026" not in card["text"]
        assert conv.new_texts(GROUP.id) == [
            vi("recovery.extended", number=2, title="Góp ý dự thảo Quy chế",
               deadline="Thứ Sáu, 11/12/2026 23:59")
        ]  # fmt: skip
        await conv.press(GROUP, CHAIR, catch_up, buttons[1][0][1])
        assert conv.last_answer() == vi("recovery.notice_closed", number=3)
        assert (await svc.items.by_number(1, 3)).status == "closed"
        assert any("Họp ngày nào?" in text for text in conv.new_texts(GROUP.id))
        await conv.press(GROUP, SECRETARY, catch_up, buttons[1][0][1])
        assert conv.last_answer() == vi("recovery.decided", number=3)
        assert conv.keyboard(fake.message(GROUP.id, catch_up.result["message_id"])) == []

        # Reminders and digests resume on their usual schedule.
        def overdue(count: int, late: str) -> str:
            return vi(
                "reminder.overdue",
                number=1,
                title="Báo cáo kinh phí",
                deadline="Thứ Năm, 03/12/2026 23:59",
                late=late,
                progress=0,
                count=count,
            )

        def asks(left: str) -> str:
            return vi(
                "reminder.pending_consultation",
                number=2,
                title="Góp ý dự thảo Quy chế",
                deadline="Thứ Sáu, 11/12/2026 23:59",
                left=left,
                count=4,
                names=Html(", ".join(link(u) for u in (CHAIR, DEPUTY, MEMBER_A, MEMBER_B))),
            )

        # One post a morning: the overdue task first, then the consultation.
        header = vi("batch.header", title="Ban Chỉ đạo Chuyển đổi số", count=2)
        [thursday] = await sweep_at(conv, fake, clock, local(2026, 12, 10, 8))
        assert thursday.startswith(f"{header}\n\n{overdue(2, '6 ngày 8 giờ')}\n👤")
        assert f"\n\n{asks('1 ngày 15 giờ')}" in thursday
        [friday] = await sweep_at(conv, fake, clock, local(2026, 12, 11, 8))
        assert friday.startswith(f"{header}\n\n{overdue(3, '7 ngày 8 giờ')}")
        assert f"\n\n{asks('15 giờ 59 phút')}" in friday
        assert await sweep_at(conv, fake, clock, local(2026, 12, 12, 8)) == []  # Saturday
        # Monday: #2 closes (its new deadline passed while the bot was there), the digest, the
        # fourth overdue reminder escalated to the chair and the secretary.
        monday = await sweep_at(conv, fake, clock, local(2026, 12, 14, 8))
        assert monday[0].startswith("📋") and "#2" in monday[0]
        assert [text[:1] for text in monday[2:]] == ["📰"]  # the reminder is its last section
        section = vi("batch.section", count=1)
        assert f"{section}\n\n{overdue(4, '10 ngày 8 giờ')}" in monday[2]
        assert (await svc.items.by_number(1, 2)).status == "closed"
        back_note = vi("recovery.back_note", title="Ban Chỉ đạo Chuyển đổi số", count=2)
        assert [c.text for c in fake.sent(SECRETARY.id)].count(back_note) == 1  # once


NO_RIGHTS = "Bad Request: not enough rights to send text messages to the chat"


async def test_a_refused_overdue_reminder_ends_that_message_not_the_chase(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 03/12")
        fake.fail_next("sendMessage", 400, description=NO_RIGHTS, chat_id=GROUP.id)
        assert await sweep_at(conv, fake, clock, local(2026, 12, 4, 8)) == []  # refused
        assert await sweep_at(conv, fake, clock, local(2026, 12, 4, 8, 1)) == []  # not re-sent
        monday = await sweep_at(conv, fake, clock, local(2026, 12, 7, 8))
        chases = [text for text in monday if "🔴 <b>Nhiệm vụ" in text]  # in the Monday digest
        assert len(chases) == 1 and "🔁 " + vi("reminder.overdue", number=1, title="x",
            deadline="x", late="x", progress=0, count=1).split("🔁 ")[1] in chases[0]  # fmt: skip
        [tuesday] = await sweep_at(conv, fake, clock, local(2026, 12, 8, 8))
        assert tuesday.startswith("🔴") and "lần 2" in tuesday


async def test_a_refused_digest_is_followed_by_next_weeks(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await sweep_at(conv, fake, clock, clock.now())
        fake.fail_next("sendMessage", 400, description=NO_RIGHTS, chat_id=GROUP.id)
        assert await sweep_at(conv, fake, clock, local(2026, 12, 7, 8)) == []  # refused
        assert await sweep_at(conv, fake, clock, local(2026, 12, 8, 8)) == []
        [digest] = await sweep_at(conv, fake, clock, local(2026, 12, 14, 8))
        assert digest.startswith("📰")


async def test_a_deleted_topic_moves_posts_to_the_general_chat(tmp_path, clock):
    forum = group(-1005550001, "Diễn đàn các Ban", is_forum=True)
    lost = "Bad Request: message thread not found"
    async with running(tmp_path, clock) as (conv, fake):
        fake.register_chat(forum)
        fake.set_chat_member(forum.id, SECRETARY, "administrator")
        await conv.send(private_chat(SECRETARY), SECRETARY, "/start")
        await conv.send(forum, SECRETARY, "/setup Ban Chỉ đạo CĐS", message_thread_id=7)
        await conv.send(forum, SECRETARY, "/remind +1h Họp giao ban", message_thread_id=7)
        await conv.send(forum, SECRETARY, "/remind +2h Gửi số liệu", message_thread_id=7)
        note = vi("recovery.topic_lost", title="Ban Chỉ đạo CĐS")
        notes = lambda: [c for c in fake.sent(SECRETARY.id) if c.text == note]  # noqa: E731

        # The sweep's own post: the topic is gone, so it goes to the general chat.
        fake.fail_next("sendMessage", 400, description=lost, chat_id=forum.id)
        [first] = await sweep_at(conv, fake, clock, clock.now() + timedelta(hours=1), forum.id)
        assert "Họp giao ban" in first
        assert fake.sent(forum.id)[-1].params.get("message_thread_id") is None
        assert len(notes()) == 1
        [second] = await sweep_at(conv, fake, clock, clock.now() + timedelta(hours=1), forum.id)
        assert "Gửi số liệu" in second and len(notes()) == 1  # told once

        # `/settings topic here` in another topic moves the posts there.
        moved = await conv.ask(forum, SECRETARY, "/settings topic here", message_thread_id=9)
        assert moved == vi("recovery.topic_moved")
        assert (await services(conv).committees.by_chat(forum.id)).thread_id == 9

        # A staged post (the outbox) to a deleted topic goes to the general chat as well.
        fake.fail_next("sendMessage", 400, description=lost, chat_id=forum.id)
        await conv.send(forum, SECRETARY, "/assign @thuky_qt Kiểm tra số liệu hạn 20/12",
                        message_thread_id=9)  # fmt: skip
        await fake.wait_for(lambda: len(notes()) == 2, timeout=5, what="the second note")
        card = fake.sent(forum.id)[-1]
        assert "Kiểm tra số liệu" in card.text and card.params.get("message_thread_id") is None
        assert (await services(conv).committees.by_chat(forum.id)).thread_id is None


async def test_a_refusal_from_a_group_that_removed_the_bot_holds_its_results(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/consult Góp ý dự thảo Quy chế hạn 04/12")
        # Removed, and the my_chat_member update never came: the reminder's 403 tells.
        fake.fail_next("sendMessage", 403, description=FORBIDDEN, chat_id=GROUP.id, times=500)
        assert await sweep_at(conv, fake, clock, local(2026, 12, 3, 8)) == []
        assert not (await services(conv).committees.by_chat(GROUP.id)).active
        assert await sweep_at(conv, fake, clock, local(2026, 12, 7, 8)) == []
        assert (await services(conv).items.by_number(1, 1)).status == "open"  # no silence deemed
        await add_bot(conv, fake)
        [_, catch_up] = conv.new_sent(GROUP.id)
        assert "#1" in catch_up.text and conv.keyboard(catch_up)[0][0][0] == "Đóng #1"
