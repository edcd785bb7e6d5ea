"""Repository of `tasks`, `task_assignees`, `task_notes` and `extension_requests`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, from_db, to_db
from storage.items import Item, item_from_row


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


def task_from_row(row) -> TaskRecord:
    """Build a TaskRecord from a `task_rows` view row."""
    return TaskRecord(
        item=item_from_row(row),
        description=row["description"],
        progress=row["progress"],
        started_at=from_db(row["started_at"]),
        done_at=from_db(row["done_at"]),
        lead_id=row["lead_id"],
        cooperator_ids=tuple(json.loads(row["cooperator_ids"] or "[]")),
    )


class TaskRepo:
    """SQL for tasks."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
