"""Queries behind the weekly digest (its content, its rows, `digest_posts`) and silent members."""

from __future__ import annotations

import json
from datetime import datetime

from storage import responses
from storage.db import Database, to_db
from storage.items import Item, item_from_row
from storage.members import Member, MemberRepo
from storage.reminders import INSERT_REMINDER, ReminderRepo
from storage.tasks import TaskRecord, task_from_row


class DigestRepo:
    """SQL for digests (every query is bounded by one committee and an indexed column)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def done_between(
        self, committee_id: int, start: datetime, end: datetime
    ) -> list[TaskRecord]:
        """Tasks finished in [start, end)."""
        rows = await self.db.fetchall(
            "SELECT * FROM task_rows WHERE committee_id = ? AND kind = 'task' AND status = 'done'"
            " AND done_at >= ? AND done_at < ? ORDER BY done_at, number",
            (committee_id, to_db(start), to_db(end)),
        )
        return [task_from_row(r) for r in rows]

    async def closed_between(
        self, committee_id: int, start: datetime, end: datetime
    ) -> list[tuple[Item, str | None]]:
        """Consultations and votes closed in [start, end), with a motion's outcome."""
        rows = await self.db.fetchall(
            "SELECT items.*, votes.outcome AS outcome FROM items"
            " LEFT JOIN votes ON votes.item_id = items.id"
            " WHERE items.committee_id = ? AND items.kind IN ('consultation', 'vote')"
            " AND items.status = 'closed' AND items.closed_at >= ? AND items.closed_at < ?"
            " ORDER BY items.closed_at, items.number",
            (committee_id, to_db(start), to_db(end)),
        )
        return [(item_from_row(r), r["outcome"]) for r in rows]

    async def vote_mode(self, item_id: int) -> tuple[str, bool] | None:
        """(mode, anonymous) of a vote, or None when it has no votes row."""
        row = await self.db.fetchone(
            "SELECT mode, anonymous FROM votes WHERE item_id = ?", (item_id,)
        )
        return None if row is None else (row["mode"], bool(row["anonymous"]))

    async def electorates(self, item_ids: list[int]) -> dict[int, list[int]]:
        """Member ids counted on each item (view `electorate`)."""
        return await responses.electorates(self.db, item_ids)

    async def members_by_id(self, ids: list[int]) -> dict[int, Member]:
        """Members by id (inactive ones too: a digest names who led a finished task)."""
        return await MemberRepo(self.db).many(sorted(set(ids)))

    async def open_items(self, committee_id: int) -> list[Item]:
        """Open consultations and votes, by deadline."""
        rows = await self.db.fetchall(
            "SELECT * FROM items WHERE committee_id = ? AND kind IN (SELECT value FROM"
            " json_each(?)) AND status = 'open' ORDER BY deadline IS NULL, deadline, number",
            (committee_id, json.dumps(["consultation", "vote"])),
        )
        return [item_from_row(r) for r in rows]

    # ------------------------------------------------------------------ scheduled digests
    async def plan_digest(self, committee_id: int, at: datetime, seq: int, now: datetime) -> None:
        """Plan the committee's next digest (one unsent digest row per committee at most)."""
        await self.db.execute(
            "INSERT OR IGNORE" + INSERT_REMINDER[len("INSERT") :],
            (committee_id, None, "digest", seq, None, to_db(at), to_db(at), "", None, to_db(now)),
        )

    async def cancel_digests(self, committee_id: int, now: datetime) -> None:
        """Cancel the committee's unsent digest row (its schedule changed)."""
        await self.db.execute(
            "UPDATE reminders SET cancelled_at = ?, cancel_reason = 'replanned'"
            " WHERE committee_id = ? AND kind = 'digest' AND sent_at IS NULL"
            " AND cancelled_at IS NULL",
            (to_db(now), committee_id),
        )

    async def digest_posted(self, committee_id: int, week: str) -> bool:
        """Whether the digest of that week went out already."""
        return bool(
            await self.db.fetchval(
                "SELECT EXISTS (SELECT 1 FROM digest_posts WHERE committee_id = ? AND week = ?)",
                (committee_id, week),
            )
        )

    async def record_digest(
        self, reminder_id: int, committee_id: int, week: str, now: datetime, late: bool, msg: int
    ) -> None:
        """The digest of `week` went out: one transaction marks the row and the week."""
        async with self.db.transaction():
            await self.db.execute(
                "INSERT OR IGNORE INTO digest_posts (committee_id, week, posted_at, late)"
                " VALUES (?, ?, ?, ?)",
                (committee_id, week, to_db(now), int(late)),
            )
            await ReminderRepo(self.db).mark_sent(
                reminder_id, now, late=late, recipients=[], message_id=msg
            )

    async def committees_without_digest(self) -> list[int]:
        """Active committees with a digest schedule but no planned digest."""
        rows = await self.db.fetchall(
            "SELECT id FROM committees c WHERE active = 1 AND digest_weekday IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.committee_id = c.id"
            " AND r.kind = 'digest' AND r.sent_at IS NULL AND r.cancelled_at IS NULL)"
        )
        return [r[0] for r in rows]
