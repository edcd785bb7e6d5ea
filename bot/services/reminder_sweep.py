"""The sweep half of the reminder service: what is due now, and what happened when sending.

See `bot.services.reminders` for the exactly-once design. Every due row is checked against the
current state before it is handed out: a finished or rescheduled item cancels it (`stale`), a
later-planned row of the same item due at the same sweep cancels it (`superseded`), quiet hours
or a day off move it to the next allowed moment (keeping its `late` flag if it was late already).

**Batching.** The sweep hands out every due row at once; the Telegram side groups them per
committee into one post (`handlers/reminder_batch.py`). `admit` applies the committee's daily
ceiling (`maxposts`): once it is reached, only what always goes (escalations; ad-hoc reminders,
which a person asked for at that time) is posted, the rest waits for the next morning, merged.

**Other item kinds** contribute their reminder rows with `contribute(kind, Contributor(...))`:
their `prepare` turns a due row into a `Dispatch` (whom it concerns, or None when the item no
longer needs it: the row is cancelled as stale); the handlers give the kind its lines
(`handlers.reminder_lines.reminder_lines`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot import scheduler
from bot.dates import local_date
from bot.services.settings import config_of
from storage.committees import Committee
from storage.items import Item
from storage.members import Member
from storage.reminders import Reminder

log = logging.getLogger(__name__)

OPEN = {
    "task": ("open", "in_progress"),
    "consultation": ("open",),
    "vote": ("open",),
    "meeting": ("open",),
    "collection": ("open",),
}
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Dispatch:
    """A due reminder with everything needed to write it."""

    reminder: Reminder
    committee: Committee
    item: Item | None
    members: tuple[Member, ...] = ()  # who is reminded: lead then cooperators, or the silent
    escalate_to: tuple[Member, ...] = ()  # chair and secretary, from the fourth overdue reminder
    progress: int | None = None
    late: bool = False
    time_left: timedelta | None = None  # the item's deadline − now (negative once overdue)
    data: object = None  # a contributed kind's own facts for its lines (a meeting's place, …)
    urgent: bool = False  # a contributed kind's "cannot wait for tomorrow" (a meeting in 1 h)
    standins: tuple[tuple[Member, Member], ...] = ()  # (member away, who acts for them) today

    @property
    def always_goes(self) -> bool:
        """Posted even past the daily ceiling: an escalation, an ad-hoc reminder, or what a
        contributed kind marks urgent."""
        return bool(self.escalate_to) or self.reminder.kind == scheduler.ADHOC or self.urgent

    @property
    def concerned(self) -> tuple[Member, ...]:
        """Everyone this reminder is about or addressed to (for their private message): a
        member's stand-in too (issue 17; the member keeps their own copy if they want it)."""
        return (*self.members, *self.escalate_to, *(acting for _, acting in self.standins))


Prepare = Callable[[Reminder, Committee, datetime], Awaitable["Dispatch | None"]]


@dataclass(frozen=True)
class Contributor:
    """What another item kind (meeting, collection, …) plugs into the sweep.

    `prepare(row, committee, now)`: the due row as a Dispatch (its `members` are whom it
    concerns), or None if it is no longer needed (the row is then cancelled). `after_sent(row,
    now)`: called once the row is marked sent (e.g. to plan the next one); optional.
    """

    prepare: Prepare
    after_sent: Callable[[Reminder, datetime], Awaitable[None]] | None = None


class SweepMixin:
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

    # ------------------------------------------------------------------ the daily ceiling
    async def admit(self, committee: Committee, batch: list[Dispatch], now: datetime) -> list:
        """What of a committee's due batch is posted now; the rest waits for the next morning.

        Under the ceiling (`maxposts` automatic group posts today) everything goes; at it, only
        what always goes (escalations, ad-hoc reminders), and the rest is deferred to the next
        working morning, where it is merged with what is due then.
        """
        cfg = config_of(committee)
        if cfg.max_posts <= 0 or not batch:
            return batch
        today = local_date(now, cfg.tz)
        if await self.posts.posts_on(committee.id, today) < cfg.max_posts:
            return batch
        kept = [d for d in batch if d.always_goes]
        at = scheduler.morning(today + timedelta(days=1), cfg)
        for dispatch in batch:
            if not dispatch.always_goes:
                row = dispatch.reminder
                await self.repo.defer(row.id, at, row.planned_at if dispatch.late else at)
        return kept

    async def posted(self, committee: Committee, now: datetime) -> None:
        """Count one automatic group post of the committee today (for `admit`)."""
        await self.posts.count_post(committee.id, local_date(now, committee.tz))

    async def sent(self, dispatch: Dispatch, now: datetime, message_id: int | None) -> None:
        """The group message went out: mark it, then plan what follows (next overdue, digest)."""
        row = dispatch.reminder
        mentioned = [m.id for m in (*dispatch.members, *dispatch.escalate_to)]
        if row.kind == scheduler.DIGEST:
            week = self.digest_week(dispatch, now)
            await self.digest_repo.record_digest(
                row.id, row.committee_id, week, now, dispatch.late, message_id
            )
            await self.plan_digest(dispatch.committee, now, replace=False)
            return
        await self.repo.mark_sent(
            row.id, now, late=dispatch.late, recipients=mentioned, message_id=message_id
        )
        contributor = self.contributors.get(row.kind)
        if contributor is not None:
            if contributor.after_sent is not None:
                await contributor.after_sent(row, now)
        elif row.item_id is not None:
            await self.replan(row.item_id, now)

    def digest_week(self, dispatch: Dispatch, now: datetime) -> str:
        """The week a digest row stands for: the latest scheduled digest at or before now."""
        day = scheduler.seq_day(dispatch.reminder.seq)
        latest = scheduler.latest_digest_day(now, config_of(dispatch.committee))
        return max(day, latest or day).isoformat()

    async def digest_already_posted(self, dispatch: Dispatch, now: datetime) -> bool:
        """Whether this digest's week went out already (then the row is closed, nothing sent)."""
        week = self.digest_week(dispatch, now)
        if not await self.digest_repo.digest_posted(dispatch.committee.id, week):
            return False
        await self.repo.mark_sent(
            dispatch.reminder.id, now, late=False, recipients=[], message_id=None
        )
        await self.plan_digest(dispatch.committee, now, replace=False)
        return True

    async def failed(self, dispatch: Dispatch, now: datetime, error: str, permanent: bool) -> None:
        """Sending failed: give up on a permanent error, else retry later with a back-off."""
        row = dispatch.reminder
        if row.kind == scheduler.ADHOC and permanent and await self.away(row.committee_id):
            await self.wait_for_return(row, now)  # refused because the bot was removed
            return
        if permanent or row.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("reminder %s dropped after %s: %s", row.id, row.attempts + 1, error)
            await self.repo.cancel(row.id, now, "undeliverable")
            await self._plan_next(dispatch, now)
            return
        retry = now + timedelta(minutes=min(60, 2**row.attempts))
        await self.repo.failed(row.id, error, retry)

    async def _plan_next(self, dispatch: Dispatch, now: datetime) -> None:
        """A failure ends that one message, never the schedule: plan what follows it."""
        row = dispatch.reminder
        if row.kind == scheduler.DIGEST:
            committee = await self.committees.get(row.committee_id)
            if committee is not None:
                await self.plan_digest(committee, now, replace=False)
        elif row.kind in self.contributors:
            after_sent = self.contributors[row.kind].after_sent
            if after_sent is not None:
                await after_sent(row, now)
        elif row.item_id is not None:
            await self.replan(row.item_id, now)

    async def _with_standins(self, dispatch: Dispatch) -> Dispatch:
        """Name, for each member the reminder concerns, who stands in for them today."""
        standins = getattr(self, "standins", None)
        if standins is None or not dispatch.members:
            return dispatch
        acting = await standins.acting_now(dispatch.committee)
        pairs = tuple((m, acting[m.id]) for m in dispatch.members if m.id in acting)
        return replace(dispatch, standins=pairs) if pairs else dispatch

    async def copies(self, dispatch: Dispatch) -> list[tuple[Member, str]]:
        """Who also gets this reminder privately (can_dm and notify), with their language."""
        people = {m.user_id: m for m in dispatch.concerned if m.user_id}
        prefs = await self.users.many(list(people))
        return [
            (member, prefs[uid].language or dispatch.committee.language)
            for uid, member in people.items()
            if uid in prefs and prefs[uid].can_dm and prefs[uid].notify
        ]

    async def unreachable(self, user_id: int, now: datetime) -> None:
        """The person blocked the bot: stop trying private copies until they /start again."""
        await self.users.set(user_id, now, can_dm=0)

    async def author(self, dispatch: Dispatch) -> Member | None:
        """Who scheduled an ad-hoc reminder."""
        user_id = dispatch.reminder.created_by
        return await self.members.by_user(dispatch.committee.id, user_id) if user_id else None

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
