"""Reads of the views that define who counts and each person's current answer or ballot.

The rule itself is SQL in migration 0008 (`electorate`, `current_opinions`, `current_ballots`);
the repositories of consultations, votes, digests and reports answer through these helpers.
"""

from __future__ import annotations

import json
from collections import defaultdict

from storage.db import Database


def _ids(item_ids: list[int]) -> str:
    return json.dumps(sorted(set(item_ids)))


async def electorates(db: Database, item_ids: list[int]) -> dict[int, list[int]]:
    """Member ids counted on each item (frozen at close, else the active voting members)."""
    rows = await db.fetchall(
        "SELECT item_id, member_id FROM electorate"
        " WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY item_id, member_id",
        (_ids(item_ids),),
    )
    found: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        found[r["item_id"]].append(r["member_id"])
    return {item_id: found.get(item_id, []) for item_id in item_ids}


async def electorate(db: Database, item_id: int) -> list[int]:
    """Member ids counted on one item, in joining order."""
    return (await electorates(db, [item_id]))[item_id]


async def current_opinion_ids(db: Database, item_ids: list[int]) -> frozenset[int]:
    """Ids of the current answers on these consultations (view `current_opinions`)."""
    rows = await db.fetchall(
        "SELECT id FROM current_opinions WHERE item_id IN (SELECT value FROM json_each(?))",
        (_ids(item_ids),),
    )
    return frozenset(r["id"] for r in rows)


async def current_ballot_ids(db: Database, item_ids: list[int]) -> frozenset[int]:
    """Ids of the current ballots on these votes (view `current_ballots`)."""
    rows = await db.fetchall(
        "SELECT id FROM current_ballots WHERE item_id IN (SELECT value FROM json_each(?))",
        (_ids(item_ids),),
    )
    return frozenset(r["id"] for r in rows)
