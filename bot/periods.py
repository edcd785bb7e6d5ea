"""Calendar arithmetic: working days, the next moment outside quiet hours, and report periods.

Weekdays are Python numbers (Monday=0 … Sunday=6). A committee's working days are a non-empty
frozenset of them minus Vietnam's public holidays, or its whole calendar (`bot.workcalendar`).
Quiet hours are a `(start, end)` pair of wall times that may span midnight (`21:00-07:00`).
Report periods are half-open `[start, end)` in UTC with both boundaries at local midnight in the
committee's timezone; their canonical labels are `2026`, `H1 2026`, `Q3 2026`, `12/2026` and
`01/01/2026–30/06/2026`. Reading and showing dates, times and the settings lists
(`parse_workdays`, `parse_quiet`, `parse_offsets`, …) live in `bot.dates`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.dates import (
    fold_text,
    local_date,
    local_to_utc,
)
from bot.errors import DomainError
from bot.i18n import t
from bot.workcalendar import WorkCalendar, calendar_of

MIN_YEAR, MAX_YEAR = 1900, 2999
_ONE_DAY = timedelta(days=1)


Workdays = frozenset[int] | WorkCalendar  # a weekday rule (with the public holidays) or a calendar


def is_working_day(dt: datetime, workdays: Workdays, tz: ZoneInfo) -> bool:
    """Whether the local date of `dt` in `tz` is a working day of the calendar."""
    return calendar_of(workdays).is_working(local_date(dt, tz))


def next_working_day_on_or_after(local_day: date, workdays: Workdays) -> date:
    """`local_day` itself if it is a working day, else the first working day after it."""
    return calendar_of(workdays).on_or_after(local_day)


def previous_working_day(local_day: date, workdays: Workdays) -> date:
    """The last working day strictly before `local_day`."""
    return calendar_of(workdays).before(local_day)


def add_working_days(start: datetime, n: int, workdays: Workdays, tz: ZoneInfo) -> datetime:
    """End (23:59 local) of the n-th working day after `start`'s local date (0: it, or the next)."""
    if n < 0:
        raise ValueError("n must not be negative")
    return calendar_of(workdays).add(start, n, tz)


def _quiet_end(now: time, quiet: tuple[time, time] | None) -> int | None:
    """In quiet hours: in how many days (0 or 1) they end; else None."""
    if quiet is None:
        return None
    start, end = quiet
    if start < end:
        return 0 if start <= now < end else None
    if now >= start:
        return 1
    return 0 if now < end else None


def next_allowed(
    dt: datetime, tz: ZoneInfo, workdays: Workdays, quiet: tuple[time, time] | None
) -> datetime:
    """`dt` if on a working day outside quiet hours, else the first moment after it that is."""
    cal = calendar_of(workdays)
    current = dt
    for _ in range(2000):  # a handful of steps in practice; minute steps only in DST folds
        local = current.astimezone(tz)
        if not cal.is_working(local.date()):
            day = cal.on_or_after(local.date() + _ONE_DAY)
            candidate = local_to_utc(day, time(0), tz)
        else:
            days = _quiet_end(local.time(), quiet)
            if days is None:
                return current
            assert quiet is not None
            candidate = local_to_utc(local.date() + timedelta(days=days), quiet[1], tz)
        current = candidate if candidate > current else current + timedelta(minutes=1)
    raise ValueError("no allowed moment found")  # pragma: no cover - needs an absurd timezone


_KIND_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_ALIASES = (
    (re.compile(r"^6 thang dau nam\b"), "h1"),
    (re.compile(r"^6 thang cuoi nam\b"), "h2"),
    (re.compile(r"^quy ?(iv|i{1,3})\b"), lambda found: "q" + _ROMAN[found[1]]),
    (re.compile(r"^quy ?"), "q"),
    (re.compile(r"^(?:thang|nam|tu) "), ""),
    (re.compile(r" ?\b(?:den|to)\b ?"), "-"),
)
_PERIOD = re.compile(
    r"(?P<year>[0-9]{4})"
    r"|(?P<kind>[hq])(?P<n>[0-9])(?:[ /-]?(?P<ky>[0-9]{4}))?"
    r"|(?P<month>[0-9]{1,2}) ?[/-] ?(?P<my>[0-9]{4})"
    r"|(?P<a>[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}) ?- ?(?P<b>[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})"
)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _dmy(day: date) -> str:
    return f"{day.day:02}/{day.month:02}/{day.year:04}"


def _label(kind: str, first: date, end: date) -> str:
    if kind == "year":
        return str(first.year)
    if kind == "half":
        return f"H{(first.month + 5) // 6} {first.year}"
    if kind == "quarter":
        return f"Q{(first.month + 2) // 3} {first.year}"
    if kind == "month":
        return f"{first.month:02}/{first.year}"
    return f"{_dmy(first)}–{_dmy(end - _ONE_DAY)}"


def _day(text: str) -> date:
    day, month, year = map(int, text.split("/"))
    try:
        return date(year, month, day)
    except ValueError:
        raise DomainError("date.impossible", text=text) from None


def _spec(text: str, default_year: int) -> tuple[str, date, date]:
    """(kind, first day, day after the last) of a typed period, as local dates."""
    folded = fold_text(text)
    for pattern, replacement in _ALIASES:
        folded = pattern.sub(replacement, folded)
    found = _PERIOD.fullmatch(folded)
    if found is None:
        raise DomainError("date.bad_period", text=text.strip())
    if found["a"]:
        first, last = _day(found["a"]), _day(found["b"])
        if last < first:
            raise DomainError("date.period_reversed", text=text.strip())
        if not MIN_YEAR <= first.year <= last.year <= MAX_YEAR:
            raise DomainError("date.bad_period", text=text.strip())
        return "range", first, last + _ONE_DAY
    if found["year"]:
        kind, year, month = "year", int(found["year"]), 1
    elif found["kind"]:
        kind = "half" if found["kind"] == "h" else "quarter"
        year, number = int(found["ky"] or default_year), int(found["n"])
        month = (number - 1) * _KIND_MONTHS[kind] + 1
        if not 1 <= number <= 12 // _KIND_MONTHS[kind]:
            month = 0
    else:
        kind, year, month = "month", int(found["my"]), int(found["month"])
    if not (1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR):
        raise DomainError("date.bad_period", text=text.strip())
    first = date(year, month, 1)
    return kind, first, _add_months(first, _KIND_MONTHS[kind])


def _utc(kind: str, first: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime, str]:
    start_utc, end_utc = local_to_utc(first, time(0), tz), local_to_utc(end, time(0), tz)
    return start_utc, end_utc, _label(kind, first, end)


def parse_period(text: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime, str]:
    """A period → (start UTC inclusive, end UTC exclusive, label); empty: the whole current
    half-year (tasks due later in it belong to it: open within deadline, or already done)."""
    today = local_date(now, tz)
    if not text.strip():
        first = date(today.year, 1 if today.month <= 6 else 7, 1)
        return _utc("half", first, _add_months(first, 6), tz)
    return _utc(*_spec(text, today.year), tz)


def _shift(label: str, tz: ZoneInfo, forward: bool) -> tuple[datetime, datetime, str]:
    kind, first, end = _spec(label, MIN_YEAR)
    months = _KIND_MONTHS.get(kind, 0)
    if kind == "range" and first.day == end.day == 1:  # whole months: as many months
        months = (end.year - first.year) * 12 + end.month - first.month
    if months:
        first = _add_months(first, months if forward else -months)
        end = _add_months(first, months)
    else:
        length = end - first
        first, end = (end, end + length) if forward else (first - length, first)
    return _utc(kind, first, end, tz)


def next_period(label: str, tz: ZoneInfo) -> tuple[datetime, datetime, str]:
    """The next year/half/quarter/month; for a range, as many whole months or days after it."""
    return _shift(label, tz, forward=True)


def previous_period(label: str, tz: ZoneInfo) -> tuple[datetime, datetime, str]:
    """The period before `label`, the mirror of `next_period`."""
    return _shift(label, tz, forward=False)


def period_title(label: str, lang: str) -> str:
    """A period label as words to put after "report for": `6 tháng đầu năm 2026` / `H1 2026`."""
    kind, first, end = _spec(label, MIN_YEAR)
    number = (first.month - 1) // _KIND_MONTHS.get(kind, 1) + 1
    key = f"period.{kind}_{number}" if kind in ("half", "quarter") else f"period.{kind}"
    return str(
        t(lang, key, y=first.year, m=f"{first.month:02}", a=_dmy(first), b=_dmy(end - _ONE_DAY))
    )
