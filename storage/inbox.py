"""Repository of `inbox`: updates committed before they are confirmed to Telegram, then processed.

Statements join the caller's transaction or unit of work when there is one (the database's
convention); outside one each is its own autocommit write.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, to_db

PENDING_LIMIT = 100  # unprocessed rows handed out at a time


@dataclass(frozen=True)
class InboxRow:
    """One unprocessed update."""

    update_id: int
    chat_id: int | None
    payload: str


class InboxRepo:
    """Store batches of updates, hand out the unprocessed ones in order, mark them done (or set
    aside one that keeps failing)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(
        self, updates: Sequence[tuple[int, int | None, str]], now: datetime
    ) -> list[int]:
        """Insert (update_id, chat_id, payload) rows in one statement; known ids are ignored.

        Returns the ids actually inserted (in no particular order).
        """
        if not updates:
            return []
        if len(updates) == 1:  # most getUpdates answers: no JSON list to build and parse
            inserted = await self.db.execute_returning(
                "INSERT OR IGNORE INTO inbox (update_id, chat_id, payload, received_at)"
                " VALUES (?, ?, ?, ?) RETURNING update_id",
                (*updates[0], to_db(now)),
                quiet=True,
            )
            return [r[0] for r in inserted]
        inserted = await self.db.execute_returning(
            "INSERT OR IGNORE INTO inbox (update_id, chat_id, payload, received_at)"
            " SELECT value ->> 0, value ->> 1, value ->> 2, ? FROM json_each(?)"
            " RETURNING update_id",
            (to_db(now), json.dumps(updates)),
            quiet=True,  # the inbox's own rows: no view of the state reads them
        )
        return [r[0] for r in inserted]

    async def pending(self, limit: int = PENDING_LIMIT) -> list[InboxRow]:
        """The oldest unprocessed rows, in update_id order."""
        rows = await self.db.fetchall(
            "SELECT update_id, chat_id, payload FROM inbox WHERE done_at IS NULL"
            " AND set_aside_at IS NULL ORDER BY update_id LIMIT ?",
            (limit,),
        )
        return [InboxRow(r[0], r[1], r[2]) for r in rows]

    async def pending_count(self) -> int:
        """How many rows wait to be processed."""
        return int(
            await self.db.fetchval(
                "SELECT count(*) FROM inbox WHERE done_at IS NULL AND set_aside_at IS NULL"
            )
        )

    async def last_update_id(self) -> int | None:
        """The highest update id ever stored (None when the inbox is empty)."""
        return await self.db.fetchval("SELECT max(update_id) FROM inbox")

    async def mark_done(self, update_ids: Sequence[int], now: datetime) -> None:
        """Mark these rows processed (one statement)."""
        if not update_ids:
            return
        if len(update_ids) == 1:  # an update's own mark, in its unit: no JSON list to build
            await self.db.execute(
                "UPDATE inbox SET done_at = ? WHERE done_at IS NULL AND update_id = ?",
                (to_db(now), update_ids[0]),
                quiet=True,
            )
            return
        await self.db.execute(
            "UPDATE inbox SET done_at = ? WHERE done_at IS NULL"
            " AND update_id IN (SELECT value FROM json_each(?))",
            (to_db(now), json.dumps(list(update_ids))),
            quiet=True,
        )

    def mark_done_later(self, update_id: int, now: datetime) -> None:
        """Mark a read-only update processed in the next commit (`Database.defer`): lost at a
        kill, the update is processed again after the restart and its reply repeats."""
        self.db.defer(
            "UPDATE inbox SET done_at = ? WHERE done_at IS NULL AND update_id = ?",
            (to_db(now), update_id),
        )

    async def mark_failed(self, update_id: int, now: datetime, error: str) -> None:
        """Mark a row processed with the error that stopped it (it is not tried again)."""
        await self.db.execute(
            "UPDATE inbox SET done_at = ?, error = ? WHERE update_id = ?",
            (to_db(now), error[:2000], update_id),
            quiet=True,
        )

    async def count_failure(self, update_id: int, error: str) -> int:
        """One more failed attempt at this row, with its error; returns the attempts so far."""
        found = await self.db.execute_returning(
            "UPDATE inbox SET attempts = attempts + 1, error = ? WHERE update_id = ?"
            " RETURNING attempts",
            (error[:2000], update_id),
        )
        return int(found[0][0]) if found else 0

    async def set_aside(self, update_id: int, now: datetime) -> None:
        """Stop handing this row out: it kept failing. It stays (never pruned) with its error."""
        await self.db.execute(
            "UPDATE inbox SET set_aside_at = ? WHERE update_id = ?", (to_db(now), update_id)
        )

    async def set_aside_count(self, chat_id: int | None = None) -> int:
        """How many rows were set aside (of one chat, or of all)."""
        if chat_id is None:
            sql, params = "SELECT count(*) FROM inbox WHERE set_aside_at IS NOT NULL", ()
        else:
            sql = "SELECT count(*) FROM inbox WHERE set_aside_at IS NOT NULL AND chat_id = ?"
            params = (chat_id,)
        return int(await self.db.fetchval(sql, params))

    async def prune(self, before: datetime) -> int:
        """Delete rows processed before `before`; return how many went."""
        return await self.db.execute_rowcount(
            "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?", (to_db(before),)
        )
