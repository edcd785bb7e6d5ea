"""Repository of the `users` table: a person's language and private-chat reachability."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, to_db


@dataclass(frozen=True)
class UserPrefs:
    """What we know of a Telegram user across committees."""

    user_id: int
    username: str | None
    full_name: str
    language: str | None
    can_dm: bool
    notify: bool


class UserRepo:
    """SQL for users."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> UserPrefs | None:
        """A user's preferences, if we have seen them."""
        row = await self.db.fetchone(
            "SELECT user_id, username, full_name, language, can_dm, notify FROM users"
            " WHERE user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        return UserPrefs(
            row["user_id"],
            row["username"],
            row["full_name"],
            row["language"],
            bool(row["can_dm"]),
            bool(row["notify"]),
        )

    async def id_of_username(self, username: str) -> int | None:
        """The user id last seen with this @username."""
        return await self.db.fetchval(
            "SELECT user_id FROM users WHERE username = ? ORDER BY updated_at DESC LIMIT 1",
            (username.lower(),),
        )

    async def many(self, user_ids: list[int]) -> dict[int, UserPrefs]:
        """Preferences for several users."""
        if not user_ids:
            return {}
        rows = await self.db.fetchall(
            "SELECT user_id, username, full_name, language, can_dm, notify FROM users"
            " WHERE user_id IN (SELECT value FROM json_each(?))",
            (json.dumps(user_ids),),
        )
        return {
            r["user_id"]: UserPrefs(
                r["user_id"],
                r["username"],
                r["full_name"],
                r["language"],
                bool(r["can_dm"]),
                bool(r["notify"]),
            )
            for r in rows
        }

    async def touch(
        self, user_id: int, username: str | None, full_name: str, now: datetime
    ) -> None:
        """Insert or refresh a user's name and username (a username has one holder: the latest)."""
        handle = username.lower() if username else None
        async with self.db.transaction():
            if handle is not None:
                await self.db.execute(
                    "UPDATE users SET username = NULL WHERE username = ? AND user_id != ?",
                    (handle, user_id),
                )
            await self._upsert(user_id, handle, full_name, now)

    async def _upsert(self, user_id: int, handle: str | None, full_name: str, now) -> None:
        await self.db.execute(
            "INSERT INTO users (user_id, username, full_name, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET username = excluded.username,"
            " full_name = excluded.full_name, updated_at = excluded.updated_at",
            (user_id, handle, full_name, to_db(now)),
        )

    async def set(self, user_id: int, now: datetime, **values: object) -> None:
        """Change language, can_dm or notify."""
        allowed = {"language", "can_dm", "notify"}
        if set(values) - allowed:
            raise ValueError(f"not a user column: {sorted(set(values) - allowed)}")
        assignments = ", ".join(f"{name} = ?" for name in values)
        # The row may not exist yet (someone we have not seen write): create it first.
        await self.db.execute(
            "INSERT OR IGNORE INTO users (user_id, updated_at) VALUES (?, ?)", (user_id, to_db(now))
        )
        await self.db.execute(
            f"UPDATE users SET {assignments}, updated_at = ? WHERE user_id = ?",  # noqa: S608 - names checked
            (*values.values(), to_db(now), user_id),
        )
