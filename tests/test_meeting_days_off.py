"""A meeting held on a day off still gets its reminders (issue 17): the day before's on the last
working day before it, the hour before's on the day itself; rules, then a transcript on the fake
clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot import scheduler
from bot.services.meeting_reminders import DAY_BEFORE, HOUR_BEFORE, plans
from bot.services.settings import CommitteeConfig
from bot.workcalendar import OFF, Change, calendar_of, dump_changes
from tests.chat import GROUP, SECRETARY, running, set_up_committee, vi
from tests.fakes import private_chat
from tests.test_chat_reminders import sweep_at

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
QUIET = (time(21), time(7))
MON_FRI = frozenset(range(5))


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


def cfg(changes: str = "") -> CommitteeConfig:
    calendar = calendar_of(MON_FRI, changes)
    return CommitteeConfig(HANOI, "vi", MON_FRI, QUIET, (), None, True, calendar=calendar)


def planned(start: datetime, now: datetime, config: CommitteeConfig) -> list[tuple]:
    return [(p.at, p.seq) for p in plans(start, now, config)]


NOW = local(2026, 12, 1, 9)  # Tuesday


def test_a_working_day_meeting_keeps_its_usual_reminders():
    start = local(2026, 12, 10, 14)  # Thursday
    assert planned(start, NOW, cfg()) == [
        (local(2026, 12, 9, 8), DAY_BEFORE),
        (local(2026, 12, 10, 13), HOUR_BEFORE),
    ]


def test_a_sunday_meeting_is_announced_on_friday_and_reminded_on_sunday():
    start = local(2026, 12, 6, 9)
    assert planned(start, NOW, cfg()) == [
        (local(2026, 12, 4, 8), DAY_BEFORE),
        (local(2026, 12, 6, 8), HOUR_BEFORE),
    ]


def test_a_monday_meeting_is_announced_on_the_working_day_before():
    start = local(2026, 12, 7, 9)
    assert planned(start, NOW, cfg()) == [
        (local(2026, 12, 4, 8), DAY_BEFORE),
        (local(2026, 12, 7, 8), HOUR_BEFORE),
    ]
    # called on Sunday for Monday afternoon: Friday has passed, Monday's morning still fits
    start = local(2026, 12, 7, 14)
    assert planned(start, local(2026, 12, 6, 10), cfg()) == [
        (local(2026, 12, 7, 8), DAY_BEFORE),
        (local(2026, 12, 7, 13), HOUR_BEFORE),
    ]


def test_a_meeting_during_tet_2027_and_on_a_committee_day_off():
    # Mùng ba Tết (Monday 08/02/2027; the library's Tết runs 04/02–10/02): announced on the last
    # working day before Tết, reminded on the morning itself.
    start = local(2027, 2, 8, 10)
    now = local(2027, 1, 20, 9)
    assert planned(start, now, cfg()) == [
        (local(2027, 2, 3, 8), DAY_BEFORE),
        (local(2027, 2, 8, 9), HOUR_BEFORE),
    ]
    # a committee day off on Wednesday 09/12/2026 with a meeting that day at 07:30: the
    # hour before falls in quiet hours and waits for their end, still before the meeting
    changes = dump_changes([Change(date(2026, 12, 9), OFF, "")])
    start = local(2026, 12, 9, 7, 30)
    assert planned(start, NOW, cfg(changes)) == [
        (local(2026, 12, 8, 8), DAY_BEFORE),
        (local(2026, 12, 9, 7), HOUR_BEFORE),
    ]


def test_other_automatic_messages_still_wait_on_a_day_off():
    sunday = local(2026, 12, 6, 8)
    assert not scheduler.allowed(sunday, cfg())
    assert scheduler.allowed(sunday, cfg(), any_day=True)
    assert scheduler.defer(local(2026, 12, 6, 6), cfg(), any_day=True) == local(2026, 12, 6, 7)


async def test_a_sunday_meeting_gets_its_reminders_on_the_fake_clock(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/settings digest off")
        await conv.send(private_chat(SECRETARY), SECRETARY, "/start")
        call = await conv.ask_raw(GROUP, SECRETARY, "/meeting Họp khẩn 06/12 09:00 tại Phòng 2")
        assert "🕑 Thời gian: Chủ Nhật, 06/12/2026 09:00" in call.text
        assert await sweep_at(conv, fake, clock, local(2026, 12, 3, 8)) == []
        # Friday, the last working day before: who has not confirmed
        [friday] = await sweep_at(conv, fake, clock, local(2026, 12, 4, 8))
        assert friday.startswith("🗓 <b>Nhắc xác nhận dự họp #1</b>: Họp khẩn")
        assert "Chưa xác nhận (4)" in friday
        assert await sweep_at(conv, fake, clock, local(2026, 12, 5, 8)) == []  # Saturday: off
        assert await sweep_at(conv, fake, clock, local(2026, 12, 6, 7, 59)) == []
        # Sunday, an hour before: not held back by the day off
        [sunday] = await sweep_at(conv, fake, clock, local(2026, 12, 6, 8))
        assert sunday.startswith("🗓 <b>Sắp đến giờ họp #1</b>: Họp khẩn")
        assert "⌛" not in sunday
        assert await sweep_at(conv, fake, clock, local(2026, 12, 7, 8)) == []  # nothing again
        # a plain ad-hoc reminder on that Sunday still waits for Monday
        clock.set(local(2026, 12, 4, 9))
        reply = await conv.ask(GROUP, SECRETARY, "/remind 06/12 10:00 Gửi ảnh hội nghị")
        assert reply == vi(
            "remind.done", number=1, when="Thứ Hai, 07/12/2026 07:00", text="Gửi ảnh hội nghị"
        )
        [monday] = await sweep_at(conv, fake, clock, local(2026, 12, 7, 7))
        assert monday == vi("reminder.adhoc", text="Gửi ảnh hội nghị", author="Lê Thư Ký")


async def test_the_hour_before_is_not_held_by_the_daily_ceiling_nor_sent_after_the_start(
    tmp_path, clock
):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/settings digest off")
        await conv.send(GROUP, SECRETARY, "/settings maxposts 1")
        await conv.send(GROUP, SECRETARY, "/consult Góp ý dự thảo hạn 03/12")
        await conv.send(GROUP, SECRETARY, "/meeting Họp khẩn 03/12 14:00")
        await conv.send(GROUP, SECRETARY, "/meeting Họp chiều 03/12 16:00")
        await sweep_at(conv, fake, clock, local(2026, 12, 2, 8))
        [morning] = await sweep_at(conv, fake, clock, local(2026, 12, 3, 8))  # the day's one post
        assert "#1" in morning
        # 13:00: past the ceiling, the meeting in an hour is still announced
        [soon] = await sweep_at(conv, fake, clock, local(2026, 12, 3, 13))
        assert soon.startswith("🗓 <b>Sắp đến giờ họp #2</b>: Họp khẩn")
        # the bot is down from 14:30 until after the second meeting began: its reminder is
        # dropped, not posted late
        later = await sweep_at(conv, fake, clock, local(2026, 12, 3, 16, 5))
        assert not any("#3" in text for text in later)
        friday = await sweep_at(conv, fake, clock, local(2026, 12, 4, 8))
        assert not any("Sắp đến giờ họp" in text for text in friday)


async def test_a_saturday_meeting_not_declared_a_workday_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/settings language en")
        await conv.send(GROUP, SECRETARY, "/settings digest off")
        call = await conv.ask_raw(GROUP, SECRETARY, "/meeting Make-up session 12/12 08:30")
        assert "🕑 Time: Saturday, 12/12/2026 08:30" in call.text
        assert await sweep_at(conv, fake, clock, local(2026, 12, 10, 8)) == []
        [friday] = await sweep_at(conv, fake, clock, local(2026, 12, 11, 8))
        assert friday.startswith("🗓 <b>Please confirm attendance at meeting #1</b>")
        [saturday] = await sweep_at(conv, fake, clock, local(2026, 12, 12, 7, 30))
        assert saturday.startswith("🗓 <b>Meeting #1 starts soon</b>: Make-up session")
        assert await sweep_at(conv, fake, clock, local(2026, 12, 12, 9)) == []
