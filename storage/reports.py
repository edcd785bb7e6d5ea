"""Read-only SQL for review reports and exports: consultations, votes, answers, ballots, history.

Tasks are read through `TaskRepo`; this module reads the other features' tables directly (the schema
in `storage/migrations` is the contract). A period is a half-open UTC window `[start, end)` on an
item's deadline (an item without one counts by its creation time); `None` bounds mean "all time".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, from_db, to_db
from storage.items import Item, item_from_row


@dataclass(frozen=True)
class ConsultationRecord:
    """A consultation: its item, silence rule and the voting members counted at close."""

    item: Item
    silence_agree: bool
    eligible_count: int | None
    electorate: frozenset[int] | None = None  # member ids counted at close


@dataclass(frozen=True)
class VoteRecord:
    """A motion or poll: its item and the `votes` row."""

    item: Item
    mode: str
    options: tuple[str, ...]
    multi: bool
    anonymous: bool
    poll_counts: dict | None  # {"counts": [...], "voters": n} from `poll` updates (anonymous)
    eligible_count: int | None
    outcome: str | None
    result: dict | None  # the tally frozen at close: eligible, choices, counts, voters


@dataclass(frozen=True)
class OpinionRecord:
    """One answer row; `current` when it is the member's latest answer on that item."""

    id: int
    item_id: int
    member_id: int
    answer: str
    text: str
    auto: bool
    at: datetime
    current: bool


@dataclass(frozen=True)
class BallotRecord:
    """One ballot row; `choice` decoded from JSON; `current` when it is the voter's latest."""

    id: int
    item_id: int
    member_id: int | None
    user_id: int
    choice: object
    at: datetime
    current: bool
    late: bool  # arrived after close: kept for the record, never counted


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


def _counts(text: str | None) -> dict | None:
    """Poll counts as `{"counts": [...], "voters": n}` (a bare list is read as the counts)."""
    if text is None:
        return None
    value = json.loads(text)
    return {"counts": value, "voters": None} if isinstance(value, list) else value


def _ids(ids: list[int]) -> str:
    return json.dumps(list(ids))


class ReportRepo:
    """Queries behind `/report` and `/export` (nothing here writes)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def consultations(
        self, committee_id: int, start: datetime | None, end: datetime | None
    ) -> list[ConsultationRecord]:
        """Consultations of a committee in the window, by number."""
        rows = await self.db.fetchall(
            "SELECT items.*, c.silence_agree AS c_silence, c.eligible_count AS c_eligible,"
            " c.electorate AS c_electorate"
            " FROM items LEFT JOIN consultations c ON c.item_id = items.id"
            " WHERE items.committee_id = ? AND items.kind = 'consultation'"
            " AND (? IS NULL OR COALESCE(items.deadline, items.created_at) >= ?)"
            " AND (? IS NULL OR COALESCE(items.deadline, items.created_at) < ?)"
            " ORDER BY items.number",
            (committee_id, *_window(start, end)),
        )
        return [
            ConsultationRecord(
                item_from_row(r),
                bool(r["c_silence"]),
                r["c_eligible"],
                None if r["c_electorate"] is None else frozenset(json.loads(r["c_electorate"])),
            )
            for r in rows
        ]

    async def votes(
        self, committee_id: int, start: datetime | None, end: datetime | None
    ) -> list[VoteRecord]:
        """Motions and polls of a committee in the window, by number."""
        rows = await self.db.fetchall(
            "SELECT items.*, v.mode AS v_mode, v.options AS v_options, v.multi AS v_multi,"
            " v.anonymous AS v_anonymous, v.poll_counts AS v_counts,"
            " v.eligible_count AS v_eligible, v.outcome AS v_outcome, v.result AS v_result"
            " FROM items LEFT JOIN votes v ON v.item_id = items.id"
            " WHERE items.committee_id = ? AND items.kind = 'vote'"
            " AND (? IS NULL OR COALESCE(items.deadline, items.created_at) >= ?)"
            " AND (? IS NULL OR COALESCE(items.deadline, items.created_at) < ?)"
            " ORDER BY items.number",
            (committee_id, *_window(start, end)),
        )
        return [
            VoteRecord(
                item=item_from_row(r),
                mode=r["v_mode"] or "motion",
                options=tuple(json.loads(r["v_options"] or "[]")),
                multi=bool(r["v_multi"]),
                anonymous=bool(r["v_anonymous"]),
                poll_counts=_counts(r["v_counts"]),
                eligible_count=r["v_eligible"],
                outcome=r["v_outcome"],
                result=None if r["v_result"] is None else json.loads(r["v_result"]),
            )
            for r in rows
        ]

    async def opinions(self, item_ids: list[int]) -> list[OpinionRecord]:
        """Every answer on these consultations (history included), oldest first per item."""
        rows = await self.db.fetchall(
            "SELECT o.*, o.id = (SELECT MAX(p.id) FROM opinions p"
            " WHERE p.item_id = o.item_id AND p.member_id = o.member_id) AS is_current"
            " FROM opinions o WHERE o.item_id IN (SELECT value FROM json_each(?))"
            " ORDER BY o.item_id, o.id",
            (_ids(item_ids),),
        )
        return [
            OpinionRecord(
                r["id"],
                r["item_id"],
                r["member_id"],
                r["answer"],
                r["text"],
                bool(r["auto"]),
                from_db(r["at"]),
                bool(r["is_current"]),
            )
            for r in rows
        ]

    async def ballots(self, item_ids: list[int]) -> list[BallotRecord]:
        """Every ballot on these votes (history included), oldest first per item."""
        rows = await self.db.fetchall(
            "SELECT b.*, b.late = 0 AND b.id = (SELECT MAX(c.id) FROM ballots c"
            " WHERE c.item_id = b.item_id AND c.user_id = b.user_id AND c.late = 0) AS is_current"
            " FROM ballots b WHERE b.item_id IN (SELECT value FROM json_each(?))"
            " ORDER BY b.item_id, b.id",
            (_ids(item_ids),),
        )
        return [
            BallotRecord(
                r["id"],
                r["item_id"],
                r["member_id"],
                r["user_id"],
                json.loads(r["choice"]),
                from_db(r["at"]),
                bool(r["is_current"]),
                bool(r["late"]),
            )
            for r in rows
        ]

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
