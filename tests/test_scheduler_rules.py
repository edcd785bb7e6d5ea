"""The pure planning rules: offsets, overdue cadence, escalation, pending, quiet hours, digests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import scheduler
from bot.scheduler import DAY_BEFORE, MORNING_OF, OFFSET, OVERDUE, PENDING, Plan
from bot.services.settings import CommitteeConfig

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PARIS = ZoneInfo("Europe/Paris")
MON_FRI = frozenset(range(5))


def cfg(
    tz=HANOI,
    workdays=MON_FRI,
    quiet=(time(21), time(7)),
    offsets=("3d", "1d", "0d"),
    digest=(0, time(8)),
) -> CommitteeConfig:
    units = {"d": "days", "h": "hours", "m": "minutes"}
    parsed = tuple(timedelta(**{units[o[-1]]: int(o[:-1])}) for o in offsets)
    return CommitteeConfig(tz, "vi", workdays, quiet, parsed, digest, True)


def local(y, mo, d, h=0, mi=0, tz=HANOI) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(UTC)


NOW = local(2026, 12, 1, 9)  # Tuesday 09:00 in Hà Nội


def test_day_offsets_fire_at_eight_local_and_past_ones_are_dropped():
    deadline = local(2026, 12, 4, 23, 59)  # Friday
    plans = scheduler.task_offsets(deadline, NOW, cfg())
    assert plans == [
        Plan(local(2026, 12, 3, 8), OFFSET, 86400),  # 1d: Thursday 08:00
        Plan(local(2026, 12, 4, 8), OFFSET, 0),  # 0d: Friday 08:00
    ]  # 3d would be Tuesday 08:00, already past


def test_a_day_offset_on_a_weekend_moves_to_monday_morning_and_merges():
    deadline = local(2026, 12, 7, 17)  # Monday 17:00
    plans = scheduler.task_offsets(deadline, NOW, cfg())
    # 3d → Friday; 1d → Sunday → Monday 08:00, the same moment as 0d: sent once
    assert plans == [
        Plan(local(2026, 12, 4, 8), OFFSET, 259200),
        Plan(local(2026, 12, 7, 8), OFFSET, 0),
    ]


def test_hour_and_minute_offsets_respect_quiet_hours():
    plans = scheduler.task_offsets(local(2026, 12, 2, 15), NOW, cfg(offsets=("2h", "30m")))
    assert [p.at for p in plans] == [local(2026, 12, 2, 13), local(2026, 12, 2, 14, 30)]
    late_evening = local(2026, 12, 2, 22)
    plans = scheduler.task_offsets(late_evening, NOW, cfg(offsets=("2h", "30m")))
    # 21:30 is quiet; the next allowed moment (07:00) is after the deadline: dropped
    assert [p.at for p in plans] == [local(2026, 12, 2, 20)]


def test_overdue_once_each_working_day_from_the_first_morning_after():
    deadline = local(2026, 12, 4, 23, 59)  # Friday
    first = scheduler.next_overdue(deadline, 0, None, cfg())
    assert first == Plan(local(2026, 12, 7, 8), OVERDUE, 1)  # Monday
    second = scheduler.next_overdue(deadline, 1, local(2026, 12, 7, 8), cfg())
    assert second == Plan(local(2026, 12, 8, 8), OVERDUE, 2)
    after_late_send = scheduler.next_overdue(deadline, 2, local(2026, 12, 8, 16, 30), cfg())
    assert after_late_send.at == local(2026, 12, 9, 8)
    friday = scheduler.next_overdue(deadline, 5, local(2026, 12, 11, 8), cfg())
    assert friday.at == local(2026, 12, 14, 8)  # skips the weekend
    early = scheduler.next_overdue(local(2026, 12, 3, 7), 0, None, cfg())
    assert early.at == local(2026, 12, 3, 8)  # due at 07:00: reminded that same morning


def test_escalation_after_three_overdue_reminders():
    assert [scheduler.escalates(n) for n in (1, 2, 3, 4, 5)] == [False, False, False, True, True]


def test_pending_reminders_a_working_day_before_and_on_the_morning():
    deadline = local(2026, 12, 7, 23, 59)  # Monday
    assert scheduler.pending_reminders(deadline, NOW, cfg()) == [
        Plan(local(2026, 12, 4, 8), PENDING, DAY_BEFORE),  # Friday, the working day before
        Plan(local(2026, 12, 7, 8), PENDING, MORNING_OF),
    ]
    sunday = local(2026, 12, 6, 12)
    assert scheduler.pending_reminders(sunday, NOW, cfg()) == [
        Plan(local(2026, 12, 4, 8), PENDING, DAY_BEFORE)
    ]
    soon = local(2026, 12, 2, 7, 30)  # before its own morning: only the day-before one, if ahead
    assert scheduler.pending_reminders(soon, NOW, cfg()) == []


def test_quiet_hours_and_working_days_in_the_committees_timezone():
    paris = cfg(tz=PARIS, quiet=(time(22), time(8, 30)))
    deadline = local(2026, 12, 4, 18, tz=PARIS)
    plans = scheduler.task_offsets(deadline, local(2026, 12, 1, 9, tz=PARIS), paris)
    assert [p.at for p in plans] == [
        local(2026, 12, 3, 8, 30, tz=PARIS),
        local(2026, 12, 4, 8, 30, tz=PARIS),
    ]
    saturday_evening = local(2026, 12, 5, 23)
    assert scheduler.defer(saturday_evening, cfg()) == local(2026, 12, 7, 7)
    assert scheduler.allowed(local(2026, 12, 5, 10), cfg(workdays=frozenset(range(7))))
    assert not scheduler.allowed(local(2026, 12, 1, 21, 30), cfg())
    assert scheduler.allowed(local(2026, 12, 1, 21, 30), cfg(quiet=None))


def test_digest_schedule_and_the_latest_digest_week():
    assert scheduler.digest_after(NOW, cfg()) == (local(2026, 12, 7, 8), date(2026, 12, 7))
    monday_at_eight = local(2026, 12, 7, 8)
    assert scheduler.digest_after(monday_at_eight, cfg())[1] == date(2026, 12, 14)
    assert scheduler.latest_digest_day(NOW, cfg()) == date(2026, 11, 30)
    assert scheduler.latest_digest_day(monday_at_eight, cfg()) == date(2026, 12, 7)
    sunday = cfg(digest=(6, time(8)))
    assert scheduler.digest_after(NOW, sunday) == (local(2026, 12, 7, 7), date(2026, 12, 6))
    assert scheduler.digest_after(NOW, cfg(digest=None)) is None


def test_late_means_a_quarter_of_an_hour_after_plan():
    assert not scheduler.is_late(NOW, NOW + timedelta(minutes=15))
    assert scheduler.is_late(NOW, NOW + timedelta(minutes=16))
    assert scheduler.seq_day(scheduler.day_seq(date(2026, 12, 7))) == date(2026, 12, 7)
