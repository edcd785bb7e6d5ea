"""Repository of `standins` (issue 17): who acts for whom over which local dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Database, from_db, to_db


@dataclass(frozen=True)
class Standin:
    """Member `standin_id` acts for member `member_id` from `starts_on` to `ends_on` (local)."""

    id: int
    committee_id: int
    member_id: int
    standin_id: int
    starts_on: date
    ends_on: date
    created_by: int | None
    created_at: datetime
    ended_at: datetime | None


def _row(row) -> Standin:
    return Standin(
        row["id"],
        row["committee_id"],
        row["member_id"],
        row["standin_id"],
        date.fromisoformat(row["starts_on"]),
        date.fromisoformat(row["ends_on"]),
        row["created_by"],
        from_db(row["created_at"]),
        from_db(row["ended_at"]),
    )


class StandinRepo:
    """SQL for stand-ins."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        committee_id: int,
        member_id: int,
        standin_id: int,
        starts_on: date,
        ends_on: date,
        user_id: int | None,
        now: datetime,
    ) -> int:
        """Record a stand-in; return its id."""
        return await self.db.execute(
            "INSERT INTO standins (committee_id, member_id, standin_id, starts_on, ends_on,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (committee_id, member_id, standin_id, starts_on.isoformat(), ends_on.isoformat(),
             user_id, to_db(now)),
        )  # fmt: skip

    async def current_and_coming(self, committee_id: int, today: date) -> list[Standin]:
        """Stand-ins of a committee not ended and not over by `today`, soonest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM standins WHERE committee_id = ? AND ended_at IS NULL AND ends_on >= ?"
            " ORDER BY starts_on, id",
            (committee_id, today.isoformat()),
        )
        return [_row(r) for r in rows]

    async def end_for(self, member_id: int, today: date, now: datetime) -> list[Standin]:
        """End a member's current and coming stand-ins now; return the ones ended."""
        rows = await self.db.fetchall(
            "SELECT * FROM standins WHERE member_id = ? AND ended_at IS NULL AND ends_on >= ?",
            (member_id, today.isoformat()),
        )
        await self.db.execute(
            "UPDATE standins SET ended_at = ? WHERE member_id = ? AND ended_at IS NULL"
            " AND ends_on >= ?",
            (to_db(now), member_id, today.isoformat()),
        )
        return [_row(r) for r in rows]
