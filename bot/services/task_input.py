"""Reading what people type for tasks: title + deadline, percentages, `<date> <reason>`.

Dates are read only through `bot.dates` (`split_deadline`, `parse_deadline`,
`looks_like_deadline`); this module only decides which words are the date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import dates
from bot.answer_words import read_percent as leading_percent
from bot.errors import DomainError

MAX_TITLE = 300
MAX_NOTE = 2000
MAX_DATE_WORDS = 5  # after `due`/`hạn`, a text this short was meant as a date
_URL = re.compile(r"https?://[^\s<>\"]+")
_DUE = re.compile(r"(?:^|\s)(?:due|deadline|hạn chót|han chot|hạn|han)(?:\s*:\s*|\s+)", re.I)


@dataclass(frozen=True)
class NewTaskText:
    """The parts of `/assign …` after the people: title, deadline, description, a link."""

    title: str
    deadline: datetime
    description: str
    url: str | None


def check_note(text: str) -> str:
    """A note or reason, trimmed, within the length limit."""
    text = text.strip()
    if len(text) > MAX_NOTE:
        raise DomainError("task.note_too_long", limit=MAX_NOTE, length=len(text))
    return text


def read_new_task(text: str, now: datetime, tz: ZoneInfo, workdays=None) -> NewTaskText:
    """`<title> due|hạn <date>` on the first line; further lines are the description
    (`workdays`: the committee's calendar for "N ngày làm việc")."""
    first_line, _, description = text.strip().partition("\n")
    title, when = dates.split_deadline(first_line)
    title = " ".join(title.split())
    if not title:
        raise DomainError("assign.no_title")
    if len(title) > MAX_TITLE:
        raise DomainError("task.title_too_long", limit=MAX_TITLE, length=len(title))
    if when is None:
        _refuse_missing_deadline(first_line)
    deadline = dates.parse_deadline(when, now, tz, workdays)
    url = _URL.search(title)
    return NewTaskText(
        title, deadline, check_note(description), url[0].rstrip(".,;)") if url else None
    )


def _refuse_missing_deadline(line: str) -> None:
    """A short text after `due`/`hạn` was meant as a date: say why it is not one."""
    found = list(_DUE.finditer(line))
    if found:
        rest = line[found[-1].end() :].strip()
        if rest and len(rest.split()) <= MAX_DATE_WORDS - 2:
            raise DomainError("date.invalid", text=" ".join(rest.split()))
    raise DomainError("assign.no_deadline")


def read_percent(text: str) -> int:
    """`50`, `50%`, `50 phần trăm` → 50, only 0…100 (`bot.answer_words.read_percent`)."""
    return leading_percent(text)[0]


def read_date_and_reason(
    text: str, now: datetime, tz: ZoneInfo, workdays=None
) -> tuple[datetime, str]:
    """`<date> <reason>`: the longest leading run of words that reads as a deadline."""
    if not text.split():
        raise DomainError("extend.usage")
    when, reason = dates.leading_deadline(text)
    if not when:
        dates.parse_deadline(text.strip(), now, tz)  # raises, naming what was not understood
    return dates.parse_deadline(when, now, tz, workdays), check_note(reason)
