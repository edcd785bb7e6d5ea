"""Reading a deadline as people write it, in Vietnamese (with or without diacritics) and English.

The public entry is `parse_when(text, now, tz)` → `When` (the UTC moment, and whether a time of
day was written); `bot.dates.parse_deadline` returns just the moment. The text is read as a
sequence of parts, in any order: at most one day (`15/12`, `thứ sáu tuần sau`, `cuối tháng`,
`3 ngày nữa` …), one clock time (`17:30`, `17h30`, `17 giờ 30`, `5pm`) and one part of the day
(`sáng`, `chiều` …), with filler words (`trước`, `chậm nhất`, `lúc`, `vào`, `ngày`, `,`) between.
A relative number of hours or minutes stands alone and is exact. Without a time, a day means its
end (23:59); a part of the day alone means the hour in `PARTS`. A day/month without a year that
lies at most `RECENT` back is refused as past (naming the date); further back it means next year.
Refusals: `date.invalid` (nothing read), `date.unread` (names the part not understood),
`date.impossible`, `date.past`, `date.past_time`, `date.too_far`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.dates import END_OF_DAY, WEEKDAY_WORDS, fold_text, local_date, local_to_utc
from bot.deadline_days import named_day, relative_day
from bot.errors import DomainError

MAX_AHEAD = timedelta(days=100 * 366)
RECENT = timedelta(days=62)  # a day/month this far back was meant, and has passed
MON_FRI = frozenset(range(5))
# A part of the day written without a clock time: (deadline meaning, start meaning).
PARTS: dict[str, tuple[time, time]] = {
    **dict.fromkeys(("sang", "morning"), (time(12, 0), time(8, 0))),
    **dict.fromkeys(("trua", "noon", "midday"), (time(13, 0), time(12, 0))),
    **dict.fromkeys(("chieu", "afternoon"), (time(17, 0), time(14, 0))),
    **dict.fromkeys(("toi", "evening", "tonight"), (time(21, 0), time(19, 0))),
}
_PM_PARTS = frozenset({"chieu", "toi", "afternoon", "evening", "tonight"})
_UNITS = {
    **dict.fromkeys(("m", "p", "min", "mins", "minute", "minutes", "phut"), "minutes"),
    **dict.fromkeys(("h", "g", "hr", "hrs", "hour", "hours", "gio", "tieng"), "hours"),
    **dict.fromkeys(("d", "n", "day", "days", "ngay"), "days"),
    **dict.fromkeys(("w", "wk", "week", "weeks", "tuan"), "weeks"),
    **dict.fromkeys(("thang", "month", "months"), "months"),
    **dict.fromkeys(("ngay lam viec", "working day", "working days", "business days"), "workdays"),
    **dict.fromkeys(("wd", "business day", "nglv"), "workdays"),
}
_NAMED_DAYS = {
    **dict.fromkeys(("hom nay", "homnay", "today", "nay"), "today"),
    **dict.fromkeys(("ngay mai", "ngaymai", "mai", "tomorrow"), "tomorrow"),
    **dict.fromkeys(("ngay kia", "ngay mot", "day after tomorrow", "the day after tomorrow"), "+2"),
    **dict.fromkeys(("tuan sau", "tuan toi", "tuan ke tiep", "next week"), "fri_next"),
    **dict.fromkeys(("cuoi tuan sau", "cuoi tuan toi", "end of next week"), "fri_next"),
    **dict.fromkeys(("cuoi tuan", "cuoi tuan nay", "end of week", "end of the week"), "week_end"),
    **dict.fromkeys(("end of this week", "this weekend", "weekend"), "week_end"),
    **dict.fromkeys(("dau tuan sau", "dau tuan toi", "early next week"), "mon_next"),
    **dict.fromkeys(
        ("cuoi thang", "cuoi thang nay", "end of month", "end of the month"), "month_end"
    ),
    **dict.fromkeys(("end of this month",), "month_end"),
    **dict.fromkeys(("cuoi thang sau", "cuoi thang toi", "end of next month"), "next_month_end"),
    **dict.fromkeys(("dau thang sau", "dau thang toi", "early next month"), "next_month_start"),
    **dict.fromkeys(("start of next month", "beginning of next month"), "next_month_start"),
    **dict.fromkeys(("giua thang", "giua thang nay", "mid month", "mid-month"), "mid_month"),
    **dict.fromkeys(("giua thang sau", "giua thang toi"), "mid_next_month"),
    **dict.fromkeys(("cuoi nam", "cuoi nam nay", "end of year", "end of the year"), "year_end"),
}
_THIS_WEEK = ("nay", "tuan nay", "this week")
_NEXT_WEEK = ("tuan sau", "tuan toi", "tuan ke tiep", "next week")


def _alt(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_END = r"(?= |$)"
_D = "[0-9]"
_REL = re.compile(
    rf"(?:(?P<plus>\+) ?|(?P<pre>trong vong|trong|sau|in|within) )?(?P<n>{_D}{{1,6}}) ?"
    rf"(?P<unit>{_alt(_UNITS)})(?: (?P<post>nua|toi|tiep theo|sau|later|from now))?{_END}"
)
_DAY = re.compile(
    rf"(?:(?:ngay )?(?P<wd>{_D}{{1,2}}) thang (?P<wm>{_D}{{1,2}})(?: nam (?P<wy>{_D}{{4}}))?"
    rf"|(?:ngay )?(?P<d>{_D}{{1,2}})(?P<sep>[/.-])(?P<m>{_D}{{1,2}})"
    rf"(?:(?P=sep)(?P<y>{_D}{{4}}|{_D}{{2}}))?"
    rf"|(?P<iy>{_D}{{4}})-(?P<im>{_D}{{1,2}})-(?P<id>{_D}{{1,2}})"
    rf"|ngay (?P<dom>{_D}{{1,2}})"
    rf"|(?:(?P<which>next|this) )?(?P<wday>{_alt(WEEKDAY_WORDS)})"
    rf"(?: (?P<week>{_alt((*_THIS_WEEK, *_NEXT_WEEK))}))?"
    rf"|(?P<named>{_alt(_NAMED_DAYS)})){_END}"
)
_CLOCK = re.compile(
    rf"(?P<hh>{_D}{{1,2}})(?::(?P<mm>{_D}{{2}})|[hg](?P<hm>{_D}{{2}})?"
    rf"| gio(?: (?P<gm>{_D}{{1,2}})(?: phut)?| (?P<half>ruoi))?|(?= ?(?:am|pm){_END}))"
    rf"(?: ?(?P<ampm>am|pm))?{_END}"
)
_PART = re.compile(rf"(?:buoi |this |in the )?(?P<part>{_alt(PARTS)})(?: (?P<today>nay))?{_END}")
_FILLER = re.compile(
    r"(?:truoc ngay|truoc|cham nhat la|cham nhat|han chot|han|due|deadline|no later than"
    r"|khong muon hon|toi da|before|until|by|vao luc|vao|luc|at|on|la|trong|cho den|den het|den"
    r"|het|,|:)" + _END
)
_WORD = re.compile(r"\S+")
_NEXT_WORDS = frozenset({"tới"})  # "thứ sáu tới": the coming Friday, not "Friday evening" (tối)


@dataclass(frozen=True)
class When:
    """A typed deadline read: the UTC moment, and whether a time of day was written."""

    at: datetime
    has_time: bool


@dataclass
class _Read:
    """The parts found so far in a typed deadline."""

    day: re.Match[str] | None = None
    relative: re.Match[str] | None = None
    clock: re.Match[str] | None = None
    part: re.Match[str] | None = None
    weekday_check: re.Match[str] | None = None  # `15/12 (thứ Ba)`: the weekday written too
    stop: int | None = None  # index of the first word not understood
    found: list[str] = field(default_factory=list)


def _words(text: str) -> tuple[list[str], list[str]]:
    """The typed words (NFC, commas apart) and their folded forms, one for one."""
    spaced = re.sub(r"\s*,\s*", " , ", unicodedata.normalize("NFC", text).strip().rstrip(".;!"))
    spaced = re.sub(r"[()]", " ", spaced)  # `15/12 (thứ Ba)`
    pairs = [(word, fold_text(word)) for word in spaced.split()]
    pairs = [(word, folded) for word, folded in pairs if folded]
    return [w for w, _ in pairs], [f for _, f in pairs]


def _scan(folded: list[str], typed: list[str]) -> _Read:
    """Read parts from the start; stop at the first word none of them explains."""
    read, line = _Read(), " ".join(folded)
    starts = {sum(len(w) + 1 for w in folded[:i]): i for i in range(len(folded) + 1)}
    pos = 0
    while pos < len(line):
        for kind, pattern in (("relative", _REL), ("day", _DAY), ("clock", _CLOCK)):
            found = pattern.match(line, pos)
            if found and (kind != "relative" or _marked(found)):
                break
        else:
            if typed[starts[pos]].lower() in _NEXT_WORDS:
                kind, found = "filler", _WORD.match(line, pos)
            else:
                kind, found = "part", _PART.match(line, pos)
                if found is None:
                    kind, found = "filler", _FILLER.match(line, pos)
        if found is None or not _take(read, kind, found):
            read.stop = starts[pos]
            return read
        pos = found.end() + 1
    return read


def _marked(found: re.Match[str]) -> bool:
    """`+3 ngày`, `trong 3 ngày`, `3 ngày nữa`, `5 ngày làm việc`; a bare `30 ngày` is no date."""
    unit = _UNITS[found["unit"]]
    if found["post"] == "toi" and unit in ("hours", "minutes"):  # `10 giờ tối`: evening, not "next"
        return bool(found["plus"] or found["pre"])
    return bool(found["plus"] or found["pre"] or found["post"] or unit == "workdays")


def _confirms(day: re.Match[str], found: re.Match[str]) -> bool:
    """`15/12 thứ Ba`: a bare weekday after a written date (checked against it when resolved)."""
    dated = day.re is _DAY and (day["d"] or day["wd"] or day["iy"])
    bare = found.re is _DAY and found["wday"] and not (found["week"] or found["which"])
    return bool(dated and bare)


def _take(read: _Read, kind: str, found: re.Match[str]) -> bool:
    """Record one part; False when it cannot go with what was read before."""
    if kind == "filler":
        return True
    if kind == "relative" and _UNITS[found["unit"]] in ("days", "weeks", "months", "workdays"):
        kind = "day"
    exact = read.relative is not None
    if kind == "day" and read.day is not None and _confirms(read.day, found):
        read.weekday_check = found
        return True
    if getattr(read, kind) is not None or exact or (kind == "relative" and read.found):
        return False
    setattr(read, kind, found)
    read.found.append(kind)
    return True


def _syntax(text: str) -> tuple[_Read, list[str]]:
    typed, folded = _words(text)
    return _scan(folded, typed), typed


def looks_like_deadline(text: str) -> bool:
    """Whether all of `text` reads as a deadline (ranges and the past are not checked)."""
    read, _ = _syntax(text)
    return read.stop is None and bool(read.found)


def starts_with_deadline(text: str) -> bool:
    """Whether `text` begins with a day, a relative delay or a clock time (rest unchecked)."""
    read, _ = _syntax(text)
    return any(kind in ("day", "relative", "clock") for kind in read.found)


def parse_when(
    text: str,
    now: datetime,
    tz: ZoneInfo,
    workdays: frozenset[int] = MON_FRI,
    *,
    start: bool = False,
) -> When:
    """Read a typed deadline as a future moment; `start=True` reads `sáng`/`chiều` as beginnings."""
    raw = " ".join(text.split())
    read, typed = _syntax(text)
    if not read.found:
        raise DomainError("date.invalid", text=raw)
    if read.stop is not None:
        raise DomainError("date.unread", text=raw, part=" ".join(typed[read.stop :]))
    try:
        when = _resolve(read, now, tz, workdays, raw, start)
    except (ValueError, OverflowError):  # 25:00, or beyond what datetime can hold
        raise DomainError("date.invalid", text=raw) from None
    if when.at <= now:
        _refuse_past(when, tz, raw)
    if when.at - now > MAX_AHEAD:
        raise DomainError("date.too_far", text=raw)
    return when


def parse_day(text: str, now: datetime, tz: ZoneInfo) -> date:
    """A typed day without a time, past or future (`15/02/2027`, `15/02`, `hôm nay`, `thứ hai`):
    for the working calendar and date ranges (`/holiday`, `/workday`, `/standin`, issue 17)."""
    raw = " ".join(text.split())
    read, typed = _syntax(text)
    if not read.found:
        raise DomainError("date.invalid", text=raw)
    if read.stop is not None:
        raise DomainError("date.unread", text=raw, part=" ".join(typed[read.stop :]))
    if read.day is None or read.clock is not None or read.part is not None or read.relative:
        raise DomainError("date.invalid", text=raw)
    return _day(read.day, local_date(now, tz), MON_FRI, raw)


def _refuse_past(when: When, tz: ZoneInfo, raw: str) -> None:
    local = when.at.astimezone(tz)
    if when.has_time:
        raise DomainError(
            "date.past_time", text=raw, when=f"{local:%d/%m}/{local.year} {local:%H:%M}"
        )
    raise DomainError("date.past", text=raw, when=f"{local:%d/%m}/{local.year}")


def _resolve(
    read: _Read, now: datetime, tz: ZoneInfo, workdays: frozenset[int], raw: str, start: bool
) -> When:
    if read.relative is not None:  # hours or minutes: exact
        unit = _UNITS[read.relative["unit"]]
        return When(now + timedelta(**{unit: int(read.relative["n"])}), True)
    today = local_date(now, tz)
    day = _day(read.day, today, workdays, raw) if read.day is not None else today
    check = read.weekday_check
    if check is not None and WEEKDAY_WORDS[check["wday"]] != day.weekday():
        raise DomainError("date.weekday_mismatch", text=raw, date=f"{day:%d/%m}/{day.year}")
    at = _clock(read.clock, read.part) if read.clock is not None else None
    if at is None and read.part is not None:
        at = PARTS[read.part["part"]][1 if start else 0]
    return When(local_to_utc(day, at or END_OF_DAY, tz), at is not None)


def _clock(found: re.Match[str], part: re.Match[str] | None) -> time:
    hour = int(found["hh"])
    minute = 30 if found["half"] else int(found["mm"] or found["hm"] or found["gm"] or 0)
    pm = found["ampm"] == "pm" or (part is not None and part["part"] in _PM_PARTS)
    if hour > 12 and found["ampm"]:
        raise ValueError(found[0])
    if pm and hour < 12:
        hour += 12
    elif found["ampm"] == "am" and hour == 12:
        hour = 0
    return time(hour, minute)


def _make(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DomainError("date.impossible", text=raw) from None


def _day(found: re.Match[str], today: date, workdays: frozenset[int], raw: str) -> date:
    if found.re is _REL:
        return relative_day(int(found["n"]), _UNITS[found["unit"]], today, workdays)
    if found["wday"] is not None:
        return _weekday(found, today)
    if found["named"] is not None:
        return named_day(_NAMED_DAYS[found["named"]], today, workdays)
    if found["iy"]:
        return _make(int(found["iy"]), int(found["im"]), int(found["id"]), raw)
    if found["dom"]:
        return _day_of_month(int(found["dom"]), today, raw)
    day, month = (int(found["wd"]), int(found["wm"])) if found["wd"] else (found["d"], found["m"])
    year = found["wy"] or found["y"]
    if year:
        return _make(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day), raw)
    return _infer_year(int(day), int(month), today, raw)


def _infer_year(day: int, month: int, today: date, raw: str) -> date:
    """This year's date; one that passed up to `RECENT` ago stays (and is refused); older: next
    year's."""
    try:
        candidate = date(today.year, month, day)
    except ValueError:
        if (month, day) < (today.month, today.day):
            return _make(today.year + 1, month, day, raw)
        raise DomainError("date.impossible", text=raw) from None
    if candidate >= today or today - candidate <= RECENT:
        return candidate
    return _make(today.year + 1, month, day, raw)


def _day_of_month(day: int, today: date, raw: str) -> date:
    """`ngày 15`: the coming 15th (this month, or next month once it has passed)."""
    year, month = today.year, today.month
    if day < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _make(year, month, day, raw)


def _weekday(found: re.Match[str], today: date) -> date:
    wanted = WEEKDAY_WORDS[found["wday"]]
    monday = today - timedelta(days=today.weekday())
    week, which = found["week"], found["which"]
    if week in _NEXT_WEEK or which == "next":
        return monday + timedelta(days=7 + wanted)
    if week in _THIS_WEEK or which == "this":
        return monday + timedelta(days=wanted)
    return today + timedelta(days=(wanted - today.weekday() - 1) % 7 + 1)
