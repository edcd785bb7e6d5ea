"""Repository of collections: the collection row, its recipients, submissions, prompts, and
files parked in a private chat until their sender says which collection they are for."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, from_db, to_db


@dataclass(frozen=True)
class Collection:
    """The collection part of an item."""

    item_id: int
    closes_at: datetime
    named: bool
    compiled_at: datetime | None
    result_message_id: int | None


@dataclass(frozen=True)
class FileRef:
    """A Telegram file as a message carried it (never downloaded before compiling)."""

    file_id: str
    file_unique_id: str | None
    name: str
    size: int | None


@dataclass(frozen=True)
class Submission:
    """One file a member sent for a collection."""

    id: int
    item_id: int
    member_id: int
    file: FileRef
    at: datetime
    late: bool


@dataclass(frozen=True)
class FilePrompt:
    """We wait for this person's file in this chat (a reply to `prompt_message_id` in a group)."""

    user_id: int
    chat_id: int
    item_id: int
    prompt_message_id: int | None


def _submission(row) -> Submission:
    ref = FileRef(row["file_id"], row["file_unique_id"], row["file_name"], row["file_size"])
    return Submission(
        row["id"], row["item_id"], row["member_id"], ref, from_db(row["at"]), bool(row["late"])
    )


def _prompt(row) -> FilePrompt | None:
    if row is None:
        return None
    return FilePrompt(row["user_id"], row["chat_id"], row["item_id"], row["prompt_message_id"])


class CollectionRepo:
    """SQL for collections and their submissions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------ collections
    async def insert(
        self, item_id: int, closes_at: datetime, named: bool, recipients: list[int]
    ) -> None:
        """Add the collection part of a new item and its recipients (inside its transaction)."""
        await self.db.execute(
            "INSERT INTO collections (item_id, closes_at, named) VALUES (?, ?, ?)",
            (item_id, to_db(closes_at), int(named)),
        )
        await self.db.executemany(
            "INSERT OR IGNORE INTO collection_recipients (item_id, member_id) VALUES (?, ?)",
            [(item_id, member_id) for member_id in recipients],
        )

    async def get(self, item_id: int) -> Collection | None:
        """A collection by item id."""
        row = await self.db.fetchone("SELECT * FROM collections WHERE item_id = ?", (item_id,))
        if row is None:
            return None
        return Collection(
            row["item_id"],
            from_db(row["closes_at"]),
            bool(row["named"]),
            from_db(row["compiled_at"]),
            row["result_message_id"],
        )

    async def of_committee(self, committee_id: int) -> list[int]:
        """Item ids of every collection of a committee, by number."""
        rows = await self.db.fetchall(
            "SELECT id FROM items WHERE committee_id = ? AND kind = 'collection' ORDER BY number",
            (committee_id,),
        )
        return [r["id"] for r in rows]

    async def recipients(self, item_id: int) -> list[int]:
        """Member ids asked for a document."""
        rows = await self.db.fetchall(
            "SELECT member_id FROM collection_recipients WHERE item_id = ? ORDER BY member_id",
            (item_id,),
        )
        return [r["member_id"] for r in rows]

    async def status(self, item_id: int) -> str | None:
        """The item's status (inside the caller's transaction, if one is open)."""
        return await self.db.fetchval("SELECT status FROM items WHERE id = ?", (item_id,))

    async def closing(self, now: datetime) -> list[int]:
        """Open collections whose automatic close has come (not held for a decision)."""
        rows = await self.db.fetchall(
            "SELECT c.item_id FROM collections c JOIN items i ON i.id = c.item_id"
            " WHERE i.status = 'open' AND c.closes_at <= ?"
            " AND c.item_id NOT IN (SELECT item_id FROM held_items WHERE decided_at IS NULL)"
            " ORDER BY c.closes_at",
            (to_db(now),),
        )
        return [r["item_id"] for r in rows]

    async def uncompiled(self) -> list[int]:
        """Closed collections whose files were not compiled yet (a crash between the two)."""
        rows = await self.db.fetchall(
            "SELECT c.item_id FROM collections c JOIN items i ON i.id = c.item_id"
            " WHERE i.status = 'closed' AND c.compiled_at IS NULL ORDER BY c.item_id"
        )
        return [r["item_id"] for r in rows]

    async def mark_compiled(self, item_id: int, now: datetime) -> bool:
        """Mark the compilation staged; False if it was already (so it is staged once)."""
        changed = await self.db.execute_rowcount(
            "UPDATE collections SET compiled_at = ? WHERE item_id = ? AND compiled_at IS NULL",
            (to_db(now), item_id),
        )
        return changed == 1

    async def set_result_message(self, item_id: int, message_id: int) -> None:
        """Remember the message that carries the result."""
        await self.db.execute(
            "UPDATE collections SET result_message_id = ? WHERE item_id = ?",
            (message_id, item_id),
        )

    async def open_for_member(self, member_ids: list[int]) -> list[tuple[int, int]]:
        """(item id, member id) of open collections asking any of these seats."""
        if not member_ids:
            return []
        rows = await self.db.fetchall(
            "SELECT r.item_id, r.member_id FROM collection_recipients r"
            " JOIN items i ON i.id = r.item_id"
            " WHERE i.status = 'open' AND r.member_id IN (SELECT value FROM json_each(?))"
            " ORDER BY i.deadline, i.id",
            (json.dumps(member_ids),),
        )
        return [(r["item_id"], r["member_id"]) for r in rows]

    async def recipient_states(
        self, committee_id: int, start: datetime | None, end: datetime | None
    ) -> list[tuple[str, datetime, int | None]]:
        """(agency, deadline, latest file's late flag or None) of every recipient of the
        committee's collections whose deadline falls in [start, end) (None: unbounded)."""
        rows = await self.db.fetchall(
            "SELECT m.agency, i.deadline,"
            " (SELECT s.late FROM submissions s WHERE s.item_id = i.id AND s.member_id = m.id"
            "  ORDER BY s.id DESC LIMIT 1) AS late"
            " FROM items i JOIN collection_recipients r ON r.item_id = i.id"
            " JOIN members m ON m.id = r.member_id"
            " WHERE i.committee_id = ? AND i.kind = 'collection' AND i.status != 'cancelled'"
            " AND (? IS NULL OR i.deadline >= ?) AND (? IS NULL OR i.deadline < ?)",
            (committee_id, to_db(start), to_db(start), to_db(end), to_db(end)),
        )
        return [(r["agency"], from_db(r["deadline"]), r["late"]) for r in rows]

    # ------------------------------------------------------------ submissions
    async def add_submission(
        self, item_id: int, member_id: int, ref: FileRef, now: datetime, late: bool
    ) -> int:
        """Append a submission (the latest counts); return its id."""
        return await self.db.execute(
            "INSERT INTO submissions (item_id, member_id, file_id, file_unique_id, file_name,"
            " file_size, at, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, member_id, ref.file_id, ref.file_unique_id, ref.name, ref.size,
             to_db(now), int(late)),
        )  # fmt: skip

    async def history(self, item_id: int) -> list[Submission]:
        """Every submission, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM submissions WHERE item_id = ? ORDER BY id", (item_id,)
        )
        return [_submission(r) for r in rows]

    async def current(self, item_id: int) -> dict[int, Submission]:
        """Each member's latest submission, by member id."""
        current: dict[int, Submission] = {}
        for sub in await self.history(item_id):
            current[sub.member_id] = sub
        return current

    async def counts(self, item_id: int) -> dict[int, int]:
        """How many files each member sent."""
        rows = await self.db.fetchall(
            "SELECT member_id, COUNT(*) AS n FROM submissions WHERE item_id = ? GROUP BY member_id",
            (item_id,),
        )
        return {r["member_id"]: r["n"] for r in rows}

    # ------------------------------------------------------------ prompts and parked files
    async def put_prompt(
        self, user_id: int, chat_id: int, item_id: int, message_id: int | None, now: datetime
    ) -> None:
        """Wait for this person's file in this chat (replacing an earlier prompt there)."""
        await self.db.execute(
            "INSERT OR REPLACE INTO collection_prompts"
            " (user_id, chat_id, item_id, prompt_message_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, chat_id, item_id, message_id, to_db(now)),
        )

    async def prompt(self, user_id: int, chat_id: int) -> FilePrompt | None:
        """The file we wait for from this person in this chat."""
        row = await self.db.fetchone(
            "SELECT * FROM collection_prompts WHERE user_id = ? AND chat_id = ?",
            (user_id, chat_id),
        )
        return _prompt(row)

    async def prompt_by_message(self, chat_id: int, message_id: int) -> FilePrompt | None:
        """The prompt a bot message in a group carries."""
        row = await self.db.fetchone(
            "SELECT * FROM collection_prompts WHERE chat_id = ? AND prompt_message_id = ?",
            (chat_id, message_id),
        )
        return _prompt(row)

    async def drop_prompts(self, item_id: int, user_id: int | None = None) -> None:
        """Forget the prompts of an item (of one person, or everyone's)."""
        await self.db.execute(
            "DELETE FROM collection_prompts WHERE item_id = ? AND (? IS NULL OR user_id = ?)",
            (item_id, user_id, user_id),
        )

    async def park(self, user_id: int, ref: FileRef, now: datetime) -> None:
        """Keep a private file until its sender picks the collection."""
        await self.db.execute(
            "INSERT OR REPLACE INTO collection_parked_files"
            " (user_id, file_id, file_unique_id, file_name, file_size, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, ref.file_id, ref.file_unique_id, ref.name, ref.size, to_db(now)),
        )

    async def parked(self, user_id: int) -> FileRef | None:
        """The file this person sent without saying which collection."""
        row = await self.db.fetchone(
            "SELECT * FROM collection_parked_files WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return None
        return FileRef(row["file_id"], row["file_unique_id"], row["file_name"], row["file_size"])

    async def unpark(self, user_id: int) -> None:
        """Forget a parked file."""
        await self.db.execute("DELETE FROM collection_parked_files WHERE user_id = ?", (user_id,))
