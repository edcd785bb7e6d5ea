"""Repository of the `audit_log` table: every state change, who and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database, from_db, to_db


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change."""

    id: int
    committee_id: int
    item_id: int | None
    actor_user_id: int | None
    action: str
    details: dict[str, Any]
    at: datetime


def _row(row) -> AuditEntry:
    return AuditEntry(
        row["id"],
        row["committee_id"],
        row["item_id"],
        row["actor_user_id"],
        row["action"],
        json.loads(row["details"]),
        from_db(row["at"]),
    )


class AuditRepo:
    """SQL for the audit log."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        committee_id: int,
        action: str,
        actor_user_id: int | None,
        now: datetime,
        item_id: int | None = None,
        **details: Any,
    ) -> None:
        """Record a change (inside the caller's transaction, if one is open)."""
        params = (
            committee_id,
            item_id,
            actor_user_id,
            action,
            json.dumps(details, ensure_ascii=False, default=str),
            to_db(now),
        )
        sql = (
            "INSERT INTO audit_log (committee_id, item_id, actor_user_id, action, details, at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
        )
        await self.db.execute(sql, params)

    async def for_item(self, item_id: int) -> list[AuditEntry]:
        """An item's history, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM audit_log WHERE item_id = ? ORDER BY id", (item_id,)
        )
        return [_row(r) for r in rows]

    async def latest(self, committee_id: int, limit: int = 30) -> list[AuditEntry]:
        """The committee's latest changes, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM audit_log WHERE committee_id = ? ORDER BY id DESC LIMIT ?",
            (committee_id, limit),
        )
        return [_row(r) for r in rows]

    async def all(self, committee_id: int) -> list[AuditEntry]:
        """The whole log of a committee, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM audit_log WHERE committee_id = ? ORDER BY id", (committee_id,)
        )
        return [_row(r) for r in rows]
