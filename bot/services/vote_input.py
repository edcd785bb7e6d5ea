"""Reading `/poll` and `/vote` arguments: question, options, flags, deadline, and the limits."""

from __future__ import annotations

from dataclasses import dataclass

from bot import dates
from bot.errors import DomainError

# Telegram's limits (telegram.constants.PollLimit; tests check these stay within them).
MAX_QUESTION = 300
MAX_OPTION = 100
MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_MOTION = 300
FLAGS = {"multi": "multi", "nhieu": "multi", "anon": "anon", "andanh": "anon"}


@dataclass(frozen=True)
class PollSpec:
    """What `/poll` asked for."""

    question: str
    options: list[str]
    deadline: str | None
    multi: bool
    anonymous: bool


def _strip_flags(text: str, found: set[str]) -> str:
    while True:
        head, _, last = text.rpartition(" ")
        flag = FLAGS.get(dates.fold_text(last))
        if not head.strip() or flag is None:
            return text
        found.add(flag)
        text = head.strip()


def parse_poll(text: str) -> PollSpec:
    """`question | option | option … [due <date>] [multi] [anon]` → PollSpec (limits checked)."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 2 or not parts[0]:
        raise DomainError("poll.usage")
    flags: set[str] = set()
    last, deadline = dates.split_deadline(_strip_flags(parts[-1], flags))
    options = [*parts[1:-1], _strip_flags(last.strip(), flags)]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise DomainError("poll.option_count", low=MIN_OPTIONS, high=MAX_OPTIONS, n=len(options))
    for number, option in enumerate(options, start=1):
        if not option:
            raise DomainError("poll.empty_option", position=number)
        if len(option) > MAX_OPTION:
            raise DomainError("poll.option_too_long", position=number, limit=MAX_OPTION)
    if len(set(options)) < len(options):
        raise DomainError("poll.duplicate_option")
    return PollSpec(parts[0], options, deadline, "multi" in flags, "anon" in flags)


def split_motion(text: str) -> tuple[str, str]:
    """`<motion> due <date>` → (motion, date text); the deadline is required."""
    title, when = dates.split_deadline(text.strip())
    title = title.strip()
    if not title:
        raise DomainError("vote.usage")
    if when is None:
        raise DomainError("vote.no_deadline")
    if len(title) > MAX_MOTION:
        raise DomainError("common.too_long", limit=MAX_MOTION)
    return title, when
