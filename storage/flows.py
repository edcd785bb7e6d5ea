"""Repository of the `flows` table: guided flows in progress (bot/services/flows.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.db import Database, from_db, to_db

OPEN = "open"


@dataclass(frozen=True)
class FlowRow:
    """One guided flow: whose, where, which step, and what was answered so far."""

    id: int
    committee_id: int
    chat_id: int
    thread_id: int | None
    user_id: int
    kind: str
    step: int
    page: int
    typing: bool
    answers: dict[str, Any] = field(hash=False)
    card_message_id: int | None
    prompt_message_id: int | None
    status: str
    created_at: datetime
    expires_at: datetime


_SELECT = (
    "SELECT id, committee_id, chat_id, thread_id, user_id, kind, step, page, typing, answers,"
    " card_message_id, prompt_message_id, status, created_at, expires_at FROM flows"
)


def _row(row) -> FlowRow | None:
    if row is None:
        return None
    data = {name: row[name] for name in FlowRow.__dataclass_fields__}
    data["typing"] = bool(data["typing"])
    data["answers"] = json.loads(data["answers"] or "{}")
    data["created_at"] = from_db(data["created_at"])
    data["expires_at"] = from_db(data["expires_at"])
    return FlowRow(**data)


class FlowRepo:
    """SQL for guided flows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, flow_id: int) -> FlowRow | None:
        """A flow by id, whatever its status."""
        return _row(await self.db.fetchone(_SELECT + " WHERE id = ?", (flow_id,)))

    async def insert(
        self,
        committee_id: int,
        chat_id: int,
        thread_id: int | None,
        user_id: int,
        kind: str,
        answers: dict[str, Any],
        now: datetime,
        expires_at: datetime,
    ) -> int:
        """A new open flow at its first step; return its id."""
        return await self.db.execute(
            "INSERT INTO flows (committee_id, chat_id, thread_id, user_id, kind, answers,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                committee_id, chat_id, thread_id, user_id, kind, json.dumps(answers),
                to_db(now), to_db(expires_at),
            ),
        )  # fmt: skip

    async def save(
        self,
        flow_id: int,
        *,
        step: int,
        page: int,
        typing: bool,
        answers: dict[str, Any],
        expires_at: datetime,
    ) -> int:
        """Store an open flow's progress; return 1, or 0 if it is no longer open."""
        return await self.db.execute_rowcount(
            "UPDATE flows SET step = ?, page = ?, typing = ?, answers = ?, expires_at = ?"
            " WHERE id = ? AND status = 'open'",
            (step, page, int(typing), json.dumps(answers), to_db(expires_at), flow_id),
        )

    async def end(self, flow_id: int, status: str) -> int:
        """End an open flow (`done`, `cancelled`, `expired`); 1, or 0 if it was not open."""
        return await self.db.execute_rowcount(
            "UPDATE flows SET status = ? WHERE id = ? AND status = 'open'", (status, flow_id)
        )

    async def set_messages(
        self, flow_id: int, card: int | None = None, prompt: int | None = None
    ) -> None:
        """Remember the flow's card and (for a typed answer) its prompt message."""
        if card is not None:
            await self.db.execute(
                "UPDATE flows SET card_message_id = ? WHERE id = ?", (card, flow_id)
            )
        if prompt is not None:
            await self.db.execute(
                "UPDATE flows SET prompt_message_id = ? WHERE id = ?", (prompt, flow_id)
            )

    async def open_of(self, chat_id: int, user_id: int) -> list[FlowRow]:
        """The author's open flows in a chat."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE chat_id = ? AND user_id = ? AND status = 'open'",
            (chat_id, user_id),
        )
        return [_row(r) for r in rows]

    async def by_message(self, chat_id: int, message_id: int) -> FlowRow | None:
        """The open flow whose card or prompt is this message."""
        row = await self.db.fetchone(
            _SELECT + " WHERE chat_id = ? AND status = 'open'"
            " AND (prompt_message_id = ? OR card_message_id = ?) ORDER BY id DESC LIMIT 1",
            (chat_id, message_id, message_id),
        )
        return _row(row)

    async def due(self, now: datetime, limit: int = 200) -> list[FlowRow]:
        """Open flows whose time ran out."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT ?",
            (to_db(now), limit),
        )
        return [_row(r) for r in rows]
