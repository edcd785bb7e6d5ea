"""Recurring items: the `every month|quarter|year [on <day>]` suffix (`hằng tháng`, `hằng quý`,
`hằng năm`, `ngày 15`) and the deadline of each occurrence in the committee's calendar.

Occurrence k's deadline is computed from the series' anchor (occurrence 0's local date and time),
never from the previous occurrence, so a deadline moved off a day off never drifts the series:
the anchor's month plus k steps, on `on_day` (or the anchor's day), clamped to the month's length,
then moved to the next working day. Only the suffix is read here; dates go through `bot.dates`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.dates import fold_text, local_to_utc
from bot.errors import DomainError
from bot.services.settings import CommitteeConfig

MONTHS = {"month": 1, "quarter": 3, "year": 12}
_UNIT_WORDS = {
    "month": "month", "monthly": "month", "thang": "month",
    "quarter": "quarter", "quarterly": "quarter", "quy": "quarter",
    "year": "year", "yearly": "year", "annually": "year", "nam": "year",
}  # fmt: skip
_LEAD_WORDS = frozenset({"every", "each", "hang", "moi"})
_ON_WORDS = frozenset({"on", "vao", "ngay", "day", "the"})


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats: every `every` (month, quarter, year), on day `on_day` if given."""

    every: str
    on_day: int | None = None


def split_recurrence(text: str) -> tuple[str, Recurrence | None]:
    """`Báo cáo quý hạn 15/01 hằng quý ngày 15` → (`Báo cáo quý hạn 15/01`, quarter on 15)."""
    words = text.split()
    folded = [fold_text(w).strip(".,;") for w in words]
    on_day = None
    end = len(words)
    if end >= 2 and folded[-1].isascii() and folded[-1].isdigit():
        # `on 15`, `vào ngày 15`, `ngày 15`
        start = end - 1
        while start > 0 and folded[start - 1] in _ON_WORDS:
            start -= 1
        if start < end - 1:
            on_day, end = int(folded[-1]), start
    if end >= 2 and folded[end - 1] in _UNIT_WORDS and folded[end - 2] in _LEAD_WORDS:
        every = _UNIT_WORDS[folded[end - 1]]
        if on_day is not None and not 1 <= on_day <= 31:
            raise DomainError("recurring.bad_day", day=on_day)
        return " ".join(words[: end - 2]), Recurrence(every, on_day)
    if end >= 1 and folded[end - 1] in {"monthly", "quarterly", "yearly", "annually"}:
        return " ".join(words[: end - 1]), Recurrence(_UNIT_WORDS[folded[end - 1]], on_day)
    return text, None


def shift_months(day: date, months: int, on_day: int | None = None) -> date:
    """`day` moved by `months`, on `on_day` (default its own day), clamped to the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(on_day or day.day, last))


def occurrence_deadline(
    anchor: date, at: time, rule: Recurrence, seq: int, cfg: CommitteeConfig
) -> datetime:
    """The deadline of occurrence `seq` (0 = the anchor), as an aware UTC moment."""
    if seq == 0:
        day = anchor
    else:
        day = shift_months(anchor, MONTHS[rule.every] * seq, rule.on_day)
        day = cfg.calendar.on_or_after(day)  # the committee's calendar (holidays, days off)
    return local_to_utc(day, at, cfg.tz)


def next_after(
    anchor: date, at: time, rule: Recurrence, seq: int, now: datetime, cfg: CommitteeConfig
) -> tuple[int, datetime]:
    """The occurrence after `seq` whose deadline is still ahead of `now` (a period the bot
    missed entirely is skipped, not created late): (its seq, its deadline)."""
    seq += 1
    deadline = occurrence_deadline(anchor, at, rule, seq, cfg)
    while deadline <= now:
        seq += 1
        deadline = occurrence_deadline(anchor, at, rule, seq, cfg)
    return seq, deadline
