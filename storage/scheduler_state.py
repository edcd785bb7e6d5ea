"""Repository of `scheduler_state` (small bookkeeping) and the audit rows the scheduler follows."""

from __future__ import annotations

import json
from datetime import datetime

from storage.db import Database, from_db, to_db
from storage.health import LAST_SWEEP

SETTINGS_ACTIONS = ("settings.change", "committee.setup")


class SchedulerStateRepo:
    """Key/value bookkeeping of the scheduler, and settings changes read from the audit log."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def state(self, key: str) -> str | None:
        """A bookkeeping value."""
        return await self.db.fetchval("SELECT value FROM scheduler_state WHERE key = ?", (key,))

    async def set_state(self, key: str, value: str) -> None:
        """Store a bookkeeping value."""
        await self.db.execute(
            "INSERT INTO scheduler_state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def set_last_sweep(self, now: datetime) -> None:
        """Record when a sweep ran."""
        await self.set_state(LAST_SWEEP, to_db(now))

    async def last_sweep(self) -> datetime | None:
        """When the last sweep ran, or None."""
        return from_db(await self.state(LAST_SWEEP))

    async def last_audit_id(self) -> int:
        """The newest audit row id (0 when empty)."""
        return int(await self.db.fetchval("SELECT COALESCE(MAX(id), 0) FROM audit_log"))

    async def settings_changes(self, after_id: int, up_to: int) -> list[tuple[int, int]]:
        """(audit id, committee id) of set-ups and settings changes in (after_id, up_to]."""
        rows = await self.db.fetchall(
            "SELECT id, committee_id FROM audit_log WHERE id > ? AND id <= ?"
            " AND action IN (SELECT value FROM json_each(?)) ORDER BY id",
            (after_id, up_to, json.dumps(SETTINGS_ACTIONS)),
        )
        return [(r[0], r[1]) for r in rows]
