"""Repository of `tasks`, `task_assignees`, `task_notes` and `extension_requests`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, from_db, record, to_db
from storage.items import Item, item_from_row
from storage.values import columns, memoised


@dataclass(frozen=True)
class TaskRecord:
    """A task with its item part, progress and assignees (member ids)."""

    item: Item
    description: str
    progress: int
    started_at: datetime | None
    done_at: datetime | None
    lead_id: int
    cooperator_ids: tuple[int, ...]

    @property
    def assignee_ids(self) -> tuple[int, ...]:
        """Lead first, then cooperators."""
        return (self.lead_id, *self.cooperator_ids)


_task_columns = columns(
    "description", "progress", "started_at", "done_at", "lead_id", "cooperator_ids"
)


def _decode(row) -> TaskRecord:
    """Build a TaskRecord from a `task_rows` view row."""
    data = _task_columns(row)
    data["item"] = item_from_row(row)
    data["started_at"] = from_db(data["started_at"])
    data["done_at"] = from_db(data["done_at"])
    data["cooperator_ids"] = _ids(data["cooperator_ids"])
    return record(TaskRecord, data)


task_from_row = memoised(_decode)  # a TaskRecord from a `task_rows` view row


def _ids(text: str | None) -> tuple[int, ...]:
    """Member ids from `json_group_array` (`[]`, the usual case, without the JSON decoder)."""
    return tuple(json.loads(text)) if text and text != "[]" else ()


class TaskRepo:
    """SQL for tasks."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def meetings_of(self, item_ids: list[int]) -> dict[int, int]:
        """Task item id → number of the meeting whose conclusion it came from (issue 15)."""
        rows = await self.db.fetchall(
            "SELECT c.task_item_id, items.number FROM meeting_conclusions c"
            " JOIN items ON items.id = c.item_id"
            " WHERE c.task_item_id IN (SELECT value FROM json_each(?))",
            (json.dumps(item_ids),),
        )
        return {r[0]: r[1] for r in rows}

    async def get(self, item_id: int) -> TaskRecord | None:
        """One task by item id."""
        row = await self.db.fetchone("SELECT * FROM task_rows WHERE id = ?", (item_id,))
        return None if row is None else task_from_row(row)

    async def in_committee(
        self,
        committee_id: int,
        *,
        deadline_from: datetime | None = None,
        deadline_to: datetime | None = None,
        statuses: tuple[str, ...] | None = None,
    ) -> list[TaskRecord]:
        """A committee's tasks, optionally by deadline window [from, to) and statuses."""
        rows = await self.db.fetchall(
            "SELECT * FROM task_rows WHERE committee_id = ?"
            " AND (? IS NULL OR deadline >= ?) AND (? IS NULL OR deadline < ?)"
            " AND (? IS NULL OR status IN (SELECT value FROM json_each(?)))"
            " ORDER BY deadline, number",
            (
                committee_id,
                to_db(deadline_from),
                to_db(deadline_from),
                to_db(deadline_to),
                to_db(deadline_to),
                None if statuses is None else 1,
                json.dumps(list(statuses or ())),
            ),
        )
        return [task_from_row(r) for r in rows]

    # ------------------------------------------------------------------ writing (in transactions)
    async def insert(
        self, item_id: int, lead_id: int, cooperator_ids: list[int], description: str
    ) -> None:
        """The task row and its assignees, inside the caller's transaction."""
        await self.db.execute(
            "INSERT INTO tasks (item_id, description) VALUES (?, ?)", (item_id, description)
        )
        await self.set_assignees(item_id, lead_id, cooperator_ids)

    async def set_assignees(self, item_id: int, lead_id: int, cooperator_ids: list[int]) -> None:
        """Replace the lead and cooperators of a task (inside the caller's transaction)."""
        await self.db.execute("DELETE FROM task_assignees WHERE item_id = ?", (item_id,))
        rows = [(item_id, lead_id, 1)] + [(item_id, m, 0) for m in cooperator_ids if m != lead_id]
        await self.db.executemany(
            "INSERT INTO task_assignees (item_id, member_id, is_lead) VALUES (?, ?, ?)", rows
        )

    async def touch(self, item_id: int, now: datetime) -> None:
        """Mark the task's item as changed (when only task columns or assignees changed)."""
        await self.db.execute("UPDATE items SET updated_at = ? WHERE id = ?", (to_db(now), item_id))

    async def update(self, item_id: int, **values: object) -> None:
        """Change progress, started_at, done_at or description."""
        allowed = {"progress", "started_at", "done_at", "description"}
        if set(values) - allowed:
            raise ValueError(f"not a task column: {sorted(set(values) - allowed)}")
        encoded = {k: to_db(v) if isinstance(v, datetime) else v for k, v in values.items()}
        assignments = ", ".join(f"{name} = ?" for name in encoded)
        await self.db.execute(
            f"UPDATE tasks SET {assignments} WHERE item_id = ?",  # noqa: S608 - names checked
            (*encoded.values(), item_id),
        )

    async def add_note(
        self, item_id: int, user_id: int | None, percent: int | None, note: str, now
    ) -> None:
        """A dated progress note."""
        await self.db.execute(
            "INSERT INTO task_notes (item_id, user_id, percent, note, at) VALUES (?, ?, ?, ?, ?)",
            (item_id, user_id, percent, note, to_db(now)),
        )

    async def last_percent(self, item_id: int) -> int:
        """The latest percentage reported in a progress note (0 if none)."""
        value = await self.db.fetchval(
            "SELECT percent FROM task_notes WHERE item_id = ? AND percent IS NOT NULL"
            " ORDER BY id DESC LIMIT 1",
            (item_id,),
        )
        return int(value or 0)

    async def notes(self, item_id: int) -> list[TaskNote]:
        """A task's progress notes, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM task_notes WHERE item_id = ? ORDER BY id", (item_id,)
        )
        return [
            TaskNote(r["id"], r["user_id"], r["percent"], r["note"], from_db(r["at"])) for r in rows
        ]

    # ------------------------------------------------------------------ people's tasks
    async def of_member(
        self, member_id: int, statuses: tuple[str, ...] = ("open", "in_progress")
    ) -> list[TaskRecord]:
        """Tasks where a seat is lead or cooperator, by deadline."""
        rows = await self.db.fetchall(
            "SELECT * FROM task_rows WHERE id IN"
            " (SELECT item_id FROM task_assignees WHERE member_id = ?)"
            " AND status IN (SELECT value FROM json_each(?)) ORDER BY deadline, number",
            (member_id, json.dumps(list(statuses))),
        )
        return [task_from_row(r) for r in rows]

    async def of_user(
        self, user_id: int, statuses: tuple[str, ...] = ("open", "in_progress")
    ) -> list[TaskRecord]:
        """Tasks of a Telegram user across all committees where they hold an active seat."""
        rows = await self.db.fetchall(
            "SELECT * FROM task_rows WHERE id IN (SELECT a.item_id FROM task_assignees a"
            " JOIN members m ON m.id = a.member_id WHERE m.user_id = ? AND m.active = 1)"
            " AND status IN (SELECT value FROM json_each(?)) ORDER BY deadline, number",
            (user_id, json.dumps(list(statuses))),
        )
        return [task_from_row(r) for r in rows]

    # ------------------------------------------------------------------ extension requests
    async def add_extension(
        self,
        item_id: int,
        requested_by: int,
        old: datetime | None,
        new: datetime,
        reason: str,
        now: datetime,
    ) -> int:
        """A pending extension request; returns its id."""
        return await self.db.execute(
            "INSERT INTO extension_requests (item_id, requested_by, old_deadline, new_deadline,"
            " reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, requested_by, to_db(old), to_db(new), reason, to_db(now)),
        )

    async def pending_extension(self, item_id: int) -> ExtensionRequest | None:
        """The open extension request of a task, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM extension_requests WHERE item_id = ? AND status = 'pending'"
            " ORDER BY id DESC LIMIT 1",
            (item_id,),
        )
        return None if row is None else _extension(row)

    async def extension(self, request_id: int) -> ExtensionRequest | None:
        """An extension request by id."""
        row = await self.db.fetchone("SELECT * FROM extension_requests WHERE id = ?", (request_id,))
        return None if row is None else _extension(row)

    async def decide_extension(
        self, request_id: int, status: str, decided_by: int | None, reason: str, now
    ) -> None:
        """Approve or reject a pending request."""
        await self.db.execute(
            "UPDATE extension_requests SET status = ?, decided_by = ?, decided_at = ?,"
            " decision_reason = ? WHERE id = ? AND status = 'pending'",
            (status, decided_by, to_db(now), reason, request_id),
        )

    async def set_extension_message(self, request_id: int, message_id: int) -> None:
        """Remember the group message that carries the Approve/Reject buttons."""
        await self.db.execute(
            "UPDATE extension_requests SET message_id = ? WHERE id = ?", (message_id, request_id)
        )


@dataclass(frozen=True)
class TaskNote:
    """A dated progress note."""

    id: int
    user_id: int | None
    percent: int | None
    note: str
    at: datetime


@dataclass(frozen=True)
class ExtensionRequest:
    """An assignee's request to move a deadline, and its decision."""

    id: int
    item_id: int
    requested_by: int
    old_deadline: datetime | None
    new_deadline: datetime
    reason: str
    status: str
    decided_by: int | None
    decided_at: datetime | None
    decision_reason: str | None
    message_id: int | None


def _extension(row) -> ExtensionRequest:
    return ExtensionRequest(
        id=row["id"],
        item_id=row["item_id"],
        requested_by=row["requested_by"],
        old_deadline=from_db(row["old_deadline"]),
        new_deadline=from_db(row["new_deadline"]),
        reason=row["reason"],
        status=row["status"],
        decided_by=row["decided_by"],
        decided_at=from_db(row["decided_at"]),
        decision_reason=row["decision_reason"],
        message_id=row["message_id"],
    )
