"""Repository of `meetings`, their agenda, attendance, prompts, conclusions and drafts (0013)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, from_db, to_db


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda line (`line`) or a pre-read document (`preread`, `text` is its file name)."""

    id: int
    kind: str
    text: str
    file_id: str | None


@dataclass(frozen=True)
class Attendance:
    """An invitee's current answer: attend, standin (detail = who) or absent (detail = why)."""

    member_id: int
    status: str
    detail: str
    at: datetime
    acting_id: int | None = None  # the stand-in who answered for the invitee (issue 17)


@dataclass(frozen=True)
class MeetingPrompt:
    """The stand-in name or absence reason the bot waits for from one person in one chat."""

    user_id: int
    chat_id: int
    item_id: int
    status: str
    prompt_message_id: int | None
    member_id: int | None = None  # the seat the text is for (a stand-in's principal), else None


@dataclass(frozen=True)
class Conclusion:
    """A recorded conclusion and the task it became (if it named a person and a date)."""

    id: int
    text: str
    task_item_id: int | None


@dataclass(frozen=True)
class Draft:
    """A `/conclude` waiting for confirmation: the parsed lines as plain data."""

    id: int
    item_id: int
    created_by: int
    lines: list[dict]
    decided: bool


class MeetingRepo:
    """SQL for meetings."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------ the meeting
    async def insert(self, item_id: int, place: str) -> None:
        """The meeting part of a new item (inside the creating transaction)."""
        await self.db.execute(
            "INSERT INTO meetings (item_id, place) VALUES (?, ?)", (item_id, place)
        )

    async def get(self, item_id: int) -> tuple[str, int, str | None] | None:
        """(place, sequence, cancel reason) of a meeting."""
        row = await self.db.fetchone(
            "SELECT place, sequence, cancel_reason FROM meetings WHERE item_id = ?", (item_id,)
        )
        return None if row is None else (row["place"], row["sequence"], row["cancel_reason"])

    async def bump_sequence(self, item_id: int) -> None:
        """The meeting's time changed: the next .ics must replace the earlier one."""
        await self.db.execute(
            "UPDATE meetings SET sequence = sequence + 1 WHERE item_id = ?", (item_id,)
        )

    async def set_cancelled(self, item_id: int, reason: str) -> None:
        """Record why the meeting was cancelled (and raise the .ics sequence)."""
        await self.db.execute(
            "UPDATE meetings SET cancel_reason = ?, sequence = sequence + 1 WHERE item_id = ?",
            (reason, item_id),
        )

    # ------------------------------------------------------------ agenda
    async def add_agenda(
        self, item_id: int, kind: str, text: str, file_id: str | None, by: int, now: datetime
    ) -> None:
        """Append an agenda line or a pre-read."""
        await self.db.execute(
            "INSERT INTO meeting_agenda (item_id, kind, text, file_id, added_by, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, kind, text, file_id, by, to_db(now)),
        )

    async def agenda(self, item_id: int) -> list[AgendaEntry]:
        """Agenda lines and pre-reads in the order added."""
        rows = await self.db.fetchall(
            "SELECT id, kind, text, file_id FROM meeting_agenda WHERE item_id = ? ORDER BY id",
            (item_id,),
        )
        return [AgendaEntry(r["id"], r["kind"], r["text"], r["file_id"]) for r in rows]

    # ------------------------------------------------------------ attendance
    async def set_attendance(
        self, item_id: int, member_id: int, status: str, detail: str, now: datetime,
        acting_id: int | None = None,
    ) -> None:  # fmt: skip
        """An invitee's answer (replaces the earlier one); `acting_id`: given by their stand-in."""
        await self.db.execute(
            "INSERT OR REPLACE INTO meeting_attendance"
            " (item_id, member_id, status, detail, at, acting_id) VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, member_id, status, detail, to_db(now), acting_id),
        )

    async def attendance(self, item_id: int) -> dict[int, Attendance]:
        """Current answers by member id."""
        rows = await self.db.fetchall(
            "SELECT * FROM meeting_attendance WHERE item_id = ?", (item_id,)
        )
        return {
            r["member_id"]: Attendance(
                r["member_id"], r["status"], r["detail"], from_db(r["at"]), r["acting_id"]
            )
            for r in rows
        }

    # ------------------------------------------------------------ prompts
    async def put_prompt(
        self, user_id: int, chat_id: int, item_id: int, status: str, message_id: int | None,
        now: datetime, member_id: int | None = None,
    ) -> None:  # fmt: skip
        """Wait for this person's text in this chat (replacing an earlier prompt there);
        `member_id`: the seat it is for when they answer as a stand-in."""
        await self.db.execute(
            "INSERT OR REPLACE INTO meeting_prompts"
            " (user_id, chat_id, item_id, status, prompt_message_id, created_at, member_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, chat_id, item_id, status, message_id, to_db(now), member_id),
        )

    async def prompt(self, user_id: int, chat_id: int) -> MeetingPrompt | None:
        """The text awaited from this person in this chat."""
        row = await self.db.fetchone(
            "SELECT * FROM meeting_prompts WHERE user_id = ? AND chat_id = ?", (user_id, chat_id)
        )
        return _prompt(row)

    async def prompt_by_message(self, chat_id: int, message_id: int) -> MeetingPrompt | None:
        """The prompt a bot message in a group carries."""
        row = await self.db.fetchone(
            "SELECT * FROM meeting_prompts WHERE chat_id = ? AND prompt_message_id = ?",
            (chat_id, message_id),
        )
        return _prompt(row)

    async def drop_prompts(self, item_id: int, user_id: int) -> None:
        """Stop waiting for this person's text on this meeting."""
        await self.db.execute(
            "DELETE FROM meeting_prompts WHERE item_id = ? AND user_id = ?", (item_id, user_id)
        )

    # ------------------------------------------------------------ conclusions
    async def add_conclusion(
        self, item_id: int, text: str, task_item_id: int | None, now: datetime
    ) -> None:
        """Record one conclusion (and the task it became)."""
        await self.db.execute(
            "INSERT INTO meeting_conclusions (item_id, text, task_item_id, created_at)"
            " VALUES (?, ?, ?, ?)",
            (item_id, text, task_item_id, to_db(now)),
        )

    async def conclusions(self, item_id: int) -> list[Conclusion]:
        """The meeting's conclusions in order."""
        rows = await self.db.fetchall(
            "SELECT id, text, task_item_id FROM meeting_conclusions WHERE item_id = ? ORDER BY id",
            (item_id,),
        )
        return [Conclusion(r["id"], r["text"], r["task_item_id"]) for r in rows]

    async def meeting_of_task(self, task_item_id: int) -> int | None:
        """The number of the meeting whose conclusion a task came from."""
        return await self.db.fetchval(
            "SELECT items.number FROM meeting_conclusions c JOIN items ON items.id = c.item_id"
            " WHERE c.task_item_id = ?",
            (task_item_id,),
        )

    async def conclusion_tasks(
        self, committee_id: int
    ) -> list[tuple[int, str, str, datetime | None]]:
        """(meeting number, meeting title, task status, task deadline) of every conclusion task."""
        rows = await self.db.fetchall(
            "SELECT m.number, m.title, t.status, t.deadline FROM meeting_conclusions c"
            " JOIN items m ON m.id = c.item_id JOIN items t ON t.id = c.task_item_id"
            " WHERE m.committee_id = ? ORDER BY m.number, c.id",
            (committee_id,),
        )
        return [(r["number"], r["title"], r["status"], from_db(r["deadline"])) for r in rows]

    async def meeting_ids(
        self, committee_id: int, start: datetime | None, end: datetime | None
    ) -> list[int]:
        """Item ids of the committee's meetings starting in [start, end) (None: no bound)."""
        rows = await self.db.fetchall(
            "SELECT id FROM items WHERE committee_id = ? AND kind = 'meeting'"
            " AND (? IS NULL OR deadline >= ?) AND (? IS NULL OR deadline < ?) ORDER BY number",
            (committee_id, to_db(start), to_db(start), to_db(end), to_db(end)),
        )
        return [r["id"] for r in rows]

    # ------------------------------------------------------------ drafts
    async def add_draft(self, item_id: int, by: int, lines: list[dict], now: datetime) -> int:
        """Keep a parsed `/conclude` until it is confirmed or dropped."""
        return await self.db.execute(
            "INSERT INTO meeting_drafts (item_id, created_by, lines, created_at)"
            " VALUES (?, ?, ?, ?)",
            (item_id, by, json.dumps(lines, ensure_ascii=False), to_db(now)),
        )

    async def draft(self, draft_id: int) -> Draft | None:
        """A draft by id."""
        row = await self.db.fetchone("SELECT * FROM meeting_drafts WHERE id = ?", (draft_id,))
        if row is None:
            return None
        return Draft(
            row["id"], row["item_id"], row["created_by"], json.loads(row["lines"]),
            row["decided_at"] is not None,
        )  # fmt: skip

    async def decide_draft(self, draft_id: int, now: datetime) -> bool:
        """Mark a draft decided; False if it was decided already (a second press)."""
        changed = await self.db.execute_rowcount(
            "UPDATE meeting_drafts SET decided_at = ? WHERE id = ? AND decided_at IS NULL",
            (to_db(now), draft_id),
        )
        return changed == 1


def _prompt(row) -> MeetingPrompt | None:
    if row is None:
        return None
    return MeetingPrompt(
        row["user_id"],
        row["chat_id"],
        row["item_id"],
        row["status"],
        row["prompt_message_id"],
        row["member_id"],
    )
