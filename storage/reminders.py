"""Repository of `reminders` (the digest rows' own queries live in `storage.digest`).

A reminder row is due while `sent_at` and `cancelled_at` are NULL; the partial index
`reminders_due` holds exactly those rows, so the sweep reads only what is due.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, from_db, to_db


@dataclass(frozen=True)
class Reminder:
    """One planned message."""

    id: int
    committee_id: int
    item_id: int | None
    kind: str
    seq: int
    deadline: datetime | None
    planned_at: datetime
    due_at: datetime
    text: str
    created_by: int | None
    created_at: datetime
    sent_at: datetime | None
    late: bool
    recipients: tuple[int, ...]
    cancelled_at: datetime | None
    cancel_reason: str | None
    attempts: int


def _row(row) -> Reminder:
    return Reminder(
        id=row["id"],
        committee_id=row["committee_id"],
        item_id=row["item_id"],
        kind=row["kind"],
        seq=row["seq"],
        deadline=from_db(row["deadline"]),
        planned_at=from_db(row["planned_at"]),
        due_at=from_db(row["due_at"]),
        text=row["text"],
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        sent_at=from_db(row["sent_at"]),
        late=bool(row["late"]),
        recipients=tuple(json.loads(row["recipients"])),
        cancelled_at=from_db(row["cancelled_at"]),
        cancel_reason=row["cancel_reason"],
        attempts=row["attempts"],
    )


INSERT_REMINDER = (
    "INSERT INTO reminders (committee_id, item_id, kind, seq, deadline, planned_at, due_at,"
    " text, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class ReminderRepo:
    """SQL for reminders."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, reminder_id: int) -> Reminder | None:
        """One row by id."""
        row = await self.db.fetchone("SELECT * FROM reminders WHERE id = ?", (reminder_id,))
        return None if row is None else _row(row)

    async def for_item(self, item_id: int) -> list[Reminder]:
        """Every row of an item, in planned order (for tests and /show)."""
        rows = await self.db.fetchall(
            "SELECT * FROM reminders WHERE item_id = ? ORDER BY planned_at, id", (item_id,)
        )
        return [_row(r) for r in rows]

    async def sync_item(
        self,
        committee_id: int,
        item_id: int,
        deadline: datetime | None,
        plans: list,
        now: datetime,
        *,
        keep_due: bool = True,
    ) -> None:
        """Make the item's unsent rows exactly `plans` (Plan: at, kind, seq); keep what matches.

        A plan already sent for the same deadline is not planned again; unsent rows no plan
        matches are cancelled — except, with `keep_due`, rows for this deadline that are already
        due: they belong to the sweep, which checks them itself. Running it twice changes nothing.
        """
        wanted_deadline = to_db(deadline)
        # Most replans (a progress report, a note) change nothing: find that out with one read,
        # without taking the write lock (bench/RESULTS.md, per-update cost).
        rows = await self.db.fetchall(_ITEM_ROWS, (item_id,))
        if not any(_sync_changes(rows, plans, wanted_deadline, now, keep_due)):
            return
        async with self.db.transaction():
            rows = await self.db.fetchall(_ITEM_ROWS, (item_id,))
            moves, inserts, dropped = _sync_changes(rows, plans, wanted_deadline, now, keep_due)
            for row_id, at in moves:
                await self.db.execute(
                    "UPDATE reminders SET planned_at = ?, due_at = ? WHERE id = ?",
                    (at, at, row_id),
                )
            for plan, at in inserts:
                await self.db.execute(
                    INSERT_REMINDER,
                    (
                        committee_id,
                        item_id,
                        plan.kind,
                        plan.seq,
                        wanted_deadline,
                        at,
                        at,
                        "",
                        None,
                        to_db(now),
                    ),
                )
            if dropped:
                await self.db.execute(
                    "UPDATE reminders SET cancelled_at = ?, cancel_reason = 'replanned'"
                    " WHERE id IN (SELECT value FROM json_each(?))",
                    (to_db(now), json.dumps(dropped)),
                )

    async def due(
        self, now: datetime, limit: int, after: tuple[datetime, int] | None = None
    ) -> list[Reminder]:
        """Due rows in (due_at, id) order, after a keyset cursor; reads the partial index only."""
        after_at, after_id = (to_db(after[0]), after[1]) if after else ("", 0)
        rows = await self.db.fetchall(
            "SELECT * FROM reminders INDEXED BY reminders_due WHERE sent_at IS NULL"
            " AND cancelled_at IS NULL AND due_at <= ?"
            " AND (due_at > ? OR (due_at = ? AND id > ?)) ORDER BY due_at, id LIMIT ?",
            (to_db(now), after_at, after_at, after_id, limit),
        )
        return [_row(r) for r in rows]

    async def superseded(self, reminder: Reminder, now: datetime) -> bool:
        """Whether a later-planned reminder of the same item is also due (send only that one)."""
        return bool(
            await self.db.fetchval(
                "SELECT EXISTS (SELECT 1 FROM reminders WHERE item_id = ? AND sent_at IS NULL"
                " AND cancelled_at IS NULL"
                " AND kind != 'adhoc' AND due_at <= ? AND (planned_at > ? OR"
                " (planned_at = ? AND id > ?)))",
                (
                    reminder.item_id,
                    to_db(now),
                    to_db(reminder.planned_at),
                    to_db(reminder.planned_at),
                    reminder.id,
                ),
            )
        )

    async def mark_sent(
        self,
        reminder_id: int,
        now: datetime,
        *,
        late: bool,
        recipients: list[int],
        message_id: int | None,
    ) -> None:
        """Record that the group message went out."""
        await self.db.execute(
            "UPDATE reminders SET sent_at = ?, late = ?, recipients = ?, message_id = ?"
            " WHERE id = ? AND sent_at IS NULL",
            (to_db(now), int(late), json.dumps(recipients), message_id, reminder_id),
        )

    async def cancel(self, reminder_id: int, now: datetime, reason: str) -> None:
        """Never send this row."""
        await self.db.execute(
            "UPDATE reminders SET cancelled_at = ?, cancel_reason = ? WHERE id = ?"
            " AND sent_at IS NULL AND cancelled_at IS NULL",
            (to_db(now), reason, reminder_id),
        )

    async def defer(self, reminder_id: int, due_at: datetime, planned_at: datetime) -> None:
        """Take the row later (quiet hours, a non-working day)."""
        await self.db.execute(
            "UPDATE reminders SET due_at = ?, planned_at = ? WHERE id = ?",
            (to_db(due_at), to_db(planned_at), reminder_id),
        )

    async def failed(self, reminder_id: int, error: str, retry_at: datetime) -> None:
        """Count a failed attempt and try again at `retry_at`."""
        await self.db.execute(
            "UPDATE reminders SET attempts = attempts + 1, last_error = ?, due_at = ? WHERE id = ?",
            (error[:500], to_db(retry_at), reminder_id),
        )

    async def overdue_state(self, item_id: int, deadline: datetime) -> tuple[int, datetime | None]:
        """How many overdue reminders went out for this deadline, and when the last one went
        out or was refused for good (the next one follows the next morning either way)."""
        row = await self.db.fetchone(
            "SELECT COUNT(sent_at), MAX(COALESCE(sent_at, cancelled_at)) FROM reminders"
            " WHERE item_id = ? AND kind = 'task_overdue' AND deadline = ?"
            " AND (sent_at IS NOT NULL OR cancel_reason = 'undeliverable')",
            (item_id, to_db(deadline)),
        )
        return int(row[0]), from_db(row[1])

    # ------------------------------------------------------------------ ad-hoc
    async def add_adhoc(
        self, committee_id: int, at: datetime, text: str, user_id: int, now: datetime
    ) -> Reminder:
        """Insert an ad-hoc reminder with the committee's next number."""
        async with self.db.transaction():
            number = await self.db.fetchval(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM reminders"
                " WHERE committee_id = ? AND kind = 'adhoc'",
                (committee_id,),
            )
            reminder_id = await self.db.execute(
                INSERT_REMINDER,
                (
                    committee_id,
                    None,
                    "adhoc",
                    number,
                    None,
                    to_db(at),
                    to_db(at),
                    text,
                    user_id,
                    to_db(now),
                ),
            )
        return await self.get(reminder_id)

    async def resume_adhoc(self, committee_id: int, now: datetime) -> int:
        """Unsent ad-hoc reminders of the committee whose planned moment has passed are due now
        (the bot is back in the group); returns how many."""
        return await self.db.execute_rowcount(
            "UPDATE reminders SET due_at = ? WHERE committee_id = ? AND kind = 'adhoc'"
            " AND sent_at IS NULL AND cancelled_at IS NULL AND planned_at <= ? AND due_at > ?",
            (to_db(now), committee_id, to_db(now), to_db(now)),
        )

    async def adhoc(self, committee_id: int, number: int) -> Reminder | None:
        """Ad-hoc reminder N of a committee."""
        row = await self.db.fetchone(
            "SELECT * FROM reminders WHERE committee_id = ? AND kind = 'adhoc' AND seq = ?",
            (committee_id, number),
        )
        return None if row is None else _row(row)

    async def scheduled(self, committee_id: int, limit: int = 200) -> list[Reminder]:
        """A committee's unsent rows, soonest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM reminders INDEXED BY reminders_scheduled WHERE committee_id = ?"
            " AND sent_at IS NULL AND cancelled_at IS NULL"
            " ORDER BY due_at, id LIMIT ?",
            (committee_id, limit),
        )
        return [_row(r) for r in rows]


_ITEM_ROWS = (
    "SELECT id, kind, seq, deadline, due_at, sent_at FROM reminders"
    " WHERE item_id = ? AND cancelled_at IS NULL"
)


def _sync_changes(
    rows: list, plans: list, wanted_deadline: str | None, now: datetime, keep_due: bool
) -> tuple[list[tuple[int, str]], list[tuple[object, str]], list[int]]:
    """What `sync_item` must do: rows to move (id, at), plans to insert (plan, at), ids to drop."""
    sent = {(r["kind"], r["seq"], r["deadline"]) for r in rows if r["sent_at"]}
    unsent = {(r["kind"], r["seq"], r["deadline"]): r for r in rows if not r["sent_at"]}
    keep: set[int] = set()
    moves, inserts = [], []
    for plan in plans:
        key = (plan.kind, plan.seq, wanted_deadline)
        if key in sent:
            continue
        found = unsent.get(key)
        at = to_db(plan.at)
        if found is not None:
            keep.add(found["id"])
            if found["due_at"] != at:
                moves.append((found["id"], at))
            continue
        inserts.append((plan, at))
    due = {
        r["id"]
        for r in unsent.values()
        if keep_due and r["deadline"] == wanted_deadline and r["due_at"] <= to_db(now)
    }
    dropped = [r["id"] for r in unsent.values() if r["id"] not in keep | due]
    return moves, inserts, dropped
