"""Repository of the `members` table: seats on a committee, with role and agency."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, from_db, record, to_db
from storage.text import visible
from storage.values import columns, memoised


@dataclass(frozen=True)
class Member:
    """A seat on a committee; `user_id` is None while pre-registered by @username."""

    id: int
    committee_id: int
    user_id: int | None
    username: str | None
    full_name: str
    role: str
    agency: str
    active: bool
    joined_at: datetime

    @property
    def display_name(self) -> str:
        """Name to show: full name (if anything in it is visible), else @username, else #id."""
        if visible(self.full_name):
            return self.full_name
        if self.username:
            return f"@{self.username}"
        return f"#{self.user_id}"


FIELDS = tuple(Member.__dataclass_fields__)
_member_columns = columns(*FIELDS)


def _decode(row) -> Member:
    data = _member_columns(row)
    data["active"] = bool(data["active"])
    data["joined_at"] = from_db(data["joined_at"])
    return record(Member, data)


_decoded = memoised(_decode)


def _row(row) -> Member | None:
    return None if row is None else _decoded(row)


class MemberRepo:
    """SQL for members."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, member_id: int) -> Member | None:
        """A member by id."""
        return _row(await self.db.fetchone("SELECT * FROM members WHERE id = ?", (member_id,)))

    async def by_user(self, committee_id: int, user_id: int) -> Member | None:
        """The seat of a Telegram user on a committee (active or not)."""
        row = await self.db.fetchone_once(
            "SELECT * FROM members WHERE committee_id = ? AND user_id = ?",
            (committee_id, user_id),
        )
        return _row(row)

    async def by_username(self, committee_id: int, username: str) -> Member | None:
        """The seat registered under @username (case-insensitive)."""
        row = await self.db.fetchone(
            "SELECT * FROM members WHERE committee_id = ? AND username = ?",
            (committee_id, username.lower()),
        )
        return _row(row)

    async def list(self, committee_id: int, *, active_only: bool = True) -> list[Member]:
        """The roster, in joining order."""
        sql = "SELECT * FROM members WHERE committee_id = ?"
        if active_only:
            sql += " AND active = 1"
        rows = await self.db.fetchall(sql + " ORDER BY id", (committee_id,))
        return [_row(r) for r in rows]

    async def many(self, ids: list[int]) -> dict[int, Member]:
        """Members by id."""
        if not ids:
            return {}
        rows = await self.db.fetchall(
            "SELECT * FROM members WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )
        return {r["id"]: _row(r) for r in rows}

    async def committees_of(self, user_id: int) -> list[int]:
        """Ids of the committees where this user holds an active seat."""
        rows = await self.db.fetchall(
            "SELECT committee_id FROM members WHERE user_id = ? AND active = 1", (user_id,)
        )
        return [r[0] for r in rows]

    async def insert(
        self,
        *,
        committee_id: int,
        user_id: int | None,
        username: str | None,
        full_name: str,
        role: str,
        agency: str,
        now: datetime,
    ) -> int:
        """Add a seat; return its id."""
        return await self.db.execute(
            "INSERT INTO members (committee_id, user_id, username, full_name, role, agency,"
            " active, joined_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (
                committee_id,
                user_id,
                username.lower() if username else None,
                full_name,
                role,
                agency,
                to_db(now),
                to_db(now),
            ),
        )

    async def update(self, member_id: int, now: datetime, **values: object) -> None:
        """Change role, agency, active flag, name, username or user id of a seat."""
        allowed = {"role", "agency", "active", "full_name", "username", "user_id"}
        if set(values) - allowed:
            raise ValueError(f"not a member column: {sorted(set(values) - allowed)}")
        if values.get("username"):
            values["username"] = str(values["username"]).lower()
        assignments = ", ".join(f"{name} = ?" for name in values)
        await self.db.execute(
            f"UPDATE members SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608 - names checked
            (*values.values(), to_db(now), member_id),
        )

    async def refresh_identity(
        self, user_id: int, username: str | None, full_name: str, now: datetime
    ) -> None:
        """Keep this user's seats' name and username in step with Telegram (one transaction).

        A username is a display hint: it is cleared when its owner drops it and moves when a new
        owner shows it (another account's seat loses it; a seat pre-registered under it where
        this user already sits is retired, one person having one seat). The seat itself follows
        its user id only.
        """
        handle = username.lower() if username else None
        stamp = to_db(now)
        async with self.db.transaction():
            if handle is not None:
                await self.db.execute(
                    "UPDATE members SET username = NULL, updated_at = ? WHERE username = ?"
                    " AND user_id IS NOT NULL AND user_id != ?",
                    (stamp, handle, user_id),
                )
                await self.db.execute(
                    "UPDATE members SET username = NULL, active = 0, updated_at = ?"
                    " WHERE username = ? AND user_id IS NULL AND committee_id IN"
                    " (SELECT committee_id FROM members WHERE user_id = ?)",
                    (stamp, handle, user_id),
                )
            await self.db.execute(
                "UPDATE members SET full_name = ?, username = ?, updated_at = ?"
                " WHERE user_id = ? AND (full_name != ? OR username IS NOT ?)",
                (full_name, handle, stamp, user_id, full_name, handle),
            )

    async def release_username(self, committee_id: int, username: str, user_id: int | None) -> None:
        """Before a seat takes @username: a seat bound to another account drops the stale hint."""
        await self.db.execute(
            "UPDATE members SET username = NULL WHERE committee_id = ? AND username = ?"
            " AND user_id IS NOT NULL AND user_id IS NOT ?",
            (committee_id, username.lower(), user_id),
        )
