"""Read-only SQL for review reports and exports: consultations, votes, answers, ballots, history.

Tasks are read through `TaskRepo`; this module reads the other features' tables directly (the schema
in `storage/migrations` is the contract). A period is a half-open UTC window `[start, end)` on an
item's deadline (an item without one counts by its creation time); `None` bounds mean "all time".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage import responses
from storage.consultations import (
    SELECT_CONSULTATION,
    Consultation,
    Opinion,
    consultation_from_row,
    opinion_from_row,
)
from storage.db import Database, from_db, to_db
from storage.votes import SELECT_VOTE, Ballot, Vote, ballot_from_row, vote_from_row


@dataclass(frozen=True)
class ItemTrail:
    """What happened to an item: changes recorded, the last one, notes and extension requests."""

    changes: int
    last_action: str | None
    last_at: datetime | None
    notes: int
    extensions: int
    extensions_approved: int


def _window(start: datetime | None, end: datetime | None) -> tuple:
    return (to_db(start), to_db(start), to_db(end), to_db(end))


_IN_WINDOW = (
    " AND (? IS NULL OR COALESCE(items.deadline, items.created_at) >= ?)"
    " AND (? IS NULL OR COALESCE(items.deadline, items.created_at) < ?)"
    " ORDER BY items.number"
)


def _ids(ids: list[int]) -> str:
    return json.dumps(list(ids))


class ReportRepo:
    """Queries behind `/report` and `/export` (nothing here writes)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def consultations(
        self, committee_id: int, start: datetime | None, end: datetime | None
    ) -> list[Consultation]:
        """Consultations of a committee in the window, by number."""
        rows = await self.db.fetchall(
            SELECT_CONSULTATION + " WHERE items.committee_id = ?" + _IN_WINDOW,
            (committee_id, *_window(start, end)),
        )
        return [consultation_from_row(r) for r in rows]

    async def votes(
        self, committee_id: int, start: datetime | None, end: datetime | None
    ) -> list[Vote]:
        """Motions and polls of a committee in the window, by number."""
        rows = await self.db.fetchall(
            SELECT_VOTE + " WHERE items.committee_id = ?" + _IN_WINDOW,
            (committee_id, *_window(start, end)),
        )
        return [vote_from_row(r) for r in rows]

    async def opinions(self, item_ids: list[int]) -> tuple[list[Opinion], frozenset[int]]:
        """Every answer on these consultations (history, oldest first per item) and the ids of
        the current ones (view `current_opinions`)."""
        rows = await self.db.fetchall(
            "SELECT * FROM opinions WHERE item_id IN (SELECT value FROM json_each(?))"
            " ORDER BY item_id, id",
            (_ids(item_ids),),
        )
        current = await responses.current_opinion_ids(self.db, item_ids)
        return [opinion_from_row(r) for r in rows], current

    async def ballots(self, item_ids: list[int]) -> tuple[list[Ballot], frozenset[int]]:
        """Every ballot on these votes (history, late ones included, oldest first per item) and
        the ids of the current ones (view `current_ballots`)."""
        rows = await self.db.fetchall(
            "SELECT * FROM ballots WHERE item_id IN (SELECT value FROM json_each(?))"
            " ORDER BY item_id, id",
            (_ids(item_ids),),
        )
        current = await responses.current_ballot_ids(self.db, item_ids)
        return [ballot_from_row(r) for r in rows], current

    async def electorates(self, item_ids: list[int]) -> dict[int, list[int]]:
        """Member ids counted on each item (view `electorate`)."""
        return await responses.electorates(self.db, item_ids)

    async def trails(self, item_ids: list[int]) -> dict[int, ItemTrail]:
        """A history summary per item: audit entries, progress notes, extension requests."""
        rows = await self.db.fetchall(
            "SELECT j.value AS item_id,"
            " (SELECT COUNT(*) FROM audit_log a WHERE a.item_id = j.value) AS changes,"
            " (SELECT a.action || ' ' || a.at FROM audit_log a WHERE a.item_id = j.value"
            "   ORDER BY a.id DESC LIMIT 1) AS last,"
            " (SELECT COUNT(*) FROM task_notes n WHERE n.item_id = j.value) AS notes,"
            " (SELECT COUNT(*) FROM extension_requests e WHERE e.item_id = j.value) AS ext,"
            " (SELECT COUNT(*) FROM extension_requests e WHERE e.item_id = j.value"
            "   AND e.status = 'approved') AS approved"
            " FROM json_each(?) j",
            (_ids(item_ids),),
        )
        trails = {}
        for r in rows:
            action, _, at = (r["last"] or "").rpartition(" ")
            trails[r["item_id"]] = ItemTrail(
                r["changes"],
                action or None,
                from_db(at or None),
                r["notes"],
                r["ext"],
                r["approved"],
            )
        return trails

    async def item_numbers(self, item_ids: list[int]) -> dict[int, int]:
        """#N of each item id."""
        rows = await self.db.fetchall(
            "SELECT id, number FROM items WHERE id IN (SELECT value FROM json_each(?))",
            (_ids(sorted(set(item_ids))),),
        )
        return {r["id"]: r["number"] for r in rows}
