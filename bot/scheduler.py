"""Pure planning rules: when each automatic message of a committee goes out.

Every moment is an aware UTC datetime; a committee's `CommitteeConfig` gives its timezone,
working days, quiet hours, reminder offsets and digest schedule. Nothing here reads the database
or the clock: callers pass `now`.

- **Mornings.** A "morning" is 08:00 local on a working day (a day that is not one moves to the
  next working day), then pushed past quiet hours if they cover 08:00.
- **Task offsets** (`3d,1d,0d`, `2h`, `30m`): a day offset fires on the morning of that many
  days before the deadline's local date; an hour/minute offset at `deadline − offset`, moved to the
  next allowed moment (`periods.next_allowed`). Only moments strictly between now and the deadline
  are kept; two offsets landing on the same moment fire once.
- **Overdue**: on the first morning after the deadline, then on the morning of the working day
  after the previous overdue reminder went out — once each working day while overdue. From the
  fourth overdue reminder on (after three), the chair and the secretary are mentioned too.
- **Consultations and named votes**: silent members are reminded on the morning of the working
  day before the deadline's date and on the morning of the deadline's date (if a working day),
  each only if that is before the deadline.
- **Digest**: the committee's weekday and time, moved to the next allowed moment; on a holiday
  (a holiday Monday) it goes out on the next working day at the digest's own time.
- **Working days** are the committee's calendar (`cfg.calendar`, `bot.workcalendar`): its
  weekday rule minus Vietnam's public holidays and its own days off, plus its make-up days.
- **Meetings** (`bot.services.meeting_reminders`): a meeting held on a day off still gets its
  reminders — the day before's on the last working day before it, the hour before's on the day
  itself (only quiet hours hold it back).
- A message sent more than `LATE_AFTER` after its planned moment says it is late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.dates import local_date, local_to_utc
from bot.periods import next_allowed
from bot.services.settings import CommitteeConfig
from bot.workcalendar import EVERY_DAY

MORNING = time(8, 0)
LATE_AFTER = timedelta(minutes=15)
ESCALATE_AFTER = 3

OFFSET = "task_offset"
OVERDUE = "task_overdue"
PENDING = "pending"
DIGEST = "digest"
ADHOC = "adhoc"

DAY_BEFORE = 0
MORNING_OF = 1

_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Plan:
    """One planned automatic message of an item: its kind, sequence key and moment."""

    at: datetime
    kind: str
    seq: int


def defer(moment: datetime, cfg: CommitteeConfig, *, any_day: bool = False) -> datetime:
    """`moment`, or the first moment after it outside quiet hours on a working day (`any_day`:
    outside quiet hours on any day, for a meeting's reminder on a day off)."""
    return next_allowed(moment, cfg.tz, EVERY_DAY if any_day else cfg.calendar, cfg.quiet)


def allowed(moment: datetime, cfg: CommitteeConfig, *, any_day: bool = False) -> bool:
    """Whether something automatic may be sent at `moment` (`any_day`: as in `defer`)."""
    return defer(moment, cfg, any_day=any_day) == moment


def morning(day: date, cfg: CommitteeConfig) -> datetime:
    """08:00 local on `day` (or the next working day), past quiet hours."""
    working = cfg.calendar.on_or_after(day)
    return defer(local_to_utc(working, MORNING, cfg.tz), cfg)


def task_offsets(deadline: datetime, now: datetime, cfg: CommitteeConfig) -> list[Plan]:
    """Reminders before a task's deadline, one per configured offset still ahead."""
    chosen: dict[datetime, int] = {}
    for offset in sorted(cfg.offsets):  # smallest first: it names a merged moment
        seconds = int(offset.total_seconds())
        if seconds % 86400 == 0:
            at = morning(local_date(deadline, cfg.tz) - seconds // 86400 * _DAY, cfg)
        else:
            at = defer(deadline - offset, cfg)
        if now < at < deadline:
            chosen.setdefault(at, seconds)
    return sorted(Plan(at, OFFSET, seconds) for at, seconds in chosen.items())


def first_overdue(deadline: datetime, cfg: CommitteeConfig) -> datetime:
    """The first morning strictly after the deadline."""
    day = local_date(deadline, cfg.tz)
    at = morning(day, cfg)
    return at if at > deadline else morning(day + _DAY, cfg)


def next_overdue(
    deadline: datetime, sent: int, last_sent: datetime | None, cfg: CommitteeConfig
) -> Plan:
    """The next overdue reminder after `sent` of them (the last went out or was refused at
    `last_sent`)."""
    at = first_overdue(deadline, cfg)
    if last_sent is not None:  # sent, or refused for good: the next one is the next morning
        at = max(at, morning(local_date(last_sent, cfg.tz) + _DAY, cfg))
    return Plan(at, OVERDUE, sent + 1)


def escalates(seq: int) -> bool:
    """Whether the `seq`-th overdue reminder also mentions the chair and the secretary."""
    return seq > ESCALATE_AFTER


def pending_reminders(deadline: datetime, now: datetime, cfg: CommitteeConfig) -> list[Plan]:
    """Reminders to silent members of a consultation or named vote."""
    day = local_date(deadline, cfg.tz)
    plans: list[Plan] = []
    before = defer(local_to_utc(cfg.calendar.before(day), MORNING, cfg.tz), cfg)
    if now < before < deadline:
        plans.append(Plan(before, PENDING, DAY_BEFORE))
    if cfg.calendar.is_working(day):
        on_the_day = defer(local_to_utc(day, MORNING, cfg.tz), cfg)
        if now < on_the_day < deadline and on_the_day != before:
            plans.append(Plan(on_the_day, PENDING, MORNING_OF))
    return plans


def _scheduled(day: date, cfg: CommitteeConfig) -> datetime:
    assert cfg.digest is not None
    return local_to_utc(day, cfg.digest[1], cfg.tz)


def digest_after(after: datetime, cfg: CommitteeConfig) -> tuple[datetime, date] | None:
    """The next digest strictly after `after`: (moment to send, its scheduled local date)."""
    if cfg.digest is None:
        return None
    weekday = cfg.digest[0]
    today = local_date(after, cfg.tz)
    day = today - (today.weekday() - weekday) % 7 * _DAY  # the latest such weekday, on or before
    while _digest_moment(day, cfg) <= after:
        day += 7 * _DAY
    return _digest_moment(day, cfg), day


def _digest_moment(day: date, cfg: CommitteeConfig) -> datetime:
    if day.weekday() in cfg.workdays:  # a holiday Monday's digest: the next working day, same time
        day = cfg.calendar.on_or_after(day)
    return defer(_scheduled(day, cfg), cfg)


def latest_digest_day(now: datetime, cfg: CommitteeConfig) -> date | None:
    """The local date of the latest scheduled digest at or before `now`."""
    if cfg.digest is None:
        return None
    weekday = cfg.digest[0]
    today = local_date(now, cfg.tz)
    day = today - (today.weekday() - weekday) % 7 * _DAY
    if _scheduled(day, cfg) > now:
        day -= 7 * _DAY
    return day


def is_late(planned_at: datetime, now: datetime) -> bool:
    """Whether a message planned for `planned_at` and sent at `now` is late."""
    return now - planned_at > LATE_AFTER


def day_seq(day: date) -> int:
    """A date as the integer YYYYMMDD (the digest rows' sequence key)."""
    return day.year * 10000 + day.month * 100 + day.day


def seq_day(seq: int) -> date:
    """The inverse of `day_seq`."""
    return date(seq // 10000, seq // 100 % 100, seq % 100)
