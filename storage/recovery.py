"""Repository of `held_items`: results held back because the bot was away at their deadline."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, to_db


class HeldRepo:
    """SQL for held items; statements join the caller's transaction when one is open."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def hold(self, committee_id: int, item_ids: list[int], now: datetime) -> None:
        """Hold these items (again, if they were decided before and fell due again)."""
        for item_id in item_ids:
            await self.db.execute(
                "INSERT INTO held_items (item_id, committee_id, held_at) VALUES (?, ?, ?)"
                " ON CONFLICT (item_id) DO UPDATE SET held_at = excluded.held_at,"
                " decided_at = NULL, decision = NULL",
                (item_id, committee_id, to_db(now)),
            )

    async def undecided(self, committee_id: int) -> list[int]:
        """Items of the committee still waiting for a decision."""
        rows = await self.db.fetchall(
            "SELECT item_id FROM held_items WHERE committee_id = ? AND decided_at IS NULL",
            (committee_id,),
        )
        return [r[0] for r in rows]

    async def is_held(self, item_id: int) -> bool:
        """Whether the item waits for a decision."""
        return bool(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM held_items WHERE item_id = ? AND decided_at IS NULL",
                (item_id,),
            )
        )

    async def decide(self, item_id: int, now: datetime, decision: str) -> bool:
        """Record the decision; False if the item was not (or no longer) held."""
        changed = await self.db.execute_rowcount(
            "UPDATE held_items SET decided_at = ?, decision = ?"
            " WHERE item_id = ? AND decided_at IS NULL",
            (to_db(now), decision, item_id),
        )
        return changed > 0
