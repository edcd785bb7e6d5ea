"""Repository of the `seat_claims` table: an account claiming a pre-registered seat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, to_db


@dataclass(frozen=True)
class SeatClaim:
    """Account `user_id` (shown as @username, full_name) claims seat `member_id`."""

    id: int
    member_id: int
    user_id: int
    username: str
    full_name: str
    status: str


_SELECT = "SELECT id, member_id, user_id, username, full_name, status FROM seat_claims"


def _row(row) -> SeatClaim | None:
    return None if row is None else SeatClaim(*(row[i] for i in range(6)))


class SeatClaimRepo:
    """SQL for seat claims."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, claim_id: int) -> SeatClaim | None:
        """A claim by id."""
        return _row(await self.db.fetchone(_SELECT + " WHERE id = ?", (claim_id,)))

    async def of(self, member_id: int, user_id: int) -> SeatClaim | None:
        """This account's claim on this seat, whatever its status."""
        sql = _SELECT + " WHERE member_id = ? AND user_id = ?"
        return _row(await self.db.fetchone(sql, (member_id, user_id)))

    async def add(
        self, member_id: int, user_id: int, username: str, full_name: str, now: datetime
    ) -> int:
        """Record a pending claim; return its id."""
        return await self.db.execute(
            "INSERT INTO seat_claims (member_id, user_id, username, full_name, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (member_id, user_id, username.lower(), full_name, to_db(now)),
        )

    async def decide(self, claim_id: int, status: str, by: int, now: datetime) -> None:
        """Confirm or reject a claim."""
        await self.db.execute(
            "UPDATE seat_claims SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
            (status, by, to_db(now), claim_id),
        )
