"""Recurring tasks: `/assign … hằng tháng` starts a series; when an occurrence is done or
cancelled — or its deadline passes (the next period has begun) — the next one is created once,
with the same lead and cooperators and its own #N (the occurrences' key refuses a second)."""

from __future__ import annotations

from datetime import datetime

from bot import recurrence
from bot.events import Events
from bot.services.programmes import ProgrammeService
from bot.services.settings import config_of
from storage.audit import AuditRepo
from storage.committees import CommitteeRepo
from storage.db import Database, to_db
from storage.items import ItemRepo
from storage.members import MemberRepo
from storage.series import SeriesRepo
from storage.tasks import TaskRepo

KIND = "task"


class TaskSeries:
    """Starts task series and creates their next occurrences (inside the caller's transaction)."""

    def __init__(
        self,
        db: Database,
        series: SeriesRepo,
        items: ItemRepo,
        tasks: TaskRepo,
        committees: CommitteeRepo,
        members: MemberRepo,
        audit: AuditRepo,
        events: Events,
        programmes: ProgrammeService | None = None,
    ) -> None:
        self.db, self.series, self.items, self.tasks = db, series, items, tasks
        self.committees, self.members, self.audit, self.events = committees, members, audit, events
        self.programmes = programmes  # the next occurrence keeps the programme (issue 17)

    async def start(
        self, item_id: int, rule: recurrence.Recurrence, actor_user_id: int | None, now: datetime
    ) -> int:
        """Make task `item_id` occurrence 0 of a new series; return the series id."""
        task = await self.tasks.get(item_id)
        committee = await self.committees.get(task.item.committee_id)
        local = task.item.deadline.astimezone(config_of(committee).tz)
        async with self.db.transaction():
            series_id = await self.series.insert(
                committee_id=committee.id, kind=KIND, every=rule.every, on_day=rule.on_day,
                anchor=local, title=task.item.title, named=True,
                recipients=list(task.assignee_ids), created_by=actor_user_id, now=now,
            )  # fmt: skip
            await self.series.add_occurrence(series_id, 0, item_id)
            await self.audit.add(
                committee.id, "series.start", actor_user_id, now, item_id, series=series_id,
                every=rule.every, on_day=rule.on_day,
            )  # fmt: skip
        return series_id

    async def next_after(self, item_id: int, now: datetime) -> int | None:
        """Create the occurrence after task `item_id` (once); its id, or None."""
        found = await self.series.of_item(item_id)
        if found is None:
            return None
        series = await self.series.get(found[0])
        latest = await self.series.latest(series.id)
        if series.kind != KIND or series.stopped_at is not None or latest[0] != found[1]:
            return None
        people = await self.members.many(list(series.recipients))
        assignees = [i for i in series.recipients if i in people and people[i].active]
        if not assignees or series.recipients[0] not in assignees:
            return None  # the lead has left: the secretary assigns the next one by hand
        committee = await self.committees.get(series.committee_id)
        rule = recurrence.Recurrence(series.every, series.on_day)
        seq, deadline = recurrence.next_after(
            series.anchor_date, series.anchor_time, rule, found[1], now, config_of(committee)
        )
        async with self.db.transaction():
            number = await self.committees.take_number(committee.id)
            new_id = await self.items.insert(
                committee_id=committee.id, number=number, kind=KIND, title=series.title,
                status="open", deadline=deadline, created_by=None, now=now,
            )  # fmt: skip
            await self.tasks.insert(new_id, assignees[0], assignees[1:], "")
            await self.series.add_occurrence(series.id, seq, new_id)
            tagged = await self.programmes.inherit(item_id, new_id) if self.programmes else {}
            await self.audit.add(
                committee.id, "task.create", None, now, item_id=new_id, number=number,
                title=series.title, deadline=to_db(deadline), lead=assignees[0],
                cooperators=assignees[1:], series=series.id, occurrence=seq, **tagged,
            )  # fmt: skip
        await self.events.item_changed(new_id)
        return new_id
