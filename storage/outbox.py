"""Repository of the `outbox` table: messages to post because of committed changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database, from_db, to_db

PENDING_LIMIT = 200  # rows handed out by one `pending` read


@dataclass(frozen=True)
class OutboxRow:
    """One message to post (or posted, or refused)."""

    id: int
    chat_id: int
    thread_id: int | None
    committee_id: int | None
    kind: str  # 'text' | 'document' | 'poll'
    purpose: str
    ref_id: int | None
    payload: dict[str, Any]
    document: bytes | None
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    message_id: int | None
    failed_at: datetime | None
    error: str | None


def _row(row) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        chat_id=row["chat_id"],
        thread_id=row["thread_id"],
        committee_id=row["committee_id"],
        kind=row["kind"],
        purpose=row["purpose"],
        ref_id=row["ref_id"],
        payload=json.loads(row["payload"]),
        document=row["document"],
        created_at=from_db(row["created_at"]),
        attempts=row["attempts"],
        next_attempt_at=from_db(row["next_attempt_at"]),
        sent_at=from_db(row["sent_at"]),
        message_id=row["message_id"],
        failed_at=from_db(row["failed_at"]),
        error=row["error"],
    )


class OutboxRepo:
    """SQL for the outbox; statements join the caller's transaction when one is open."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        chat_id: int,
        thread_id: int | None,
        committee_id: int | None,
        kind: str,
        purpose: str,
        ref_id: int | None,
        payload: dict[str, Any],
        now: datetime,
        document: bytes | None = None,
    ) -> int:
        """Queue a message; return its row id."""
        return await self.db.execute(
            "INSERT INTO outbox (chat_id, thread_id, committee_id, kind, purpose, ref_id,"
            " payload, document, created_at, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat_id,
                thread_id,
                committee_id,
                kind,
                purpose,
                ref_id,
                json.dumps(payload, ensure_ascii=False),
                document,
                to_db(now),
                to_db(now),
            ),
            quiet=True,  # the outbox's own row: no view of the state reads it
        )

    async def get(self, row_id: int) -> OutboxRow | None:
        """One row by id."""
        row = await self.db.fetchone("SELECT * FROM outbox WHERE id = ?", (row_id,))
        return None if row is None else _row(row)

    async def pending(self, now: datetime, limit: int = PENDING_LIMIT) -> list[OutboxRow]:
        """Rows to try now, oldest first (a chat's rows keep their order)."""
        rows = await self.db.fetchall(
            "SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
            " AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (to_db(now), limit),
        )
        return [_row(r) for r in rows]

    async def waiting_chats(self) -> set[int]:
        """Chats that have a pending row whose turn has not come yet (kept in order behind it)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT chat_id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
        )
        return {r[0] for r in rows}

    async def next_attempt(self, sent: Collection[int] = ()) -> datetime | None:
        """When the earliest pending row may be tried (`sent`: rows sent, mark not committed)."""
        return from_db(
            await self.db.fetchval(
                "SELECT MIN(next_attempt_at) FROM outbox"
                " WHERE sent_at IS NULL AND failed_at IS NULL"
                " AND id NOT IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(sent)),),
            )
        )

    async def mark_sent(self, row_id: int, now: datetime, message_id: int | None) -> None:
        """The message went out."""
        await self.db.execute(
            "UPDATE outbox SET sent_at = ?, message_id = ?, attempts = attempts + 1,"
            " document = NULL WHERE id = ?",
            (to_db(now), message_id, row_id),
        )

    def mark_sent_later(
        self, row_id: int, now: datetime, message_id: int | None, done: Callable[[], None]
    ) -> None:
        """The message went out; record it in the next commit (`Database.defer`), then `done()`.
        Lost at a kill, the message is sent again after the restart."""
        self.db.defer(
            "UPDATE outbox SET sent_at = ?, message_id = ?, attempts = attempts + 1,"
            " document = NULL WHERE id = ?",
            (to_db(now), message_id, row_id),
            done,
        )

    async def retry_later(self, row_id: int, at: datetime, error: str) -> None:
        """A transient failure: try again at `at`."""
        await self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?"
            " WHERE id = ?",
            (to_db(at), error[:500], row_id),
        )

    async def mark_failed(self, row_id: int, now: datetime, error: str) -> None:
        """A permanent refusal: never tried again; reported to the secretary once."""
        await self.db.execute(
            "UPDATE outbox SET failed_at = ?, error = ?, attempts = attempts + 1,"
            " document = NULL WHERE id = ?",
            (to_db(now), error[:500], row_id),
        )

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its pending rows follow it."""
        await self.db.execute(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND sent_at IS NULL",
            (new_chat_id, old_chat_id),
        )

    async def drop_thread(self, chat_id: int, thread_id: int) -> None:
        """A forum topic was deleted: the chat's pending rows for it go to the general chat."""
        await self.db.execute(
            "UPDATE outbox SET thread_id = NULL WHERE chat_id = ? AND thread_id = ?"
            " AND sent_at IS NULL AND failed_at IS NULL",
            (chat_id, thread_id),
        )

    async def unreported(self) -> list[OutboxRow]:
        """Refused rows not yet reported to their committee's secretary."""
        rows = await self.db.fetchall(
            "SELECT * FROM outbox WHERE failed_at IS NOT NULL AND reported_at IS NULL"
            " AND committee_id IS NOT NULL ORDER BY committee_id, id"
        )
        return [_row(r) for r in rows]

    async def mark_reported(self, row_ids: list[int], now: datetime) -> None:
        """Those refusals were reported (or cannot be: nobody to tell)."""
        await self.db.execute(
            "UPDATE outbox SET reported_at = ? WHERE id IN (SELECT value FROM json_each(?))",
            (to_db(now), json.dumps(row_ids)),
        )

    async def prune(self, before: datetime) -> None:
        """Forget rows sent (or refused and reported) before `before`."""
        await self.db.execute(
            "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < ?)"
            " OR (failed_at IS NOT NULL AND reported_at IS NOT NULL AND failed_at < ?)",
            (to_db(before), to_db(before)),
        )
