"""Repository of `consultations`, `opinions` and `opinion_prompts` (migration 0003)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage import responses
from storage.db import Database, from_db, to_db
from storage.items import Item, item_from_row


@dataclass(frozen=True)
class Consultation:
    """An item of kind 'consultation' with its silence rule and, once closed, who was counted."""

    item: Item
    silence_agree: bool
    eligible_count: int | None
    electorate: tuple[int, ...] | None  # member ids counted at close; None while open
    result_message_id: int | None


@dataclass(frozen=True)
class Opinion:
    """One answer; a member's current answer is their latest row on the item."""

    id: int
    item_id: int
    member_id: int
    answer: str
    text: str
    auto: bool
    at: datetime
    acting_id: int | None = None  # the stand-in who gave it for the member (issue 17)


@dataclass(frozen=True)
class Prompt:
    """A member we asked for the text of a comment or disagreement, in one chat."""

    user_id: int
    chat_id: int
    item_id: int
    answer: str
    prompt_message_id: int | None
    created_at: datetime


def consultation_from_row(row) -> Consultation | None:
    """Build a Consultation from a row holding the items and consultations columns."""
    if row is None:
        return None
    electorate = row["electorate"]
    return Consultation(
        item_from_row(row),
        bool(row["silence_agree"]),
        row["eligible_count"],
        None if electorate is None else tuple(json.loads(electorate)),
        row["result_message_id"],
    )


SELECT_CONSULTATION = (
    "SELECT items.*, consultations.* FROM items"
    " JOIN consultations ON consultations.item_id = items.id"
)


def opinion_from_row(row) -> Opinion:
    """Build an Opinion from an `opinions` (or `current_opinions`) row."""
    return Opinion(
        row["id"],
        row["item_id"],
        row["member_id"],
        row["answer"],
        row["text"],
        bool(row["auto"]),
        from_db(row["at"]),
        row["acting_id"],
    )


def _prompt(row) -> Prompt | None:
    if row is None:
        return None
    return Prompt(
        row["user_id"],
        row["chat_id"],
        row["item_id"],
        row["answer"],
        row["prompt_message_id"],
        from_db(row["created_at"]),
    )


class ConsultationRepo:
    """SQL for consultations, their answers and the pending comment prompts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------ consultations
    async def insert(self, item_id: int, silence_agree: bool) -> None:
        """Add the consultation part of a new item, inside the creating transaction."""
        await self.db.execute(
            "INSERT INTO consultations (item_id, silence_agree) VALUES (?, ?)",
            (item_id, int(silence_agree)),
        )

    async def get(self, item_id: int) -> Consultation | None:
        """A consultation by item id."""
        row = await self.db.fetchone(SELECT_CONSULTATION + " WHERE items.id = ?", (item_id,))
        return consultation_from_row(row)

    async def electorate(self, item_id: int) -> list[int]:
        """Ids of the members counted on the consultation (view `electorate`)."""
        return await responses.electorate(self.db, item_id)

    async def status(self, item_id: int) -> str | None:
        """The item's status (as seen inside the caller's transaction, if one is open)."""
        return await self.db.fetchval("SELECT status FROM items WHERE id = ?", (item_id,))

    async def mark_closed(self, item_id: int, electorate: list[int]) -> None:
        """Record who was counted at close (and how many)."""
        await self.db.execute(
            "UPDATE consultations SET eligible_count = ?, electorate = ? WHERE item_id = ?",
            (len(electorate), json.dumps(electorate), item_id),
        )

    async def set_result_message(self, item_id: int, message_id: int) -> None:
        """Remember the message that carries the published result."""
        await self.db.execute(
            "UPDATE consultations SET result_message_id = ? WHERE item_id = ?",
            (message_id, item_id),
        )

    # ------------------------------------------------------------ opinions
    async def add_opinion(
        self,
        *,
        item_id: int,
        member_id: int,
        answer: str,
        text: str,
        now: datetime,
        auto: bool = False,
        acting_id: int | None = None,
    ) -> int:
        """Append an answer (the latest one counts); return its id. `acting_id`: the stand-in
        who gave it."""
        return await self.db.execute(
            "INSERT INTO opinions (item_id, member_id, answer, text, auto, at, acting_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (item_id, member_id, answer, text, int(auto), to_db(now), acting_id),
        )

    async def history(self, item_id: int) -> list[Opinion]:
        """Every answer on an item, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM opinions WHERE item_id = ? ORDER BY id", (item_id,)
        )
        return [opinion_from_row(r) for r in rows]

    async def current(self, item_id: int) -> dict[int, Opinion]:
        """Each member's current answer on an item (view `current_opinions`), by member id."""
        rows = await self.db.fetchall(
            "SELECT * FROM current_opinions WHERE item_id = ?", (item_id,)
        )
        return {r["member_id"]: opinion_from_row(r) for r in rows}

    # ------------------------------------------------------------ prompts
    async def put_prompt(
        self,
        *,
        user_id: int,
        chat_id: int,
        item_id: int,
        answer: str,
        prompt_message_id: int | None,
        now: datetime,
    ) -> None:
        """Wait for this person's text in this chat (replacing an earlier prompt there)."""
        await self.db.execute(
            "INSERT OR REPLACE INTO opinion_prompts"
            " (user_id, chat_id, item_id, answer, prompt_message_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, chat_id, item_id, answer, prompt_message_id, to_db(now)),
        )

    async def prompt(self, user_id: int, chat_id: int) -> Prompt | None:
        """What we are waiting for from this person in this chat."""
        row = await self.db.fetchone(
            "SELECT * FROM opinion_prompts WHERE user_id = ? AND chat_id = ?", (user_id, chat_id)
        )
        return _prompt(row)

    async def prompt_by_message(self, chat_id: int, message_id: int) -> Prompt | None:
        """The prompt a message of the bot carries."""
        row = await self.db.fetchone(
            "SELECT * FROM opinion_prompts WHERE chat_id = ? AND prompt_message_id = ?",
            (chat_id, message_id),
        )
        return _prompt(row)

    async def drop_prompts(self, item_id: int, user_id: int | None = None) -> None:
        """Forget the prompts of an item (of one person, or everyone's)."""
        await self.db.execute(
            "DELETE FROM opinion_prompts WHERE item_id = ? AND (? IS NULL OR user_id = ?)",
            (item_id, user_id, user_id),
        )

    async def drop_prompt(self, user_id: int, chat_id: int) -> None:
        """Forget one prompt."""
        await self.db.execute(
            "DELETE FROM opinion_prompts WHERE user_id = ? AND chat_id = ?", (user_id, chat_id)
        )
