"""Repository of the `items` table: the common part of tasks, consultations and votes (#N)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, from_db, record, to_db
from storage.values import columns


@dataclass(frozen=True)
class Item:
    """What every numbered item has."""

    id: int
    committee_id: int
    number: int
    kind: str
    title: str
    status: str
    deadline: datetime | None
    document_file_id: str | None
    document_name: str | None
    document_url: str | None
    message_id: int | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


FIELDS = tuple(Item.__dataclass_fields__)
TIME_FIELDS = ("deadline", "created_at", "updated_at", "closed_at")
_item_columns = columns(*FIELDS)


def item_from_row(row) -> Item | None:
    """Build an Item from a row holding the items columns (extra columns are ignored)."""
    if row is None:
        return None
    data = _item_columns(row)
    for name in TIME_FIELDS:
        data[name] = from_db(data[name])
    return record(Item, data)


class ItemRepo:
    """SQL for items."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, item_id: int) -> Item | None:
        """An item by id."""
        return item_from_row(await self.db.fetchone("SELECT * FROM items WHERE id = ?", (item_id,)))

    async def by_number(self, committee_id: int, number: int) -> Item | None:
        """Item #N of a committee."""
        row = await self.db.fetchone(
            "SELECT * FROM items WHERE committee_id = ? AND number = ?",
            (committee_id, number),
        )
        return item_from_row(row)

    async def insert(
        self,
        *,
        committee_id: int,
        number: int,
        kind: str,
        title: str,
        status: str,
        deadline: datetime | None,
        created_by: int | None,
        now: datetime,
        document_file_id: str | None = None,
        document_name: str | None = None,
        document_url: str | None = None,
    ) -> int:
        """Insert inside the caller's transaction; return the new id."""
        return await self.db.execute(
            "INSERT INTO items (committee_id, number, kind, title, status, deadline,"
            " document_file_id, document_name, document_url, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                committee_id,
                number,
                kind,
                title,
                status,
                to_db(deadline),
                document_file_id,
                document_name,
                document_url,
                created_by,
                to_db(now),
                to_db(now),
            ),
        )

    async def update(self, item_id: int, now: datetime, **values: object) -> None:
        """Change title, status, deadline, message_id, closed_at or document fields."""
        allowed = {
            "title",
            "status",
            "deadline",
            "message_id",
            "closed_at",
            "document_file_id",
            "document_name",
            "document_url",
        }
        if set(values) - allowed:
            raise ValueError(f"not an item column: {sorted(set(values) - allowed)}")
        encoded = {k: to_db(v) if isinstance(v, datetime) else v for k, v in values.items()}
        assignments = "".join(f"{name} = ?, " for name in encoded)
        sql = f"UPDATE items SET {assignments}updated_at = ? WHERE id = ?"  # noqa: S608 - names checked
        await self.db.execute(sql, (*encoded.values(), to_db(now), item_id))

    async def open_of_kind(self, committee_id: int, kind: str) -> list[Item]:
        """Items of a kind that are not finished, by deadline."""
        rows = await self.db.fetchall(
            "SELECT * FROM items WHERE committee_id = ? AND kind = ?"
            " AND status NOT IN ('done', 'cancelled', 'closed') ORDER BY deadline, number",
            (committee_id, kind),
        )
        return [item_from_row(r) for r in rows]

    async def due_open(
        self, kind: str, now: datetime, committee_ids: Collection[int] | None = None
    ) -> list[Item]:
        """Open items of a kind whose deadline has passed, in any (or the given) committees.

        Items held for the secretary's decision (the bot was away at their deadline: see
        `storage.recovery`) are not due: they close only when someone decides.
        """
        rows = await self.db.fetchall(
            "SELECT * FROM items WHERE kind = ? AND status = 'open'"
            " AND deadline IS NOT NULL AND deadline <= ?"
            " AND id NOT IN (SELECT item_id FROM held_items WHERE decided_at IS NULL)"
            " ORDER BY deadline",
            (kind, to_db(now)),
        )
        items = [item_from_row(r) for r in rows]
        if committee_ids is None:
            return items
        return [item for item in items if item.committee_id in committee_ids]
