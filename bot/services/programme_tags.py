"""Reading the programme tag (`ct:<code>`) and the directing document (`theo <số/ký hiệu> ngày
dd/mm/yyyy`) out of a command's first line, before the rest of it is read (issue 17).

The directing document's number must look like one (digits, a slash, a sign: `1234/UBND-KT`,
`125/KH-UBND`), so ordinary uses of "theo" (`theo dõi`, `theo kế hoạch`) stay in the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import dates
from bot.errors import DomainError

MAX_CODE = 30
CODE = re.compile(r"[\w.\-/]{1,30}")
_TAG = re.compile(r"(?:^|(?<=\s))ct:(?P<code>\S*)", re.IGNORECASE)
_DIRECTIVE = re.compile(
    r"(?:^|(?<=\s))(?:theo|per)\s+(?:(?:văn bản|van ban|vb|số|so|no\.?)\s+)?"
    r"(?P<number>[0-9]+/[^\s,;]+)"
    r"(?:\s+(?:ngày|ngay|dated|of)\s+(?P<date>[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Tags:
    """What `extract_tags` found: a programme code and the directing document, if any."""

    code: str | None = None
    doc_number: str | None = None
    doc_date: date | None = None


def check_code(code: str) -> str:
    """A programme code as typed (letters, digits, `.-_/`, at most 30), else a refusal."""
    if not CODE.fullmatch(code):
        raise DomainError("programme.bad_code", code=code, limit=MAX_CODE)
    return code


def extract_tags(
    text: str, now: datetime, tz: ZoneInfo, *, directive: bool = True
) -> tuple[str, Tags]:
    """Take `ct:<code>` and (for tasks, `directive`) `theo <number> [ngày <date>]` out of the
    first line of `text`; return the rest (the first line's spacing tidied, other lines
    untouched) and what was found."""
    first, newline, rest = text.partition("\n")
    code = doc_number = doc_date = None
    tag = _TAG.search(first)
    if tag is not None:
        code = check_code(tag["code"])
        first = first[: tag.start()] + first[tag.end() :]
    found = _DIRECTIVE.search(first) if directive else None
    if found is not None:
        doc_number = found["number"].rstrip(".")
        if found["date"]:
            doc_date = dates.parse_day(found["date"], now, tz)
        first = first[: found.start()] + first[found.end() :]
    if tag is None and found is None:
        return text, Tags()
    return " ".join(first.split()) + newline + rest, Tags(code, doc_number, doc_date)
