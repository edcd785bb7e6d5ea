"""Repository of recurring series and their occurrences (one item per occurrence, once)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time

from storage.db import Database, from_db, to_db


@dataclass(frozen=True)
class Series:
    """A recurring item: what each occurrence is made from."""

    id: int
    committee_id: int
    kind: str
    every: str
    on_day: int | None
    anchor_date: date
    anchor_time: time
    title: str
    named: bool
    recipients: tuple[int, ...]
    created_by: int | None
    created_at: datetime
    stopped_at: datetime | None


def _series(row) -> Series | None:
    if row is None:
        return None
    return Series(
        row["id"],
        row["committee_id"],
        row["kind"],
        row["every"],
        row["on_day"],
        date.fromisoformat(row["anchor_date"]),
        time.fromisoformat(row["anchor_time"]),
        row["title"],
        bool(row["named"]),
        tuple(json.loads(row["recipients"])),
        row["created_by"],
        from_db(row["created_at"]),
        from_db(row["stopped_at"]),
    )


class SeriesRepo:
    """SQL for series and occurrences."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self,
        *,
        committee_id: int,
        kind: str,
        every: str,
        on_day: int | None,
        anchor: datetime,
        title: str,
        named: bool,
        recipients: list[int],
        created_by: int | None,
        now: datetime,
    ) -> int:
        """A new series (inside the transaction creating its first occurrence)."""
        return await self.db.execute(
            "INSERT INTO series (committee_id, kind, every, on_day, anchor_date, anchor_time,"
            " title, named, recipients, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (committee_id, kind, every, on_day, anchor.date().isoformat(),
             anchor.time().strftime("%H:%M"), title, int(named), json.dumps(recipients),
             created_by, to_db(now)),
        )  # fmt: skip

    async def get(self, series_id: int) -> Series | None:
        """A series by id."""
        return _series(await self.db.fetchone("SELECT * FROM series WHERE id = ?", (series_id,)))

    async def of_committee(self, committee_id: int) -> list[Series]:
        """The committee's series that run (not stopped), oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM series WHERE committee_id = ? AND stopped_at IS NULL ORDER BY id",
            (committee_id,),
        )
        return [_series(r) for r in rows]

    async def stop(self, series_id: int, by: int | None, now: datetime) -> bool:
        """End a series; False if it was already stopped."""
        changed = await self.db.execute_rowcount(
            "UPDATE series SET stopped_at = ?, stopped_by = ? WHERE id = ? AND stopped_at IS NULL",
            (to_db(now), by, series_id),
        )
        return changed == 1

    async def add_occurrence(self, series_id: int, seq: int, item_id: int) -> None:
        """Record occurrence `seq` as `item_id` (a second one violates the primary key, which
        rolls the creating transaction back: an occurrence exists once)."""
        await self.db.execute(
            "INSERT INTO occurrences (series_id, seq, item_id) VALUES (?, ?, ?)",
            (series_id, seq, item_id),
        )

    async def has_occurrence(self, series_id: int, seq: int) -> bool:
        """Whether occurrence `seq` was created."""
        found = await self.db.fetchval(
            "SELECT 1 FROM occurrences WHERE series_id = ? AND seq = ?", (series_id, seq)
        )
        return found is not None

    async def of_item(self, item_id: int) -> tuple[int, int] | None:
        """(series id, seq) of an item that is an occurrence."""
        row = await self.db.fetchone(
            "SELECT series_id, seq FROM occurrences WHERE item_id = ?", (item_id,)
        )
        return (row["series_id"], row["seq"]) if row else None

    async def latest(self, series_id: int) -> tuple[int, int] | None:
        """(seq, item id) of the newest occurrence."""
        row = await self.db.fetchone(
            "SELECT seq, item_id FROM occurrences WHERE series_id = ? ORDER BY seq DESC LIMIT 1",
            (series_id,),
        )
        return (row["seq"], row["item_id"]) if row else None

    async def rollover_due(self, now: datetime) -> list[int]:
        """Newest occurrences of running series whose next one is due and missing: closed, done
        or cancelled ones, and open tasks past their deadline (their next period has begun)."""
        rows = await self.db.fetchall(
            "SELECT o.item_id FROM series s"
            " JOIN occurrences o ON o.series_id = s.id"
            " JOIN items i ON i.id = o.item_id"
            " WHERE s.stopped_at IS NULL AND (i.status IN ('closed', 'done', 'cancelled')"
            "  OR (i.kind = 'task' AND i.deadline <= ?))"
            " AND o.seq = (SELECT MAX(seq) FROM occurrences WHERE series_id = s.id)",
            (to_db(now),),
        )
        return [r["item_id"] for r in rows]

    # ------------------------------------------------------------ ad-hoc reminder series
    async def add_reminder_occurrence(self, series_id: int, seq: int, reminder_id: int) -> None:
        """Record occurrence `seq` of a reminder series as reminder row `reminder_id` (once)."""
        await self.db.execute(
            "INSERT INTO reminder_occurrences (series_id, seq, reminder_id) VALUES (?, ?, ?)",
            (series_id, seq, reminder_id),
        )

    async def latest_reminder(self, series_id: int) -> int | None:
        """The reminder row of a reminder series' newest occurrence."""
        return await self.db.fetchval(
            "SELECT reminder_id FROM reminder_occurrences WHERE series_id = ?"
            " ORDER BY seq DESC LIMIT 1",
            (series_id,),
        )

    async def reminder_rollover_due(self) -> list[tuple[int, int, int]]:
        """(series, seq, reminder) of running reminder series whose newest reminder went out
        or was cancelled: the next one is to be planned (or the series ended)."""
        rows = await self.db.fetchall(
            "SELECT s.id, o.seq, o.reminder_id FROM series s"
            " JOIN reminder_occurrences o ON o.series_id = s.id"
            " JOIN reminders r ON r.id = o.reminder_id"
            " WHERE s.stopped_at IS NULL AND s.kind = 'adhoc'"
            " AND (r.sent_at IS NOT NULL OR r.cancelled_at IS NOT NULL)"
            " AND o.seq = (SELECT MAX(seq) FROM reminder_occurrences WHERE series_id = s.id)"
        )
        return [(r["id"], r["seq"], r["reminder_id"]) for r in rows]
