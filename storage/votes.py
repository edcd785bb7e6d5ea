"""Repository of the `votes` and `ballots` tables: motions, native polls and every ballot cast."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage import responses
from storage.db import Database, from_db, to_db
from storage.items import Item, item_from_row


@dataclass(frozen=True)
class Vote:
    """The vote-specific part of an item of kind 'vote'."""

    item: Item
    mode: str  # 'motion' | 'poll'
    options: tuple[str, ...]
    multi: bool
    anonymous: bool
    poll_id: str | None
    poll_counts: dict[str, Any] | None  # {"counts": [...], "voters": n}
    eligible_count: int | None
    outcome: str | None
    result: dict[str, Any] | None
    result_message_id: int | None

    @property
    def is_poll(self) -> bool:
        """A native Telegram poll (else a formal motion)."""
        return self.mode == "poll"

    @property
    def is_open(self) -> bool:
        """Not closed yet (the deadline may have passed: the scheduler closes it soon)."""
        return self.item.status == "open"

    def taking_ballots(self, now: datetime) -> bool:
        """Open and its deadline not reached: ballots after the deadline are late."""
        return self.is_open and (self.item.deadline is None or now < self.item.deadline)


@dataclass(frozen=True)
class Ballot:
    """One ballot row: a motion choice (str) or poll option indexes (list; [] = retracted)."""

    id: int
    item_id: int
    member_id: int | None
    user_id: int
    choice: Any
    late: bool
    at: datetime
    acting_id: int | None = None  # the stand-in who cast it for the member (issue 17)

    @property
    def voted(self) -> bool:
        """A real ballot (a withdrawn poll answer, `[]`, is none)."""
        return self.choice not in ([], None, "")


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _counts(text: str | None) -> dict[str, Any] | None:
    """Poll counts as `{"counts": [...], "voters": n}` (a bare list is read as the counts)."""
    value = _loads(text)
    return {"counts": value, "voters": None} if isinstance(value, list) else value


def vote_from_row(row) -> Vote | None:
    """Build a Vote from a row holding the items and votes columns."""
    if row is None:
        return None
    return Vote(
        item=item_from_row(row),
        mode=row["mode"],
        options=tuple(json.loads(row["options"])),
        multi=bool(row["multi"]),
        anonymous=bool(row["anonymous"]),
        poll_id=row["poll_id"],
        poll_counts=_counts(row["poll_counts"]),
        eligible_count=row["eligible_count"],
        outcome=row["outcome"],
        result=_loads(row["result"]),
        result_message_id=row["result_message_id"],
    )


def ballot_from_row(row) -> Ballot:
    """Build a Ballot from a `ballots` (or `current_ballots`) row."""
    return Ballot(
        row["id"],
        row["item_id"],
        row["member_id"],
        row["user_id"],
        json.loads(row["choice"]),
        bool(row["late"]),
        from_db(row["at"]),
        row["acting_id"],
    )


SELECT_VOTE = "SELECT items.*, votes.* FROM items JOIN votes ON votes.item_id = items.id"
_VOTE_COLUMNS = frozenset({"poll_id", "poll_counts", "result_message_id"})


class VoteRepo:
    """SQL for votes and ballots."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, item_id: int) -> Vote | None:
        """A vote by item id."""
        row = await self.db.fetchone(SELECT_VOTE + " WHERE items.id = ?", (item_id,))
        return vote_from_row(row)

    async def by_poll_id(self, poll_id: str) -> Vote | None:
        """The vote behind a Telegram poll."""
        row = await self.db.fetchone(SELECT_VOTE + " WHERE votes.poll_id = ?", (poll_id,))
        return vote_from_row(row)

    async def insert(
        self, item_id: int, mode: str, options: list[str], multi: bool, anonymous: bool
    ) -> None:
        """Add the vote row of a new item, inside the caller's transaction."""
        await self.db.execute(
            "INSERT INTO votes (item_id, mode, options, multi, anonymous) VALUES (?, ?, ?, ?, ?)",
            (item_id, mode, json.dumps(options, ensure_ascii=False), int(multi), int(anonymous)),
        )

    async def update(self, item_id: int, **values: Any) -> None:
        """Set poll_id, poll_counts (a dict) or result_message_id."""
        if set(values) - _VOTE_COLUMNS:
            raise ValueError(f"not a vote column: {sorted(set(values) - _VOTE_COLUMNS)}")
        encoded = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in values.items()}
        assignments = ", ".join(f"{name} = ?" for name in encoded)
        sql = f"UPDATE votes SET {assignments} WHERE item_id = ?"  # noqa: S608 - names checked
        await self.db.execute(sql, (*encoded.values(), item_id))

    async def close(
        self,
        item_id: int,
        now: datetime,
        *,
        outcome: str,
        eligible_count: int,
        result: dict[str, Any],
        poll_counts: dict[str, Any] | None,
    ) -> bool:
        """Close an open vote with its stored result (inside the caller's transaction); False
        if it was no longer open."""
        changed = await self.db.execute_rowcount(
            "UPDATE items SET status = 'closed', closed_at = ?, updated_at = ?"
            " WHERE id = ? AND kind = 'vote' AND status = 'open'",
            (to_db(now), to_db(now), item_id),
        )
        if changed == 0:
            return False
        await self.db.execute(
            "UPDATE votes SET outcome = ?, eligible_count = ?, result = ?,"
            " poll_counts = COALESCE(?, poll_counts) WHERE item_id = ?",
            (
                outcome,
                eligible_count,
                json.dumps(result, ensure_ascii=False),
                None if poll_counts is None else json.dumps(poll_counts),
                item_id,
            ),
        )
        return True

    async def add_ballot(
        self,
        item_id: int,
        member_id: int | None,
        user_id: int,
        choice: Any,
        now: datetime,
        *,
        late: bool = False,
        acting_id: int | None = None,
    ) -> None:
        """Record a ballot inside the caller's transaction (`acting_id`: cast by a stand-in)."""
        await self.db.execute(
            "INSERT INTO ballots (item_id, member_id, user_id, choice, late, at, acting_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (item_id, member_id, user_id, json.dumps(choice), int(late), to_db(now), acting_id),
        )

    async def current(self, item_id: int) -> dict[int, Ballot]:
        """Each user's current ballot (view `current_ballots`; retractions included), by user."""
        rows = await self.db.fetchall("SELECT * FROM current_ballots WHERE item_id = ?", (item_id,))
        return {r["user_id"]: ballot_from_row(r) for r in rows}

    async def electorate(self, item_id: int) -> list[int]:
        """Ids of the members counted on the vote (view `electorate`)."""
        return await responses.electorate(self.db, item_id)

    async def history(self, item_id: int) -> list[Ballot]:
        """Every ballot of a vote, oldest first (late ones included)."""
        rows = await self.db.fetchall(
            "SELECT * FROM ballots WHERE item_id = ? ORDER BY id", (item_id,)
        )
        return [ballot_from_row(r) for r in rows]
