"""Reading what people type for meetings: `/meeting` arguments and the lines of `/conclude`.

Dates are read only through `bot.dates` (`looks_like_deadline`, `parse_deadline`,
`split_deadline`); this module only decides which words are the date, the place and the people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import dates
from bot.errors import DomainError

MAX_TITLE = 300
MAX_TEXT = 2000
MAX_DATE_WORDS = dates.MAX_DATE_WORDS  # `2 ngày làm việc nữa lúc 14:00` is six words
_PLACE = re.compile(r"\s(?:tại|tai|at|địa điểm|dia diem)\s*:?\s+", re.I)
_HAS_CLOCK = re.compile(r"[0-9](?::[0-9]{2}|h[0-9]{0,2})(?:\s|$)|^\+\d+\s*[hm]", re.I)
_BULLET = re.compile(r"^\s*(?:[-–—•*+]|\d{1,3}[.)])\s*")
_USERNAME = re.compile(r"@([A-Za-z][A-Za-z0-9_]{3,31})\b")
_LEAD_WORDS = re.compile(r"chủ\s*trì|chu\s*tri|\blead\b|\bleads\b", re.I)
_COOP_WORDS = re.compile(r"phối\s*hợp|phoi\s*hop|cooperat\w*|\bwith\b", re.I)


@dataclass(frozen=True)
class NewMeeting:
    """`/meeting` read: title, start (UTC), place, and extra lines as agenda."""

    title: str
    start: datetime
    place: str
    agenda: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConclusionLine:
    """One line of `/conclude`: the conclusion's text; with people and a date, a task."""

    text: str
    lead: str | None = None  # @username (lowercase) of the lead
    cooperators: tuple[str, ...] = ()
    task_text: str = ""  # what /assign would get after the people: `<title> hạn <date>`
    error: tuple[str, dict] | None = None  # why the line could not be read (catalog key, params)

    @property
    def is_task(self) -> bool:
        """Whether the line names a person and a date."""
        return self.lead is not None and bool(self.task_text)


def trailing_when(text: str) -> tuple[str, str]:
    """`Họp giao ban 10/12 14:00` → (`Họp giao ban`, `10/12 14:00`): the longest trailing date."""
    words = list(re.finditer(r"\S+", text))
    for count in range(min(MAX_DATE_WORDS, len(words) - 1), 0, -1):
        start = words[-count].start()
        tail = text[start:].strip()
        if dates.looks_like_deadline(tail):
            return text[:start].strip(), tail
    return text.strip(), ""


def read_when(text: str, now: datetime, tz: ZoneInfo, calendar=None) -> datetime:
    """A meeting's start: a date with a time of day (a meeting has no end-of-day default);
    `calendar`: the committee's working calendar, for "N ngày làm việc" (issue 17)."""
    when = dates.parse_deadline(text, now, tz, calendar)
    if not _HAS_CLOCK.search(dates.fold_text(text)):
        raise DomainError("meeting.no_time", text=" ".join(text.split()))
    return when


def read_new_meeting(text: str, now: datetime, tz: ZoneInfo, calendar=None) -> NewMeeting:
    """`<title> <date time> [tại <place>]` on the first line; further lines are agenda lines
    (`calendar`: the committee's, for "N ngày làm việc")."""
    first, _, more = text.strip().partition("\n")
    first = " ".join(first.split())
    if not first:
        raise DomainError("meeting.usage")
    head, place = first, ""
    for found in reversed(list(_PLACE.finditer(first))):
        before = first[: found.start()]
        if trailing_when(before)[1]:
            head, place = before, first[found.end() :].strip()
            break
    title, when_text = trailing_when(head)
    if not when_text:
        raise DomainError("meeting.no_date")
    if not title:
        raise DomainError("meeting.no_title")
    if len(title) > MAX_TITLE:
        raise DomainError("common.too_long", limit=MAX_TITLE)
    if len(place) > MAX_TITLE:
        raise DomainError("common.too_long", limit=MAX_TITLE)
    start = read_when(when_text, now, tz, calendar)
    agenda = tuple(line for line in (_BULLET.sub("", x).strip() for x in more.splitlines()) if line)
    if any(len(line) > MAX_TEXT for line in agenda):
        raise DomainError("common.too_long", limit=MAX_TEXT)
    return NewMeeting(title, start, place, agenda)


def read_conclusions(text: str, now: datetime, tz: ZoneInfo, calendar=None) -> list[ConclusionLine]:
    """Every non-empty line of `/conclude`, read (a bad line carries its error, the rest stand)."""
    lines = [line for line in text.splitlines() if _BULLET.sub("", line).strip()]
    return [read_line(line, now, tz, calendar) for line in lines]


def read_line(raw: str, now: datetime, tz: ZoneInfo, calendar=None) -> ConclusionLine:
    """`- @a chủ trì, @b phối hợp: <title> hạn <date>`, `@a <title> hạn <date>` or plain text."""
    line = " ".join(_BULLET.sub("", raw).split())
    if len(line) > MAX_TEXT:
        return ConclusionLine(line[:80], error=("common.too_long", {"limit": MAX_TEXT}))
    head, sep, body = line.partition(":")
    if sep and _USERNAME.search(head) and body.strip():
        lead, cooperators = _roles(head)
        body = body.strip()
    else:
        lead, cooperators, body = _leading(line)
    title, when = dates.split_deadline(body)
    title = " ".join(title.split())
    if lead is None or when is None:
        return ConclusionLine(line)  # a conclusion to record, no task
    if not title:
        return ConclusionLine(line, error=("assign.no_title", {}))
    if len(title) > MAX_TITLE:
        return ConclusionLine(line, error=("common.too_long", {"limit": MAX_TITLE}))
    try:
        dates.parse_deadline(when, now, tz, calendar)
    except DomainError as err:
        return ConclusionLine(line, error=(err.key, dict(err.params)))
    return ConclusionLine(line, lead, tuple(cooperators), f"{title} hạn {when}")


def _roles(head: str) -> tuple[str | None, list[str]]:
    """People before the colon: `chủ trì` marks the lead, `phối hợp` the cooperators; unmarked,
    the first named leads."""
    lead, cooperators, unmarked = None, [], []
    for part in re.split(r"[,;]", head):
        names = [n.lower() for n in _USERNAME.findall(part)]
        if not names:
            continue
        if _LEAD_WORDS.search(part) and lead is None:
            lead, names = names[0], names[1:]
            cooperators += names
        elif _COOP_WORDS.search(part):
            cooperators += names
        else:
            unmarked += names
    if lead is None and unmarked:
        lead, unmarked = unmarked[0], unmarked[1:]
    elif lead is None and cooperators:
        lead, cooperators = cooperators[0], cooperators[1:]
    people = [p for p in dict.fromkeys([*cooperators, *unmarked]) if p != lead]
    return lead, people


def _leading(line: str) -> tuple[str | None, list[str], str]:
    """`@a @b <title> …` → (a, [b], title …), as /assign reads its people."""
    names, rest = [], line
    while True:
        found = _USERNAME.match(rest)
        if not found:
            break
        names.append(found[1].lower())
        rest = rest[found.end() :].lstrip(" ,")
    if not names:
        return None, [], line
    return names[0], [n for n in dict.fromkeys(names[1:]) if n != names[0]], rest
