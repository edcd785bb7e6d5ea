"""Transcripts of automatic messages that recover: the bot removed for a week and re-added, a
refused reminder or digest, a deleted forum topic (issue 20)."""

from __future__ import annotations

from bot.i18n import Html
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
        assert [label for row in conv.keyboard(catch_up) for label, _ in row] == [
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
        await conv.press(GROUP, MEMBER_A, catch_up, conv.keyboard(catch_up)[0][1][1])
        assert conv.last_answer() != vi("recovery.notice_extended", number=2)
        assert conv.new_texts(GROUP.id) == []
        await conv.press(GROUP, SECRETARY, catch_up, conv.keyboard(catch_up)[0][1][1])
        assert conv.last_answer() == vi("recovery.notice_extended", number=2)
        assert conv.new_texts(GROUP.id) == [
            vi("recovery.extended", number=2, title="Góp ý dự thảo Quy chế",
               deadline="Thứ Sáu, 11/12/2026 23:59")
        ]  # fmt: skip
        await conv.press(GROUP, CHAIR, catch_up, conv.keyboard(catch_up)[1][0][1])
        assert conv.last_answer() == vi("recovery.notice_closed", number=3)
        assert (await svc.items.by_number(1, 3)).status == "closed"
        assert any("Họp ngày nào?" in text for text in conv.new_texts(GROUP.id))
        await conv.press(GROUP, SECRETARY, catch_up, conv.keyboard(catch_up)[1][0][1])
        assert conv.last_answer() == vi("recovery.decided", number=3)

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

        thursday = await sweep_at(conv, fake, clock, local(2026, 12, 10, 8))
        assert [text.split("\n👤")[0] for text in thursday[:1]] == [overdue(2, "6 ngày 8 giờ")]
        assert thursday[1].startswith(asks("1 ngày 15 giờ"))
        friday = await sweep_at(conv, fake, clock, local(2026, 12, 11, 8))
        assert friday[0].startswith(asks("15 giờ 59 phút"))
        assert friday[1].startswith(overdue(3, "7 ngày 8 giờ"))
        assert await sweep_at(conv, fake, clock, local(2026, 12, 12, 8)) == []  # Saturday
        # Monday: #2 closes (its new deadline passed while the bot was there), the digest, the
        # fourth overdue reminder escalated to the chair and the secretary.
        monday = await sweep_at(conv, fake, clock, local(2026, 12, 14, 8))
        assert monday[0].startswith("📋") and "#2" in monday[0]
        assert [text[:1] for text in monday[2:]] == ["📰", "🔴"]
        assert monday[3].startswith(overdue(4, "10 ngày 8 giờ"))
        assert (await svc.items.by_number(1, 2)).status == "closed"
