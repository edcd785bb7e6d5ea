"""Recurring series: `/recurring` lists them, `/stop N` ends one, and the catch-up creates a
missing next occurrence (a collection's close creates it in its own transaction; a task's comes
when it is done or cancelled, or when its deadline passes; this covers every case again)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.errors import DomainError
from bot.recurrence import Recurrence
from bot.services.collection_model import Standing
from bot.services.collections import CollectionService
from bot.services.guard import guarded
from bot.services.reminder_series import ReminderSeries
from bot.services.task_series import TaskSeries
from storage.committees import Committee
from storage.items import Item
from storage.members import Member
from storage.reminders import Reminder
from storage.series import Series

Announce = Callable[[Standing], Awaitable[None]]
AnnounceTask = Callable[[int], Awaitable[None]]  # a new task occurrence's item id


@dataclass(frozen=True)
class SeriesLine:
    """A running series and its newest occurrence."""

    series: Series
    latest: Item | None
    reminder: Reminder | None = None  # a reminder series' newest reminder


class SeriesService:
    """Reads and ends series; creates missing occurrences."""

    def __init__(
        self, collections: CollectionService, tasks: TaskSeries, reminders: ReminderSeries
    ) -> None:
        self.collections, self.tasks, self.reminders = collections, tasks, reminders
        self.db, self.repo = collections.db, collections.series
        self.items, self.audit, self.clock = collections.items, collections.audit, collections.clock
        self.members = collections.members

    async def running(self, committee: Committee) -> list[SeriesLine]:
        """The committee's series that run, with their newest occurrence."""
        lines = []
        for series in await self.repo.of_committee(committee.id):
            latest = await self.repo.latest(series.id)
            item = await self.items.get(latest[1]) if latest else None
            lines.append(SeriesLine(series, item, await self.reminders.current(series.id)))
        return lines

    @guarded
    async def stop(self, committee: Committee, actor: Member, number: int) -> SeriesLine:
        """`/stop N`: item #N's series creates no further occurrence (#N itself stays)."""
        item = await self.items.by_number(committee.id, number)
        if item is None:
            raise DomainError("item.not_found", number=number)
        found = await self.repo.of_item(item.id)
        if found is None:
            raise DomainError("recurring.not_recurring", number=number)
        series = await self.repo.get(found[0])
        now = self.clock.now()
        if not await self.repo.stop(series.id, actor.user_id, now):
            raise DomainError("recurring.already_stopped", number=number)
        await self.audit.add(
            committee.id, "series.stop", actor.user_id, now, item.id, series=series.id,
            title=series.title, every=series.every,
        )  # fmt: skip
        return SeriesLine(series, item)

    async def start_task(self, item_id: int, rule: Recurrence, actor: Member) -> None:
        """`/assign … hằng tháng`: the new task is occurrence 0 of a series."""
        await self.tasks.start(item_id, rule, actor.user_id, self.clock.now())

    async def start_reminder(
        self, committee: Committee, reminder: Reminder, rule: Recurrence, actor: Member
    ) -> None:
        """`/remind <date> <text> hằng tháng`: the reminder is occurrence 0 of a series."""
        await self.reminders.start(committee, reminder, rule, actor.user_id, self.clock.now())

    async def catch_up(self, announce: Announce, announce_task: AnnounceTask) -> int:
        """Create every missing next occurrence (idempotent); the announcers stage its card
        inside the creating transaction. Returns how many were created."""
        created = await self.reminders.catch_up(self.clock.now())
        for item_id in await self.repo.rollover_due(self.clock.now()):
            created += await self.roll(item_id, announce, announce_task)
        return created

    async def roll(self, item_id: int, announce: Announce, announce_task: AnnounceTask) -> int:
        """Create the occurrence after `item_id` if it is due and missing; 1 if created."""
        now = self.clock.now()
        async with self.collections.events.deferred(), self.db.transaction():
            following = await self.collections.next_occurrence(item_id, now)
            if following is not None:
                await announce(following)
                return 1
            new_task = await self.tasks.next_after(item_id, now)
            if new_task is not None:
                await announce_task(new_task)
                return 1
        return 0

    async def finished_task(self, item_id: int) -> bool:
        """Whether `item_id` is a task occurrence that is done or cancelled (its next is due)."""
        item = await self.items.get(item_id)
        if item is None or item.kind != "task" or item.status not in {"done", "cancelled"}:
            return False
        return await self.repo.of_item(item_id) is not None
