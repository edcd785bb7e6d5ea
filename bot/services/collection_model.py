"""Collection vocabulary: the standing of a collection (who sent what, on time or late), the
zip's file names, and reading `/collect` — pure data and functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot import dates
from bot.recurrence import Recurrence, split_recurrence
from bot.services.consultation_model import rank
from bot.services.flow_programmes import STEP as PROGRAMME
from bot.services.flow_programmes import tagged
from bot.services.flows import FlowSpec, Outcome, Step, declare
from storage.collections import Collection, Submission
from storage.committees import Committee
from storage.items import Item
from storage.members import Member
from storage.programmes import Programme

KIND = "collection"
MAX_TITLE = 300
GRACE_WORKING_DAYS = 5  # late files are taken this many working days after the deadline
_MENTION = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

__all__ = ["KIND", "CollectText", "Row", "Standing", "rank", "read_collect", "zip_names"]


@dataclass(frozen=True)
class Row:
    """One recipient, their current submission (None: not sent) and how many files they sent."""

    member: Member
    submission: Submission | None
    sent_count: int = 0

    @property
    def state(self) -> str:
        """`on_time`, `late` or `missing`."""
        if self.submission is None:
            return "missing"
        return "late" if self.submission.late else "on_time"


@dataclass(frozen=True)
class Standing:
    """Where a collection stands."""

    committee: Committee
    item: Item
    collection: Collection
    rows: tuple[Row, ...]
    series_every: str | None = None  # the series' rule when the item recurs
    programme: Programme | None = None  # issue 17: shown on the card

    @property
    def closed(self) -> bool:
        """Whether files are no longer taken."""
        return self.item.status == "closed"

    @property
    def asked(self) -> int:
        """How many recipients."""
        return len(self.rows)

    @property
    def sent(self) -> int:
        """How many recipients have a current submission."""
        return sum(row.submission is not None for row in self.rows)

    @property
    def senders(self) -> list[Row]:
        """Rows with a submission, in roster order."""
        return [row for row in self.rows if row.submission is not None]

    @property
    def pending(self) -> list[Member]:
        """Recipients who have not sent."""
        return [row.member for row in self.rows if row.submission is None]

    def count(self, state: str) -> int:
        """How many rows are in `state` (on_time, late, missing)."""
        return sum(row.state == state for row in self.rows)


@dataclass(frozen=True)
class CollectText:
    """`/collect` read: title, deadline text, the @usernames named, the recurrence."""

    title: str
    due: str | None
    usernames: tuple[str, ...]
    recurrence: Recurrence | None


def read_collect(text: str) -> CollectText:
    """`<title> due <date> [every quarter [on 15]] [@a @b …]` (mentions and the suffix in any
    order at the end)."""
    words = " ".join(text.split()).split(" ") if text.strip() else []
    usernames: list[str] = []
    recurrence = None
    changed = True
    while words and changed:
        changed = False
        while words and _MENTION.fullmatch(words[-1]):
            usernames.insert(0, words.pop()[1:].lower())
            changed = True
        if recurrence is None:
            rest, found = split_recurrence(" ".join(words))
            if found is not None:
                recurrence, words, changed = found, rest.split(), True
    title, due = dates.split_deadline(" ".join(words))
    return CollectText(" ".join(title.split()), due, tuple(usernames), recurrence)


def zip_names(rows: list[Row]) -> dict[int, str]:
    """Member id → `<agency> - <original name>` for the archive, unique and path-safe."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for row in rows:
        sub = row.submission
        if sub is None:
            continue
        agency = row.member.agency or row.member.display_name
        base = _UNSAFE.sub("_", f"{agency} - {sub.file.name}").strip() or f"file-{sub.id}"
        name, n = base, 2
        while name.lower() in taken:
            stem, dot, ext = base.rpartition(".")
            name = f"{stem} ({n}).{ext}" if dot and stem else f"{base} ({n})"
            n += 1
        taken.add(name.lower())
        names[row.member.id] = name
    return names


def ordered(rows: list[Row]) -> tuple[Row, ...]:
    """Rows in roster order (role, then seat)."""
    return tuple(sorted(rows, key=lambda r: rank(r.member)))


def on_time(at: datetime, deadline: datetime | None) -> bool:
    """Whether a file sent at `at` meets the deadline."""
    return deadline is None or at <= deadline


def _compose(answers: dict, members: dict) -> Outcome:
    """The guided flow's answers as `/collect [ct:<code>] <title> hạn <date>` (every member is
    asked; the programme step only when the committee has programmes)."""
    return Outcome(
        KIND_FLOW, text=tagged(answers, f"{answers['title']} hạn {answers['deadline']['text']}")
    )


KIND_FLOW = "collect"
FLOW = declare(
    FlowSpec(
        KIND_FLOW,
        (Step("title", "text", limit=MAX_TITLE), Step("deadline", "when"), PROGRAMME),
        _compose,
    )
)
