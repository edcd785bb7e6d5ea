"""Repository of `auto_posts`: how many automatic group posts a committee made on a local day."""

from __future__ import annotations

from datetime import date

from storage.db import Database


class AutoPostRepo:
    """SQL for the daily post counts that `maxposts` is checked against."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def posts_on(self, committee_id: int, day: date) -> int:
        """Automatic group posts the committee made on `day` (its local date)."""
        value = await self.db.fetchval(
            "SELECT posts FROM auto_posts WHERE committee_id = ? AND day = ?",
            (committee_id, day.isoformat()),
        )
        return int(value or 0)

    async def count_post(self, committee_id: int, day: date) -> None:
        """One more automatic group post on `day`."""
        await self.db.execute(
            "INSERT INTO auto_posts (committee_id, day, posts) VALUES (?, ?, 1)"
            " ON CONFLICT (committee_id, day) DO UPDATE SET posts = posts + 1",
            (committee_id, day.isoformat()),
        )
