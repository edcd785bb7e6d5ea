"""Repository of the `committees` table: one row per group chat."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.db import Database, from_db, record, to_db
from storage.values import memoised

# Settings a service may change with `update_settings`; anything else is refused.
SETTING_COLUMNS = frozenset(
    {
        "title",
        "timezone",
        "language",
        "workdays",
        "quiet_start",
        "quiet_end",
        "reminder_offsets",
        "digest_weekday",
        "digest_time",
        "silence_agree",
        "thread_id",
        "max_posts",
        "calendar",
        "proxy_vote",
    }
)


@dataclass(frozen=True)
class Committee:
    """A committee and its settings, as stored."""

    id: int
    chat_id: int
    thread_id: int | None
    title: str
    timezone: str
    language: str
    workdays: str
    quiet_start: str | None
    quiet_end: str | None
    reminder_offsets: str
    digest_weekday: int | None
    digest_time: str | None
    silence_agree: bool
    active: bool
    created_by: int | None
    created_at: datetime
    max_posts: int = 3  # automatic group posts a day (`/settings maxposts`), 0: no ceiling
    calendar: str = ""  # the committee's own days off and make-up days (bot.workcalendar)
    proxy_vote: bool = False  # a stand-in's ballot on a motion counts (issue 17)

    @property
    def tz(self) -> ZoneInfo:
        """The committee's timezone: the one place a committee's IANA name becomes a zone."""
        return ZoneInfo(self.timezone)


FIELDS = tuple(Committee.__dataclass_fields__)


def _row(row) -> Committee | None:
    return None if row is None else _decoded(row)


def _decode(row) -> Committee:
    data = {name: row[name] for name in FIELDS}
    data["silence_agree"] = bool(data["silence_agree"])
    data["active"] = bool(data["active"])
    data["proxy_vote"] = bool(data["proxy_vote"])
    data["created_at"] = from_db(data["created_at"])
    return record(Committee, data)


_decoded = memoised(_decode)  # the gate and the seat check read the chat's committee row


class CommitteeRepo:
    """SQL for committees."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def by_chat(self, chat_id: int) -> Committee | None:
        """The committee living in a chat."""
        row = await self.db.fetchone_once("SELECT * FROM committees WHERE chat_id = ?", (chat_id,))
        return _row(row)

    async def get(self, committee_id: int) -> Committee | None:
        """A committee by id."""
        row = await self.db.fetchone("SELECT * FROM committees WHERE id = ?", (committee_id,))
        return _row(row)

    async def many(self, ids: list[int]) -> list[Committee]:
        """Committees by ids, by title."""
        if not ids:
            return []
        rows = await self.db.fetchall(
            "SELECT * FROM committees WHERE id IN (SELECT value FROM json_each(?)) ORDER BY title",
            (json.dumps(ids),),
        )
        return [_row(r) for r in rows]

    async def all_active(self) -> list[Committee]:
        """Every active committee."""
        rows = await self.db.fetchall("SELECT * FROM committees WHERE active = 1")
        return [_row(r) for r in rows]

    async def create(
        self,
        *,
        chat_id: int,
        thread_id: int | None,
        title: str,
        timezone: str,
        language: str,
        created_by: int,
        now: datetime,
    ) -> int:
        """Insert a committee with default settings; return its id."""
        return await self.db.execute(
            "INSERT INTO committees (chat_id, thread_id, title, timezone, language, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (chat_id, thread_id, title, timezone, language, created_by, to_db(now)),
        )

    async def update_settings(self, committee_id: int, **values: object) -> None:
        """Change settings columns (names checked against SETTING_COLUMNS)."""
        unknown = set(values) - SETTING_COLUMNS
        if unknown:
            raise ValueError(f"not a settings column: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in values)
        await self.db.execute(
            f"UPDATE committees SET {assignments} WHERE id = ?",  # noqa: S608 - names checked
            (*values.values(), committee_id),
        )

    async def set_active(self, committee_id: int, active: bool) -> None:
        """Mark a committee active or dormant (bot removed from the group)."""
        await self.db.execute(
            "UPDATE committees SET active = ? WHERE id = ?", (int(active), committee_id)
        )

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> bool:
        """Move a committee to the supergroup's new chat id; True if one moved."""
        changed = await self.db.execute_rowcount(
            "UPDATE committees SET chat_id = ? WHERE chat_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM committees WHERE chat_id = ?)",
            (new_chat_id, old_chat_id, new_chat_id),
        )
        return changed > 0

    async def take_number(self, committee_id: int) -> int:
        """Reserve the next #N inside the caller's transaction."""
        async with self.db.transaction():
            row = await self.db.fetchone(
                "UPDATE committees SET next_number = next_number + 1 WHERE id = ?"
                " RETURNING next_number - 1",
                (committee_id,),
            )
        return int(row[0])
