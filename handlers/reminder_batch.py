"""The batch composer: everything one committee has due at one moment as one group post (the
weekly digest first when it goes then), and one private message per person across committees.

Pure functions: dispatches in, texts out. Each reminder kind writes its own block and private
line (`handlers.reminder_lines`). A post is split under Telegram's limit only when needed, on
block boundaries, and each message carries the dispatches whose lines it holds, so the sweep
marks each row sent right after the message that carried it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import scheduler
from bot.delivery.split import split_text
from bot.i18n import Html, t
from bot.services.reminder_sweep import Dispatch
from handlers.reminder_lines import lines_of
from storage.committees import Committee
from storage.members import Member

MAX_BUTTON_ROWS = 24  # a private message's keyboard stays readable (Telegram allows 100 buttons)
# The order of blocks in a post: the most urgent first, ad-hoc reminders last.
_RANK = {scheduler.OVERDUE: 0, scheduler.OFFSET: 1, scheduler.PENDING: 2, scheduler.ADHOC: 9}


@dataclass
class Message:
    """One message of a post, and the dispatches to mark sent once it went out."""

    text: str
    marks: list[Dispatch] = field(default_factory=list)


@dataclass(frozen=True)
class Block:
    """One item's (or ad-hoc reminder's) lines in a group post."""

    dispatch: Dispatch
    text: Html


def order(dispatches: Sequence[Dispatch]) -> list[Dispatch]:
    """Blocks in reading order: escalations and overdue tasks first, then by item number."""

    def key(d: Dispatch) -> tuple:
        rank = _RANK.get(d.reminder.kind, 5)  # contributed kinds between pending and ad-hoc
        return (not d.escalate_to, rank, d.item.number if d.item else 0, d.reminder.id)

    return sorted(dispatches, key=key)


def group_post(
    committee: Committee,
    blocks: Sequence[Block],
    digest: tuple[Dispatch, Html] | None = None,
) -> list[Message]:
    """The committee's one post: a lone reminder as it is; several under one heading; with the
    digest, the reminders are its last section."""
    lang = committee.language
    pieces: list[tuple[str, list[Dispatch]]] = []
    if digest is not None:
        pieces.append((digest[1], [digest[0]]))
    heading = None
    if digest is not None and blocks:
        heading = t(lang, "batch.section", count=len(blocks))
    elif len(blocks) > 1:
        heading = t(lang, "batch.header", title=committee.title, count=len(blocks))
    for i, block in enumerate(blocks):
        text = f"{heading}\n\n{block.text}" if i == 0 and heading else block.text
        pieces.append((text, [block.dispatch]))
    return pack(pieces)


def pack(pieces: Sequence[tuple[str, list[Dispatch]]]) -> list[Message]:
    """Join pieces with blank lines into as few messages as Telegram's limits allow."""
    messages: list[Message] = []
    current: Message | None = None
    for text, marks in pieces:
        if current is not None:
            joined = f"{current.text}\n\n{text}"
            if len(split_text(joined)) == 1:
                current = Message(joined, current.marks + marks)
                continue
            messages.append(current)
        parts = split_text(text)
        messages += [Message(part) for part in parts[:-1]]
        current = Message(parts[-1], list(marks))
    if current is not None:
        messages.append(current)
    return messages


@dataclass(frozen=True)
class Entry:
    """One reminder in one person's private message."""

    committee: Committee
    dispatch: Dispatch
    member: Member  # the person's seat in that committee


def private_message(
    entries: Sequence[Entry], lang: str
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """ "Your items today": every reminder concerning the person at this moment, grouped by
    committee, with buttons to act on each."""
    lines: list[str] = [t(lang, "batch.private_header", count=len(entries))]
    rows: list[list[InlineKeyboardButton]] = []
    by_committee: dict[int, list[Entry]] = {}
    for entry in entries:
        by_committee.setdefault(entry.committee.id, []).append(entry)
    for group in by_committee.values():
        lines += ["", t(lang, "batch.private_committee", title=group[0].committee.title)]
        first = True
        for entry in sorted(group, key=_sort_key):
            kind = lines_of(entry.dispatch.reminder.kind)
            if kind.private is None:
                continue
            lines += ([] if first else [""]) + [kind.private(entry.dispatch, entry.member, lang)]
            first = False
            if kind.buttons is not None:
                rows += kind.buttons(entry.dispatch, entry.member, lang)
    if len(rows) > MAX_BUTTON_ROWS:
        rows = rows[:MAX_BUTTON_ROWS]
        lines += ["", t(lang, "batch.private_more")]
    return Html("\n".join(lines)), (InlineKeyboardMarkup(rows) if rows else None)


def _sort_key(entry: Entry) -> tuple:
    d = entry.dispatch
    return (not d.escalate_to, _RANK.get(d.reminder.kind, 5), d.item.number if d.item else 0)


def goes_privately(dispatch: Dispatch) -> bool:
    """Whether the reminder's kind has a private line at all (ad-hoc ones do not)."""
    kind = dispatch.reminder.kind
    return kind != scheduler.DIGEST and lines_of(kind).private is not None
