"""Consultation vocabulary: answers, the standing of a consultation, its timeline, and parsing.

Pure data and functions (no I/O); `bot.services.consultations` holds the rules that touch storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot import dates
from bot.errors import DomainError
from bot.models import ROLE_ORDER, Role
from bot.services.closing import closed_early
from storage.committees import Committee
from storage.consultations import Opinion
from storage.items import Item
from storage.members import Member
from storage.programmes import Programme

KIND = "consultation"
MAX_TITLE = 300
MAX_COMMENT = 2000
DEFAULT_WORKING_DAYS = 5
ANSWERS = ("agree", "agree_with_comments", "disagree")
TEXT_ANSWERS = ("agree_with_comments", "disagree")
AUTO_ANSWERS = ("deemed_agreed", "no_answer")
ANSWER_WORDS = {
    **dict.fromkeys(("agree", "dongy", "đồngý", "yes", "y"), "agree"),
    **dict.fromkeys(("comment", "comments", "gopy", "góp_ý", "gópý"), "agree_with_comments"),
    **dict.fromkeys(("agree_with_comments", "agreewithcomments", "c"), "agree_with_comments"),
    **dict.fromkeys(("disagree", "khongdongy", "khôngđồngý", "no", "n"), "disagree"),
}
SILENCE_WORDS = {
    **dict.fromkeys(("agree", "dongy", "đồngý", "on", "yes"), True),
    **dict.fromkeys(("none", "khong", "không", "off", "no"), False),
}
_FLAG = re.compile(r"(?:^|\s)(?:silence|imlang|im_lang|imlặng)\s*=\s*(\S*)\s*$", re.IGNORECASE)
URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Document:
    """A file attached by replying with /consult to it."""

    file_id: str
    name: str | None


@dataclass(frozen=True)
class Row:
    """One counted member and their current answer (None: not answered yet)."""

    member: Member
    opinion: Opinion | None
    acting: Member | None = None  # the stand-in who gave the current answer (issue 17)

    @property
    def answered(self) -> bool:
        """Whether the member answered themself (automatic rows at close do not count)."""
        return self.opinion is not None and not self.opinion.auto


@dataclass(frozen=True)
class Standing:
    """Where a consultation stands: the item, its rule and every counted member's answer."""

    committee: Committee
    item: Item
    silence_agree: bool
    rows: tuple[Row, ...]
    programme: Programme | None = None  # issue 17: shown on the card

    @property
    def closed(self) -> bool:
        """Whether answers are no longer taken."""
        return self.item.status == "closed"

    @property
    def closed_early(self) -> bool:
        """Closed before its deadline (the silent were recorded as no answer)."""
        return self.closed and closed_early(self.item)

    @property
    def silent_answer(self) -> str:
        """What the silent are (or will be) recorded as: `deemed_agreed` or `no_answer` — the
        automatic rows once closed, else what the silence rule gives at the deadline."""
        auto = [r.opinion.answer for r in self.rows if r.opinion and r.opinion.auto]
        if auto:
            return auto[0]
        return "deemed_agreed" if self.silence_agree and not self.closed_early else "no_answer"

    @property
    def eligible(self) -> int:
        """How many members are counted."""
        return len(self.rows)

    @property
    def answered(self) -> int:
        """How many of them answered."""
        return sum(row.answered for row in self.rows)

    @property
    def pending(self) -> list[Member]:
        """Counted members without an answer (empty once closed: the silent got a row)."""
        return [row.member for row in self.rows if row.opinion is None]

    def count(self, answer: str) -> int:
        """How many current answers are `answer`."""
        return sum(1 for row in self.rows if row.opinion and row.opinion.answer == answer)

    @property
    def remarks(self) -> list[Row]:
        """The rows with a comment or a disagreement, in roster order."""
        return [r for r in self.rows if r.opinion and r.opinion.answer in TEXT_ANSWERS]


def parse_answer(word: str) -> str:
    """`agree|comment|disagree` (or `dongy|gopy|khongdongy`) → the stored answer."""
    answer = ANSWER_WORDS.get(word.strip().lower())
    if answer is None:
        raise DomainError("opinion.usage")
    return answer


def parse_consult(text: str) -> tuple[str, str | None, bool | None]:
    """`<title> [due <date>] [silence=agree|none]` → (title, deadline text, silence rule)."""
    text, silence = _strip_flags(" ".join(text.split()))
    title, due = dates.split_deadline(text)
    title, inner = _strip_flags(title)
    return title.strip(), due, inner if silence is None else silence


def _strip_flags(text: str) -> tuple[str, bool | None]:
    silence = None
    while found := _FLAG.search(text):
        value = SILENCE_WORDS.get(found[1].lower())
        if value is None:
            raise DomainError("consult.bad_silence", value=found[1])
        silence = value if silence is None else silence
        text = text[: found.start()].rstrip()
    return text, silence


def rank(member: Member) -> tuple[int, int]:
    return ROLE_ORDER.index(Role(member.role)), member.id


@dataclass(frozen=True)
class Event:
    """One line of a consultation's history: opened, an answer, closed."""

    at: datetime
    action: str  # "open" | "answer" | "close" | "auto_close"
    member: Member | None = None
    answer: str = ""
    text: str = ""
