"""What collections plan over time: reminders to non-senders and the next occurrence of a
recurring series (mixed into `CollectionService`, which provides the repositories)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import dates, recurrence, scheduler
from bot.models import VOTING_ROLES
from bot.services.collection_model import Standing
from bot.services.settings import config_of
from storage.committees import Committee
from storage.items import Item
from storage.series import Series


class CollectionSchedule:
    """Reminder plans and recurring occurrences of collections."""

    async def reminder_plans(self, item: Item, committee: Committee, now: datetime) -> list:
        """Reminders to non-senders: the committee's offsets before the deadline, then each
        working morning while late files are still taken (the reminder pipeline's rows)."""
        cfg = config_of(committee)
        collection = await self.repo.get(item.id)
        if collection is None or item.deadline is None:
            return []
        before = scheduler.task_offsets(item.deadline, now, cfg)
        plans = [scheduler.Plan(p.at, scheduler.PENDING, p.seq) for p in before]
        start = max(now, item.deadline)
        at = scheduler.morning(dates.local_date(start, cfg.tz), cfg)
        if at <= start:
            at = scheduler.morning(dates.local_date(start, cfg.tz) + timedelta(days=1), cfg)
        if at < collection.closes_at:
            day = scheduler.day_seq(dates.local_date(at, cfg.tz))
            plans.append(scheduler.Plan(at, scheduler.PENDING, -day))
        return plans

    # ------------------------------------------------------------ recurring
    async def next_occurrence(self, item_id: int, now: datetime) -> Standing | None:
        """Create the next occurrence of the item's series, once (inside the caller's
        transaction; the occurrences' primary key refuses a second one)."""
        found = await self.series.of_item(item_id)
        if found is None:
            return None
        series = await self.series.get(found[0])
        if series.kind != "collection":
            return None
        latest = await self.series.latest(series.id)
        if series.stopped_at is not None or latest is None or latest[0] != found[1]:
            return None  # stopped, or the next one exists already
        committee = await self.committees.get(series.committee_id)
        cfg = config_of(committee)
        rule = recurrence.Recurrence(series.every, series.on_day)
        seq, deadline = recurrence.next_after(
            series.anchor_date, series.anchor_time, rule, found[1], now, cfg
        )
        recipients = await self._series_recipients(series, item_id)
        if not recipients:
            return None
        new_id = await self._create(
            committee, series.title, deadline, recipients, series.named, None, now,
            series=(series.id, seq), previous=item_id,
        )  # fmt: skip
        return await self.standing(await self.items.get(new_id))

    async def _series_recipients(self, series: Series, item_id: int) -> list[int]:
        if series.named:  # the same named seats, those still active
            people = await self.members.many(list(series.recipients))
            return [m.id for m in people.values() if m.active]
        roster = await self.members.list(series.committee_id)
        return [m.id for m in roster if m.role in VOTING_ROLES]
