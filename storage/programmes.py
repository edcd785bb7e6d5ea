"""Repository of `programmes`, `item_programmes` and `task_directives` (issue 17)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Database, to_db


@dataclass(frozen=True)
class Programme:
    """A programme or plan of a committee: its code and name."""

    id: int
    committee_id: int
    code: str
    name: str
    archived: bool = False  # removed while items carried it: kept for them, no new tags


@dataclass(frozen=True)
class Directive:
    """The document that directed a task: its number (số/ký hiệu) and date."""

    number: str
    issued_on: date | None


def _programme(row) -> Programme | None:
    if row is None:
        return None
    return Programme(
        row["id"], row["committee_id"], row["code"], row["name"], row["archived_at"] is not None
    )


class ProgrammeRepo:
    """SQL for programmes and the tags of items."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, committee_id: int, code: str, name: str, user_id: int | None, now: datetime
    ) -> int:
        """Insert a programme; return its id."""
        return await self.db.execute(
            "INSERT INTO programmes (committee_id, code, name, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (committee_id, code, name, user_id, to_db(now)),
        )

    async def rename(self, programme_id: int, name: str) -> None:
        """Give a programme a new name."""
        await self.db.execute("UPDATE programmes SET name = ? WHERE id = ?", (name, programme_id))

    async def delete(self, programme_id: int) -> None:
        """Delete a programme no item carries."""
        await self.db.execute("DELETE FROM programmes WHERE id = ?", (programme_id,))

    async def archive(self, programme_id: int, now: datetime | None) -> None:
        """Archive a programme (`now`), or bring it back (None)."""
        await self.db.execute(
            "UPDATE programmes SET archived_at = ? WHERE id = ?",
            (to_db(now) if now else None, programme_id),
        )

    async def by_code(self, committee_id: int, code: str) -> Programme | None:
        """A committee's programme by code (any case)."""
        row = await self.db.fetchone(
            "SELECT * FROM programmes WHERE committee_id = ? AND code = ? COLLATE NOCASE",
            (committee_id, code),
        )
        return _programme(row)

    async def list(self, committee_id: int, archived: bool = False) -> list[tuple[Programme, int]]:
        """A committee's programmes (the archived ones if `archived`) by code, each with how
        many items it tags."""
        rows = await self.db.fetchall(
            "SELECT p.*, (SELECT count(*) FROM item_programmes t WHERE t.programme_id = p.id)"
            " AS items FROM programmes p WHERE p.committee_id = ?"
            " AND (p.archived_at IS NOT NULL) = ? ORDER BY p.code COLLATE NOCASE",
            (committee_id, int(archived)),
        )
        return [(_programme(r), r["items"]) for r in rows]

    async def tag(self, item_id: int, programme_id: int) -> None:
        """Put an item in a programme (replacing its previous one)."""
        await self.db.execute(
            "INSERT INTO item_programmes (item_id, programme_id) VALUES (?, ?)"
            " ON CONFLICT (item_id) DO UPDATE SET programme_id = excluded.programme_id",
            (item_id, programme_id),
        )

    async def untag(self, item_id: int) -> None:
        """Take an item out of its programme."""
        await self.db.execute("DELETE FROM item_programmes WHERE item_id = ?", (item_id,))

    async def open_items(self, programme_id: int) -> list[tuple[int, str]]:
        """(item id, kind) of the programme's items still open (their cards are live)."""
        rows = await self.db.fetchall(
            "SELECT i.id, i.kind FROM item_programmes t JOIN items i ON i.id = t.item_id"
            " WHERE t.programme_id = ? AND i.status IN ('open', 'in_progress') ORDER BY i.number",
            (programme_id,),
        )
        return [(r["id"], r["kind"]) for r in rows]

    async def programmes_of(self, item_ids: list[int]) -> dict[int, Programme]:
        """item id → its programme, for the items that have one (one query)."""
        if not item_ids:
            return {}
        rows = await self.db.fetchall(
            "SELECT t.item_id, p.* FROM item_programmes t JOIN programmes p"
            " ON p.id = t.programme_id WHERE t.item_id IN (SELECT value FROM json_each(?))",
            (json.dumps(item_ids),),
        )
        return {r["item_id"]: _programme(r) for r in rows}

    async def item_ids(self, programme_id: int) -> frozenset[int]:
        """The items a programme tags."""
        rows = await self.db.fetchall(
            "SELECT item_id FROM item_programmes WHERE programme_id = ?", (programme_id,)
        )
        return frozenset(r["item_id"] for r in rows)

    async def set_directive(self, item_id: int, directive: Directive) -> None:
        """Record the directing document of a task."""
        issued = directive.issued_on.isoformat() if directive.issued_on else None
        await self.db.execute(
            "INSERT INTO task_directives (item_id, doc_number, doc_date) VALUES (?, ?, ?)"
            " ON CONFLICT (item_id) DO UPDATE SET doc_number = excluded.doc_number,"
            " doc_date = excluded.doc_date",
            (item_id, directive.number, issued),
        )

    async def directives_of(self, item_ids: list[int]) -> dict[int, Directive]:
        """item id → its directing document, for the tasks that have one (one query)."""
        if not item_ids:
            return {}
        rows = await self.db.fetchall(
            "SELECT * FROM task_directives WHERE item_id IN (SELECT value FROM json_each(?))",
            (json.dumps(item_ids),),
        )
        return {
            r["item_id"]: Directive(
                r["doc_number"], date.fromisoformat(r["doc_date"]) if r["doc_date"] else None
            )
            for r in rows
        }
