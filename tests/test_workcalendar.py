"""The working calendar against the `holidays` package's Vietnamese calendar (issue 17): Tết
2027 as the library dates it, a make-up Saturday, a committee's own day off, and every planning
rule that counts working days (default deadlines, overdue cadence, pending, digest, deferral)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from bot import scheduler
from bot.periods import add_working_days, next_allowed
from bot.scheduler import OVERDUE, PENDING, Plan
from bot.services.settings import CommitteeConfig
from bot.workcalendar import (
    OFF,
    WORK,
    Change,
    calendar_of,
    dump_changes,
    parse_changes,
    public_holidays,
    working_days_from,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MON_FRI = frozenset(range(5))
QUIET = (time(21), time(7))
# Tết 2027 as the library has it: every day it names from 25/01 to 20/02 2027 (lunar new year).
LIBRARY_2027 = holidays.country_holidays("VN", years=2027)
TET_2027 = sorted(d for d in LIBRARY_2027 if date(2027, 1, 25) <= d <= date(2027, 2, 20))


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


def cfg(changes: tuple[Change, ...] = (), workdays=MON_FRI, digest=(0, time(8))):
    calendar = calendar_of(workdays, dump_changes(changes))
    return CommitteeConfig(HANOI, "vi", workdays, QUIET, (), digest, True, calendar=calendar)


def test_tet_2027_comes_from_the_library_and_is_not_worked():
    assert len(TET_2027) >= 5 and date(2027, 2, 6) in TET_2027  # mùng 1 Tết Đinh Mùi
    assert public_holidays(2027, "vi")[date(2027, 2, 6)] == "Tết Nguyên Đán"
    cal = calendar_of(MON_FRI)
    for day in TET_2027:
        assert not cal.is_working(day), day
    for fixed in (date(2027, 1, 1), date(2027, 4, 30), date(2027, 5, 1), date(2027, 9, 2)):
        assert not cal.is_working(fixed)
    # the day before Tết and the first weekday after it work
    before = TET_2027[0] - timedelta(days=1)
    after = cal.on_or_after(TET_2027[-1] + timedelta(days=1))
    assert cal.is_working(before) and before.weekday() < 5
    assert cal.before(TET_2027[0]) == before and after.weekday() < 5


def test_five_working_days_skip_tet_2027():
    cal = calendar_of(MON_FRI)
    start = local(2027, 2, 1, 9)  # Monday before Tết
    expected, day, counted = [], date(2027, 2, 1), 0
    while counted < 5:  # counted here from the library's dates, one day at a time
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in LIBRARY_2027:
            counted += 1
            expected.append(day)
    deadline = add_working_days(start, 5, MON_FRI, HANOI)
    assert deadline == local(expected[-1].year, expected[-1].month, expected[-1].day, 23, 59)
    assert deadline == cal.add(start, 5, HANOI) == working_days_from(start, 5, cfg())
    assert deadline.astimezone(HANOI).date() > TET_2027[-1]  # pushed past the whole of Tết


def test_a_make_up_saturday_is_a_working_day():
    saturday = date(2026, 12, 19)
    plain, made_up = cfg(), cfg((Change(saturday, WORK, "làm bù"),))
    assert not plain.calendar.is_working(saturday)
    assert made_up.calendar.is_working(saturday)
    friday_evening = local(2026, 12, 18, 22)
    assert scheduler.defer(friday_evening, plain) == local(2026, 12, 21, 7)  # Monday
    assert scheduler.defer(friday_evening, made_up) == local(2026, 12, 19, 7)  # the Saturday
    # an overdue task is chased on the make-up Saturday morning too
    deadline = local(2026, 12, 18, 23, 59)
    assert scheduler.next_overdue(deadline, 0, None, made_up) == Plan(
        local(2026, 12, 19, 8), OVERDUE, 1
    )
    assert scheduler.next_overdue(deadline, 0, None, plain).at == local(2026, 12, 21, 8)
    assert made_up.calendar.add(local(2026, 12, 18, 9), 1, HANOI) == local(2026, 12, 19, 23, 59)


def test_a_committee_day_off_holds_everything_back():
    off = date(2026, 12, 7)  # a Monday
    config = cfg((Change(off, OFF, "nghỉ bù"),))
    assert not config.calendar.is_working(off)
    assert not scheduler.allowed(local(2026, 12, 7, 10), config)
    assert scheduler.defer(local(2026, 12, 7, 10), config) == local(2026, 12, 8, 7)  # quiet till 7
    assert scheduler.allowed(local(2026, 12, 7, 10), cfg())
    # overdue reminders skip it: a task due Friday is chased on Tuesday, not Monday
    friday = local(2026, 12, 4, 23, 59)
    assert scheduler.next_overdue(friday, 0, None, config).at == local(2026, 12, 8, 8)
    # the consultation reminder "one working day before" a Tuesday deadline goes on Friday
    plans = scheduler.pending_reminders(local(2026, 12, 8, 17), local(2026, 12, 2, 9), config)
    assert plans[0] == Plan(local(2026, 12, 4, 8), PENDING, scheduler.DAY_BEFORE)
    # default deadline: 5 working days from Tuesday 1/12 is Wednesday 9/12 (Monday off)
    assert working_days_from(local(2026, 12, 1, 9), 5, config) == local(2026, 12, 9, 23, 59)
    assert working_days_from(local(2026, 12, 1, 9), 5, cfg()) == local(2026, 12, 8, 23, 59)


def test_the_digest_of_a_holiday_monday_moves_to_the_next_working_day():
    config = cfg((Change(date(2026, 12, 7), OFF, ""),))
    at, week = scheduler.digest_after(local(2026, 12, 1, 9), config)
    assert (at, week) == (local(2026, 12, 8, 8), date(2026, 12, 7))  # Tuesday 08:00, week of 7/12
    # replanned on the holiday itself, the moved digest is still ahead (not skipped)
    assert scheduler.digest_after(local(2026, 12, 7, 9), config) == (at, week)
    assert scheduler.digest_after(at, config)[1] == date(2026, 12, 14)
    # Tết 2027: Monday 8/2 is in the library's Tết; the digest waits for the first working day
    tet = scheduler.digest_after(local(2027, 2, 2, 9), cfg())
    first = calendar_of(MON_FRI).on_or_after(date(2027, 2, 8))
    assert first > date(2027, 2, 8) and first not in LIBRARY_2027
    assert tet == (local(first.year, first.month, first.day, 8), date(2027, 2, 8))


def test_automatic_messages_wait_through_tet():
    eve = TET_2027[0]
    moment = local(eve.year, eve.month, eve.day, 10)
    resume = calendar_of(MON_FRI).on_or_after(TET_2027[-1])
    expected = local(resume.year, resume.month, resume.day, 7)
    assert next_allowed(moment, HANOI, MON_FRI, QUIET) == expected


def test_changes_round_trip_and_calendars_are_cached():
    changes = (Change(date(2027, 2, 20), WORK, "bù"), Change(date(2027, 2, 11), OFF, "Tết"))
    text = dump_changes(changes)
    assert parse_changes(text) == tuple(sorted(changes, key=lambda c: c.day))
    assert calendar_of(MON_FRI, text) is calendar_of(frozenset(range(5)), text)
    assert public_holidays(2027) is public_holidays(2027)


def test_an_empty_weekday_rule_is_refused():
    with pytest.raises(ValueError):
        calendar_of(frozenset())
