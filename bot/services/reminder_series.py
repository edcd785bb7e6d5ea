"""Recurring ad-hoc reminders: `/remind <date> <text> hằng tháng|quý|năm` starts a series; once
a reminder of it has gone out, the next one is planned (its own reminder number), once —
the occurrence key refuses a second. `/unremind N` on the current one ends the series."""

from __future__ import annotations

from datetime import datetime

from bot import recurrence, scheduler
from bot.services.settings import config_of
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.db import Database
from storage.reminders import Reminder, ReminderRepo
from storage.series import SeriesRepo

KIND = "adhoc"


class ReminderSeries:
    """Starts reminder series and plans their next reminders."""

    def __init__(
        self,
        db: Database,
        series: SeriesRepo,
        reminders: ReminderRepo,
        committees: CommitteeRepo,
        audit: AuditRepo,
    ) -> None:
        self.db, self.series, self.reminders = db, series, reminders
        self.committees, self.audit = committees, audit

    async def start(
        self,
        committee: Committee,
        reminder: Reminder,
        rule: recurrence.Recurrence,
        actor_user_id: int | None,
        now: datetime,
    ) -> int:
        """Make ad-hoc reminder `reminder` occurrence 0 of a new series; return its id."""
        local = reminder.due_at.astimezone(config_of(committee).tz)
        async with self.db.transaction():
            series_id = await self.series.insert(
                committee_id=committee.id, kind=KIND, every=rule.every, on_day=rule.on_day,
                anchor=local, title=reminder.text, named=False, recipients=[],
                created_by=actor_user_id, now=now,
            )  # fmt: skip
            await self.series.add_reminder_occurrence(series_id, 0, reminder.id)
            await self.audit.add(
                committee.id, "series.start", actor_user_id, now, series=series_id,
                every=rule.every, on_day=rule.on_day, number=reminder.seq,
            )  # fmt: skip
        return series_id

    async def catch_up(self, now: datetime) -> int:
        """Plan the next reminder of every series whose current one went out; end those whose
        current one was cancelled. Returns how many were planned."""
        planned = 0
        for series_id, seq, reminder_id in await self.series.reminder_rollover_due():
            row = await self.reminders.get(reminder_id)
            series = await self.series.get(series_id)
            async with self.db.transaction():
                if row.sent_at is None and row.cancel_reason == "unremind":
                    await self.series.stop(series_id, None, now)  # /unremind ends the series
                    continue
                committee = await self.committees.get(series.committee_id)
                cfg = config_of(committee)
                rule = recurrence.Recurrence(series.every, series.on_day)
                next_seq, at = recurrence.next_after(
                    series.anchor_date, series.anchor_time, rule, seq, now, cfg
                )
                at = scheduler.defer(at, cfg)
                user = series.created_by or 0
                fresh = await self.reminders.add_adhoc(committee.id, at, series.title, user, now)
                await self.series.add_reminder_occurrence(series_id, next_seq, fresh.id)
                planned += 1
        return planned

    async def current(self, series_id: int) -> Reminder | None:
        """The series' newest reminder."""
        found = await self.series.latest_reminder(series_id)
        return await self.reminders.get(found) if found else None
