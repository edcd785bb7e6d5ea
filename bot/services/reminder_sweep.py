"""The sweep half of the reminder service: what is due now, and what happened when sending.

See `bot.services.reminders` for the exactly-once design. Every due row is checked against the
current state before it is handed out: a finished or rescheduled item cancels it (`stale`), a
later-planned row of the same item due at the same sweep cancels it (`superseded`), quiet hours
or a day off move it to the next allowed moment (keeping its `late` flag if it was late already).

**Batching.** The sweep hands out every due row at once; the Telegram side groups them per
committee into one post (`handlers/reminder_batch.py`). `admit` (in `reminder_posting`, with
what follows a send or a failure) applies the committee's daily ceiling (`maxposts`): once it is
reached, only what always goes (escalations; ad-hoc reminders, which a person asked for at that
time) is posted, the rest waits for the next morning, merged.

**Other item kinds** contribute their reminder rows with `contribute(kind, Contributor(...))`:
their `prepare` turns a due row into a `Dispatch` (whom it concerns, or None when the item no
longer needs it: the row is cancelled as stale); the handlers give the kind its lines
(`handlers.reminder_lines.reminder_lines`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot import scheduler
from bot.services.reminder_dispatch import OPEN, Contributor, Dispatch
from bot.services.reminder_posting import PostingMixin
from bot.services.settings import config_of
from storage.committees import Committee
from storage.members import Member
from storage.reminders import Reminder

__all__ = ["OPEN", "Contributor", "Dispatch", "SweepMixin"]


class SweepMixin(PostingMixin):
    """Methods of ReminderService used by the sweep job (repos are set by ReminderService)."""

    contributors: dict[str, Contributor]

    def contribute(self, kind: str, contributor: Contributor) -> None:
        """Let reminder rows of `kind` (e.g. `meeting`) go through the batched sweep."""
        self.contributors[kind] = contributor

    # ------------------------------------------------------------------ the sweep
    async def due(
        self, now: datetime, limit: int = 100, after: tuple[datetime, int] | None = None
    ) -> tuple[list[Dispatch], tuple[datetime, int] | None]:
        """What to send now (one batch) and the cursor of the next batch (None: no more).

        Rows that are stale (item finished or rescheduled), superseded, or in quiet hours are
        cancelled or deferred here and not returned.
        """
        rows = await self.repo.due(now, limit, after)
        ready = []
        for row in rows:
            dispatch = await self._prepare(row, now)
            if dispatch is not None:
                ready.append(await self._with_standins(dispatch))
        cursor = (rows[-1].due_at, rows[-1].id) if len(rows) == limit else None
        return ready, cursor

    async def _prepare(self, row: Reminder, now: datetime) -> Dispatch | None:
        committee = await self.committees.get(row.committee_id)
        if committee is not None and not committee.active and row.kind == scheduler.DIGEST:
            await self.repo.defer(row.id, now + timedelta(days=7), row.planned_at)  # bot removed
            return None
        if committee is not None and not committee.active and row.kind == scheduler.ADHOC:
            await self.wait_for_return(row, now)  # sent, late, once the bot is back
            return None
        if committee is None or not committee.active:
            await self.repo.cancel(row.id, now, "inactive")
            return None
        cfg = config_of(committee)
        late = scheduler.is_late(row.planned_at, now)
        any_day = not scheduler.allowed(now, cfg) and await self.goes_on_days_off(row)
        if not scheduler.allowed(now, cfg, any_day=any_day):
            at = scheduler.defer(now, cfg, any_day=any_day)
            await self.repo.defer(row.id, at, row.planned_at if late else at)
            return None
        if row.kind in (scheduler.ADHOC, scheduler.DIGEST):
            return Dispatch(row, committee, None, (), (), None, late)
        contributor = self.contributors.get(row.kind)
        if contributor is not None:
            return await self._contributed(contributor, row, committee, now, late)
        item = await self.items.get(row.item_id)
        if item is None or item.status not in OPEN[item.kind] or item.deadline != row.deadline:
            await self.repo.cancel(row.id, now, "stale")
            return None
        if await self.repo.superseded(row, now):
            await self.repo.cancel(row.id, now, "superseded")
            return None
        if row.kind == scheduler.PENDING:
            silent = await self.reminded(item, row.seq)
            if not silent:
                await self.repo.cancel(row.id, now, "nobody")
                return None
            left = item.deadline - now if item.deadline else None
            mode = await self.digest_repo.vote_mode(item.id) if item.kind == "vote" else None
            data = mode[0] if mode else None  # a motion's ballot has buttons, a poll's not
            urgent = self.cannot_wait(row, item)  # a meeting in an hour: past the ceiling too
            return Dispatch(
                row, committee, item, tuple(silent), (), None, late, left, data, urgent=urgent
            )
        task = await self.tasks.get(item.id)
        if task is None:
            await self.repo.cancel(row.id, now, "stale")
            return None
        by_id = await self.members.many(list(task.assignee_ids))
        people = tuple(by_id[i] for i in task.assignee_ids if i in by_id and by_id[i].active)
        bosses: tuple[Member, ...] = ()
        if row.kind == scheduler.OVERDUE and scheduler.escalates(row.seq):
            roster = await self.members.list(committee.id)
            bosses = tuple(m for m in roster if m.role == "chair") + tuple(
                m for m in roster if m.role == "secretary"
            )
        left = item.deadline - now if item.deadline else None
        return Dispatch(row, committee, item, people, bosses, task.progress, late, left)

    async def _contributed(
        self,
        contributor: Contributor,
        row: Reminder,
        committee: Committee,
        now: datetime,
        late: bool,
    ) -> Dispatch | None:
        if row.item_id is not None and await self.repo.superseded(row, now):
            await self.repo.cancel(row.id, now, "superseded")
            return None
        dispatch = await contributor.prepare(row, committee, now)
        if dispatch is None:
            await self.repo.cancel(row.id, now, "stale")
            return None
        return replace(dispatch, late=late)

    async def _with_standins(self, dispatch: Dispatch) -> Dispatch:
        """Name, for each member the reminder concerns, who stands in for them today."""
        standins = getattr(self, "standins", None)
        if standins is None or not dispatch.members:
            return dispatch
        acting = await standins.acting_now(dispatch.committee)
        pairs = tuple((m, acting[m.id]) for m in dispatch.members if m.id in acting)
        return replace(dispatch, standins=pairs) if pairs else dispatch

    async def closable_committees(self, now: datetime) -> frozenset[int]:
        """Committees with a consultation or vote past its deadline that may be disturbed now.

        The auto-closers close (and post) only there; a committee the bot was removed from
        closes nothing (its members could not answer), and one in quiet hours or on a day off
        waits for its next allowed moment without holding back any other committee.
        """
        due = [
            *await self.items.due_open("consultation", now),
            *await self.items.due_open("vote", now),
            *await self.items.due_open("collection", now),  # closes later; its closer decides
        ]
        allowed: set[int] = set()
        for committee_id in {item.committee_id for item in due}:
            committee = await self.committees.get(committee_id)
            if committee is None or not committee.active:  # bot away: nothing closes, no silence
                continue
            if scheduler.allowed(now, config_of(committee)):
                allowed.add(committee_id)
        return frozenset(allowed)
