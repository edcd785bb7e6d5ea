"""Closing before the deadline (design §6, issue 13): what the closer is asked first, and how the
silent are recorded.

Silence counts as agreement only once the deadline has passed: a consultation closed earlier
records its silent members as *no answer*, whatever its silence rule. A motion closed early is
still decided over all active voting members, so whoever has not voted yet works as a vote
against. Before such a close the closer confirms an `EarlyClose` question; any item kind can
offer one (collections, meetings) by returning it from its service's `early_close(item)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.items import Item


@dataclass(frozen=True)
class EarlyClose:
    """An item about to close before its deadline while counted members are still silent."""

    item: Item
    pending: int  # counted members who have not answered (or voted, or submitted) yet
    eligible: int  # counted members
    needed: int | None = None  # motions: votes for that pass it (more than half of `eligible`)


def before_deadline(item: Item, moment: datetime) -> bool:
    """Whether `moment` is before the item's deadline (an item without one never is)."""
    return item.deadline is not None and moment < item.deadline


def closed_early(item: Item) -> bool:
    """Whether a closed item was closed before its deadline."""
    return item.closed_at is not None and before_deadline(item, item.closed_at)


def silent_answer(silence_agree: bool, item: Item, closed_at: datetime) -> str:
    """What a silent member is recorded as when the consultation closes at `closed_at`."""
    if silence_agree and not before_deadline(item, closed_at):
        return "deemed_agreed"
    return "no_answer"


def early_close(
    item: Item, now: datetime, pending: int, eligible: int, **extra
) -> EarlyClose | None:
    """The question to ask before closing `item` now, or None (deadline passed, nobody silent)."""
    if item.status != "open" or not before_deadline(item, now) or pending <= 0:
        return None
    return EarlyClose(item, pending, eligible, **extra)
