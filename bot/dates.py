"""Dates and times typed by people and shown to them: deadlines, weekdays, clock times, formatting.

Every moment inside the program is an aware UTC datetime; the committee's IANA timezone turns it
into local wall time for parsing and display. A date typed without a time means the END of that
day, 23:59:00 local (`END_OF_DAY`): "due 31/12" is on time until the last minute of 31 December.
Input is read case-insensitively and with or without Vietnamese diacritics (`fold_text`).
It also reads and writes the committee settings lists (working days, quiet hours, reminder
offsets). Refusals are `DomainError`s with `date.*` keys (`bot/locales/*/dates.toml`). Working-day
arithmetic, allowed moments (quiet hours) and report periods live in `bot.periods`.

Local wall times that do not exist or exist twice (DST changes) resolve like `zoneinfo` with
`fold=0`: the offset in force before the change.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import DomainError
from bot.i18n import t

END_OF_DAY = time(23, 59)
MAX_AHEAD = timedelta(days=100 * 366)
MAX_OFFSET = timedelta(days=60)
MAX_OFFSETS = 10
_OFF = frozenset({"off", "tat", "none", "khong"})

# Weekday names shown to people are catalog words (`weekday.*`, `weekday_short.*` in dates.toml).
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DURATION_UNITS: dict[str, timedelta] = {
    **dict.fromkeys(("m", "p", "min", "mins", "minute", "minutes", "phut"), timedelta(minutes=1)),
    **dict.fromkeys(("h", "g", "hr", "hrs", "hour", "hours", "gio"), timedelta(hours=1)),
    **dict.fromkeys(("d", "n", "day", "days", "ngay"), timedelta(days=1)),
    **dict.fromkeys(("w", "wk", "week", "weeks", "tuan"), timedelta(weeks=1)),
}


def _weekday_words() -> dict[str, int]:
    english = ("mon monday", "tue tues tuesday", "wed wednesday", "thu thur thurs thursday")
    english += ("fri friday", "sat saturday", "sun sunday")
    words: dict[str, int] = {}
    for day, names in enumerate(english):
        words.update(dict.fromkeys(names.split(), day))
    for day, name in enumerate(("hai", "ba", "tu", "nam", "sau", "bay")):
        number = day + 2
        words.update(dict.fromkeys((f"t{number}", f"thu {number}", f"thu{number}"), day))
        words[f"thu {name}"] = day
    words.update(dict.fromkeys(("cn", "chu nhat", "chunhat"), 6))
    return words


WEEKDAY_WORDS = _weekday_words()
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))
MAX_DATE_WORDS = 9  # `9 giờ 30 sáng thứ sáu tuần sau` is about the longest date people type


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_CLOCK = r"(?P<hh>[0-9]{1,2})(?::(?P<mm>[0-9]{2})|h(?P<hm>[0-9]{2})?)"
_HHMM = re.compile(_CLOCK)
_KEYWORD = re.compile(
    r"(?:^|\s)(?:due|deadline|hạn chót|han chot|hạn|han|chậm nhất|cham nhat|trước|truoc"
    r"|không muộn hơn|khong muon hon|before|by)(?:\s*:\s*|\s+)",
    re.IGNORECASE,
)


def fold_text(text: str) -> str:
    """Lower-case, drop Vietnamese diacritics (đ → d), unify dashes and collapse whitespace."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.translate(_DASHES).split())


def local_date(dt: datetime, tz: ZoneInfo) -> date:
    """The calendar date of an aware moment in `tz`."""
    return dt.astimezone(tz).date()


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The aware UTC moment of wall time `at` on `day` in `tz`."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """23:59 local on `day`, in UTC: the moment a date-only deadline means."""
    return local_to_utc(day, END_OF_DAY, tz)


def parse_weekday(token: str) -> int:
    """`mon`…`sun`, `monday`…, `t2`…`t7`, `cn`, `thứ hai`…`chủ nhật` → 0 (Monday) … 6 (Sunday)."""
    day = WEEKDAY_WORDS.get(fold_text(token))
    if day is None:
        raise DomainError("date.bad_weekday", text=token.strip())
    return day


def parse_hhmm(text: str) -> time:
    """`08:00`, `8:00`, `8h`, `8h30` → a wall-clock time; else `date.bad_time`."""
    found = _HHMM.fullmatch(fold_text(text))
    try:
        if found is None:
            raise ValueError(text)
        return _clock(found)
    except ValueError:
        raise DomainError("date.bad_time", text=text.strip()) from None


def _clock(found: re.Match[str]) -> time:
    return time(int(found["hh"]), int(found["mm"] or found["hm"] or 0))


def parse_deadline(text: str, now: datetime, tz: ZoneInfo, workdays=None) -> datetime:
    """Read a typed deadline as a future UTC moment (every accepted form: `bot.deadlines`);
    `workdays`: the committee's calendar for "N ngày làm việc" (default: Mon–Fri, holidays)."""
    from bot.deadlines import MON_FRI, parse_when

    return parse_when(text, now, tz, MON_FRI if workdays is None else workdays).at


def looks_like_deadline(text: str) -> bool:
    """Whether all of `text` has the shape of a deadline (ranges and the past are not checked)."""
    from bot.deadlines import looks_like_deadline as whole

    return whole(text)


def leading_deadline(text: str) -> tuple[str, str]:
    """`+2h Họp lúc 14:00` → (`+2h`, `Họp lúc 14:00`): the longest leading words that are a date
    (`("", text)` when none are)."""
    words = list(re.finditer(r"\S+", text))
    for count in range(min(MAX_DATE_WORDS, len(words)), 0, -1):
        prefix = text[: words[count - 1].end()]
        if looks_like_deadline(prefix):
            return prefix.strip(), text[words[count - 1].end() :].strip()
    return "", text.strip()


def split_deadline(text: str) -> tuple[str, str | None]:
    """`<title> due|hạn|trước|chậm nhất <date>` → (title, date text) at the last such word
    followed by a date; else (text, None)."""
    from bot.deadlines import starts_with_deadline

    normal = unicodedata.normalize("NFC", text)
    for found in reversed(list(_KEYWORD.finditer(normal))):
        rest = normal[found.end() :].strip()
        if starts_with_deadline(rest):
            return normal[: found.start()].strip(), rest
    return text, None


def parse_workdays(text: str) -> frozenset[int]:
    """`mon-fri`, `t2-t6`, `mon,wed,fri`, `T2–T4, T6` → weekday numbers; ranges don't wrap."""
    days: set[int] = set()
    for piece in fold_text(text).split(","):
        ends = [WEEKDAY_WORDS.get(end.strip(), -1) for end in piece.split("-")]
        if len(ends) > 2 or not 0 <= ends[0] <= ends[-1]:
            raise DomainError("date.bad_workdays", text=text.strip())
        days.update(range(ends[0], ends[-1] + 1))
    return frozenset(days)


def format_workdays(days: Iterable[int], lang: str) -> str:
    """`T2–T6` / `Mon–Fri` for runs of three or more days, a comma list otherwise."""
    names = [t(lang, f"weekday_short.{key}") for key in WEEKDAY_KEYS]
    runs: list[list[int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts.extend(names[day] for day in run)
    return ", ".join(parts)


def parse_quiet(text: str) -> tuple[time, time] | None:
    """`21:00-07:00` (may span midnight) → (start, end); `off`/`tắt` → None."""
    folded = fold_text(text)
    if folded in _OFF:
        return None
    try:
        start, end = (parse_hhmm(part) for part in folded.split("-"))  # ValueError unless two
    except (DomainError, ValueError):
        raise DomainError("date.bad_quiet", text=text.strip()) from None
    if start == end:
        raise DomainError("date.bad_quiet", text=text.strip())
    return start, end


_OFFSET = re.compile(rf"([0-9]{{1,5}}) ?({_alternation(DURATION_UNITS)})")


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """`3d,1d,0d`, `2h,30m`, `1w` → distinct offsets (0…60 days, ≤ 10), largest first; `off`: ()."""
    folded = fold_text(text)
    if folded in _OFF:
        return ()
    offsets: set[timedelta] = set()
    for piece in filter(None, re.split(r" ?[,;] ?", folded)):
        found = _OFFSET.fullmatch(piece)
        if found is None:
            raise DomainError("date.bad_offsets", text=text.strip())
        offsets.add(int(found[1]) * DURATION_UNITS[found[2]])
    if not 0 < len(offsets) <= MAX_OFFSETS or max(offsets) > MAX_OFFSET:
        raise DomainError("date.bad_offsets", text=text.strip())
    return tuple(sorted(offsets, reverse=True))


def format_offsets(offsets: Iterable[timedelta]) -> str:
    """Offsets back to their settings form, `3d,1d,0d`; no offsets → `off`."""
    parts = []
    for offset in offsets:
        minutes = int(offset.total_seconds()) // 60
        if minutes % 1440 == 0:
            parts.append(f"{minutes // 1440}d")
        elif minutes % 60 == 0:
            parts.append(f"{minutes // 60}h")
        else:
            parts.append(f"{minutes}m")
    return ",".join(parts) or "off"


# The formats below read a moment's fields: `strftime` would cost twice as much (a list shows
# ten deadlines).
def format_datetime(dt: datetime, tz: ZoneInfo, lang: str) -> str:
    """`Thứ Hai, 31/12/2026 17:00` / `Monday, 31/12/2026 17:00` in the committee's timezone."""
    local = dt.astimezone(tz)
    return f"{format_day(local, lang)} {local.hour:02}:{local.minute:02}"


def format_date(dt: datetime, tz: ZoneInfo, lang: str) -> str:
    """`Thứ Hai, 31/12/2026` / `Monday, 31/12/2026` in the committee's timezone."""
    return format_day(dt.astimezone(tz), lang)


def format_short(dt: datetime, tz: ZoneInfo) -> str:
    """`31/12 17:00` in the committee's timezone."""
    local = dt.astimezone(tz)
    return f"{local.day:02}/{local.month:02} {local.hour:02}:{local.minute:02}"


_UNITS = ("days", "hours", "minutes")


def format_duration(seconds: float | timedelta, lang: str) -> str:
    """The two largest units of a length of time: `2 ngày 3 giờ` / `2 days 3 h`, `45 min`."""
    if isinstance(seconds, timedelta):
        seconds = seconds.total_seconds()
    minutes = int(abs(seconds)) // 60
    amounts = (minutes // 1440, minutes // 60 % 24, minutes % 60)
    first = next((index for index, amount in enumerate(amounts) if amount), None)
    if first is None:
        return str(t(lang, "duration.under_a_minute"))
    shown = [index for index in (first, first + 1) if index < len(amounts) and amounts[index]]
    return " ".join(
        t(lang, f"duration.{_UNITS[i]}_{'one' if amounts[i] == 1 else 'many'}", n=amounts[i])
        for i in shown
    )


def weekday_name(weekday: int, lang: str) -> str:
    """The name of a weekday (Mon=0) in `lang`: `Thứ Hai` / `Monday`."""
    return str(t(lang, f"weekday.{WEEKDAY_KEYS[weekday]}"))


def parse_day(text: str, now: datetime, tz: ZoneInfo) -> date:
    """A typed calendar date (`15/02`, `15/02/2027`, `2027-02-15`, today/tomorrow, a weekday
    word), past or future, without a time: for the working calendar (`/holiday`, `/workday`)."""
    from bot.deadlines import parse_day as read_day

    return read_day(text, now, tz)


def format_day(day: date, lang: str) -> str:
    """`Thứ Hai, 15/02/2027` / `Monday, 15/02/2027` for a calendar date (or a moment's)."""
    return f"{weekday_name(day.weekday(), lang)}, {day.day:02}/{day.month:02}/{day.year:04}"
