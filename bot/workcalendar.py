"""The working calendar: a weekday rule minus Vietnam's public holidays and a committee's own days
off, plus its make-up working days (issue 17).

Public holidays come from the `holidays` package (`country_holidays("VN")`: New Year, Tết with
its lunar dates, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and the days the law adds around them); the
government's yearly swaps are announced late, so each committee keeps its own changes
(`/holiday add`, `/workday add`) as a small JSON object in `committees.calendar`:
`{"2027-02-15": ["off", "note"], "2027-02-20": ["work", ""]}`.

Everything is cached: the library's dates per year (the same for every committee), and a
committee's parsed changes per stored text, so the sweep's many questions cost a set lookup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.dates import end_of_day, local_date

ALL_DAYS = frozenset(range(7))
OFF, WORK = "off", "work"
_ONE_DAY = timedelta(days=1)
_SEARCH_DAYS = 3 * 366  # a calendar without a working day this far ahead is refused
# The library's language codes for Vietnam's holiday names.
_LIBRARY_LANGUAGE = {"vi": "vi", "en": "en_US"}


@lru_cache(maxsize=256)
def public_holidays(year: int, lang: str = "vi") -> Mapping[date, str]:
    """Vietnam's public holidays of `year` (date → name in `lang`), from the `holidays` package."""
    import holidays  # imported on first use: start-up stays light

    found = holidays.country_holidays("VN", years=year, language=_LIBRARY_LANGUAGE.get(lang, "vi"))
    return dict(sorted(found.items()))


@lru_cache(maxsize=256)
def _holiday_dates(year: int) -> frozenset[date]:
    return frozenset(public_holidays(year))


def is_public_holiday(day: date) -> bool:
    """Whether `day` is a Vietnamese public holiday (the library's calendar)."""
    return day in _holiday_dates(day.year)


@dataclass(frozen=True)
class Change:
    """A committee's own change to the calendar: a day off or a make-up working day."""

    day: date
    kind: str  # OFF or WORK
    note: str = ""


@lru_cache(maxsize=1024)
def parse_changes(text: str) -> tuple[Change, ...]:
    """The stored `committees.calendar` text as changes, by date."""
    if not text:
        return ()
    data = json.loads(text)
    return tuple(
        Change(date.fromisoformat(day), kind, note) for day, (kind, note) in sorted(data.items())
    )


def dump_changes(changes: Iterable[Change]) -> str:
    """The inverse of `parse_changes` (dates sorted, so equal calendars store equal text)."""
    data = {c.day.isoformat(): [c.kind, c.note] for c in sorted(changes, key=lambda c: c.day)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def check_workdays(workdays: Iterable[int]) -> None:
    """Refuse a weekday rule that is empty or names days outside 0..6 (Monday=0)."""
    if not workdays or not set(workdays) <= ALL_DAYS:
        raise ValueError(f"working days must be a non-empty subset of 0..6, not {workdays!r}")


@dataclass(frozen=True)
class WorkCalendar:
    """Which local dates are working days for one committee."""

    workdays: frozenset[int]
    days_off: frozenset[date] = frozenset()
    make_up: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        check_workdays(self.workdays)

    def is_working(self, day: date) -> bool:
        """A make-up day works; a committee's day off and a public holiday do not; else the
        weekday rule decides."""
        if day in self.make_up:
            return True
        if day in self.days_off or is_public_holiday(day):
            return False
        return day.weekday() in self.workdays

    def on_or_after(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        for _ in range(_SEARCH_DAYS):
            if self.is_working(day):
                return day
            day += _ONE_DAY
        raise ValueError("no working day ahead")

    def on_or_before(self, day: date) -> date:
        """`day` itself if it is a working day, else the last working day before it."""
        return day if self.is_working(day) else self.before(day)

    def before(self, day: date) -> date:
        """The last working day strictly before `day`."""
        for _ in range(_SEARCH_DAYS):
            day -= _ONE_DAY
            if self.is_working(day):
                return day
        raise ValueError("no working day before")

    def add(self, start: datetime, n: int, tz: ZoneInfo) -> datetime:
        """End (23:59 local) of the n-th working day after `start`'s local date (0: it, or the
        next working day)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = local_date(start, tz)
        if n == 0:
            return end_of_day(self.on_or_after(day), tz)
        for _ in range(n):
            day = self.on_or_after(day + _ONE_DAY)
        return end_of_day(day, tz)


class EveryDay(WorkCalendar):
    """A calendar where every day is a working day: for what a day off must not hold back (a
    meeting's own reminders on the day it is held), so only quiet hours apply."""

    def is_working(self, day: date) -> bool:
        """Every day works."""
        return True


EVERY_DAY = EveryDay(ALL_DAYS)


@lru_cache(maxsize=4096)
def _calendar(workdays: frozenset[int], changes: str) -> WorkCalendar:
    parsed = parse_changes(changes)
    return WorkCalendar(
        workdays,
        frozenset(c.day for c in parsed if c.kind == OFF),
        frozenset(c.day for c in parsed if c.kind == WORK),
    )


def calendar_of(workdays: frozenset[int] | WorkCalendar, changes: str = "") -> WorkCalendar:
    """The calendar of a weekday rule (with the public holidays) and a committee's stored changes;
    a calendar passes through. Cached: equal inputs give the same object."""
    if isinstance(workdays, WorkCalendar):
        return workdays
    check_workdays(workdays)
    return _calendar(frozenset(workdays), changes)


def working_days_from(now: datetime, n: int, cfg) -> datetime:
    """The deadline `n` working days after `now` for a committee (`cfg`: its CommitteeConfig):
    the end of that day in its timezone. Default deadlines and quick deadline buttons use it."""
    return cfg.calendar.add(now, n, cfg.tz)
