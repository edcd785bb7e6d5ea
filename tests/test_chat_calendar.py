"""Transcripts of the working calendar (issue 17): /holiday, /workday, /holidays in Vietnamese
and English, and what a committee day off does to deadlines, reminders and the digest."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from handlers.jobs import sweeper_of
from tests.chat import (
    CHAIR,
    GROUP,
    MEMBER_A,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


async def sweep_at(conv, fake, clock, when) -> list[str]:
    clock.set(when)
    mark = len(fake.calls)
    await sweeper_of(conv.app).sweep()
    fresh = {id(c) for c in fake.calls[mark:]}
    return [c.text for c in fake.sent(GROUP.id) if id(c) in fresh]


async def test_holiday_workday_and_holidays_in_vietnamese(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        added = await conv.ask(GROUP, SECRETARY, "/holiday add 07/12/2026-08/12/2026 Nghỉ bù")
        assert added == vi(
            "holiday.added_note",
            days="Thứ Hai, 07/12/2026 – Thứ Ba, 08/12/2026",
            count=2,
            note="Nghỉ bù",
        )
        assert await conv.ask(GROUP, SECRETARY, "/workday add 12/12/2026") == vi(
            "workday.added", day="Thứ Bảy, 12/12/2026"
        )
        assert await conv.ask(GROUP, SECRETARY, "/workday add 09/12/2026") == vi(
            "workday.already", day="09/12/2026"
        )
        assert await conv.ask(GROUP, SECRETARY, "/holiday remove 02/09/2027") == vi(
            "holiday.is_public", day="02/09/2027"
        )
        listed = (await conv.ask(GROUP, MEMBER_A, "/holidays 2026")).splitlines()
        assert listed[0] == vi("holidays.header", year=2026)
        assert (
            vi("holidays.line_public", day="Thứ Năm, 01/01/2026", name="Tết Dương lịch") in listed
        )
        assert (
            vi("holidays.line_off", day="Thứ Hai, 07/12/2026", name="", note=": Nghỉ bù") in listed
        )
        assert vi("holidays.line_work", day="Thứ Bảy, 12/12/2026", name="", note="") in listed
        assert listed[-1] == vi("holidays.footer")
        # the default deadline of a consultation: 5 working days, the two days off skipped
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo Quy chế")
        [item] = await services(conv).items.open_of_kind(1, "consultation")
        assert item.deadline == local(2026, 12, 10, 23, 59)  # Thursday, not Tuesday 8/12
        assert await conv.ask(GROUP, SECRETARY, "/holiday remove 08/12/2026") == vi(
            "holiday.removed", day="Thứ Ba, 08/12/2026"
        )
        assert await conv.ask(GROUP, SECRETARY, "/holiday remove 08/12/2026") == vi(
            "holiday.not_found", day="08/12/2026"
        )
        assert await conv.ask(GROUP, SECRETARY, "/workday remove 12/12/2026") == vi(
            "workday.removed", day="Thứ Bảy, 12/12/2026"
        )


async def test_bad_input_and_permissions_change_nothing(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        assert await conv.ask(GROUP, SECRETARY, "/holiday") == vi("holiday.usage")
        assert await conv.ask(GROUP, SECRETARY, "/holiday add 32/12") == vi(
            "date.impossible", text="32/12"
        )
        assert await conv.ask(GROUP, SECRETARY, "/holiday add hôm kia") == vi(
            "date.invalid", text="hôm"
        )
        assert await conv.ask(GROUP, SECRETARY, "/holiday add 10/12/2026-07/12/2026") == vi(
            "holiday.bad_range", first="10/12/2026"
        )
        assert await conv.ask(GROUP, SECRETARY, "/holiday add 01/01/2027-30/06/2027") == vi(
            "holiday.range_too_long", limit=62
        )
        assert await conv.ask(GROUP, SECRETARY, "/workday") == vi("workday.usage")
        assert await conv.ask(GROUP, MEMBER_A, "/holidays 20x") == vi("holidays.usage")
        refused = await conv.ask(GROUP, MEMBER_A, "/holiday add 07/12/2026")
        assert refused == vi("common.forbidden", command="holiday", roles="Trưởng ban, Thư ký")
        committee = await services(conv).committees.get(1)
        assert committee.calendar == ""


async def test_holiday_commands_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/lang en")
        assert await conv.ask(GROUP, CHAIR, "/holiday add 2027-02-11 Tet extra day") == en(
            "holiday.added_note", days="Thursday, 11/02/2027", count=1, note="Tet extra day"
        )
        assert await conv.ask(GROUP, CHAIR, "/workday add 20/02/2027 make-up") == en(
            "workday.added_note", day="Saturday, 20/02/2027", note="make-up"
        )
        listed = (await conv.ask(GROUP, CHAIR, "/holidays 2027")).splitlines()
        assert listed[0] == en("holidays.header", year=2027)
        assert (
            en("holidays.line_public", day="Saturday, 06/02/2027", name="Lunar New Year") in listed
        )
        assert (
            en("holidays.line_off", day="Thursday, 11/02/2027", name="", note=": Tet extra day")
            in listed
        )
        assert (
            en("holidays.line_work", day="Saturday, 20/02/2027", name="", note=": make-up")
            in listed
        )
        assert await conv.ask(GROUP, CHAIR, "/holiday remove 01/01/2027") == en(
            "holiday.is_public", day="01/01/2027"
        )


async def test_a_committee_day_off_moves_reminders_and_the_digest(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 04/12")
        await conv.send(GROUP, SECRETARY, "/holiday add 03/12/2026")
        await conv.send(GROUP, SECRETARY, "/holiday add 07/12/2026 Nghỉ bù")
        # Thursday is off: the 1d reminder waits for Friday morning (merged with the 0d one)
        assert await sweep_at(conv, fake, clock, local(2026, 12, 3, 8)) == []
        friday = await sweep_at(conv, fake, clock, local(2026, 12, 4, 8))
        assert len(friday) == 1 and "#1" in friday[0]
        # Monday 7/12 is off: no overdue reminder, no digest; both come on Tuesday at 08:00
        assert await sweep_at(conv, fake, clock, local(2026, 12, 7, 8)) == []
        [tuesday] = await sweep_at(conv, fake, clock, local(2026, 12, 8, 8))
        # one batched post (issue 13): the digest, with the first overdue reminder of #1 in it
        assert tuesday.startswith("📰") and "Nhắc quá hạn lần 1" in tuesday
