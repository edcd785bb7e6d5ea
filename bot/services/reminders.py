"""Reminders: planned as rows from each item's current state, swept when due, ad-hoc ones too.

**Exactly once.** The database is the only truth; the JobQueue just wakes the sweep. The sweep
sends a due row's group message first and marks the row sent right after (`mark_sent`). So a row
is never lost: if the process dies before the send, or between the send and the mark, the row is
still unsent and goes out after the restart. The price is the one message in flight at the moment
of a kill (sent, not yet marked), which can arrive twice. We chose that side (at-least-once for
that single message) over marking first (at-most-once), because a reminder silently lost is worse
for a committee than one repeated line, and the window is one HTTP round trip per process death.
Private copies go out after the mark: best effort, at most once.

A row due while the bot was down is sent on return if its item is still open, flagged late; when
several rows of one item are due at once only the latest-planned is sent (the rest are
`superseded`), so a long outage never floods the group. An ad-hoc reminder (`/remind`) due while
the bot was *removed* from the group is kept, not cancelled (`wait_for_return`), and sent once
when it is back (`resume_adhoc`), flagged late like one due while the process was down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from bot import scheduler
from bot.clock import Clock
from bot.dates import leading_deadline, local_date, local_to_utc
from bot.deadlines import parse_when
from bot.errors import DomainError
from bot.events import Events
from bot.services.guard import actor_id, guarded
from bot.services.reminder_sweep import OPEN, Contributor, SweepMixin
from bot.services.settings import config_of
from storage.audit import AuditRepo
from storage.auto_posts import AutoPostRepo
from storage.committees import Committee, CommitteeRepo
from storage.digest import DigestRepo
from storage.items import Item, ItemRepo
from storage.members import Member, MemberRepo
from storage.reminders import Reminder, ReminderRepo
from storage.scheduler_state import SchedulerStateRepo
from storage.tasks import TaskRepo
from storage.users import UserRepo

log = logging.getLogger(__name__)

MAX_TEXT = 2000
AWAY_RECHECK = timedelta(days=7)  # an ad-hoc reminder kept while the bot is away: looked at weekly
_CURSOR = "settings_audit_id"
# The only item columns `_plans` and `sync_item` read besides the immutable kind and committee
# (a progress report changes none: no replan). The committee's settings replan through
# `follow_settings`, the sweep replans after each send or failure. (A replan also cancels an
# offset row the sweep moved past its planned moment, e.g. a send being retried: a progress
# report no longer does.)
PLAN_FIELDS = ("status", "deadline")
PendingSource = Callable[[Item], Awaitable[list[Member]]]
PlanSource = Callable[[Item, Committee, datetime], Awaitable[list]]


def leading_date(text: str) -> tuple[str, str]:
    """`+2h Họp lúc 14:00` → (`+2h`, `Họp lúc 14:00`): the longest leading words that are a date."""
    return leading_deadline(text)


class ReminderService(SweepMixin):
    """Plans, replans, cancels and sweeps reminders; never talks to Telegram."""

    def __init__(
        self,
        repo: ReminderRepo,
        digest_repo: DigestRepo,
        committees: CommitteeRepo,
        items: ItemRepo,
        tasks: TaskRepo,
        members: MemberRepo,
        users: UserRepo,
        state: SchedulerStateRepo,
        audit: AuditRepo,
        clock: Clock,
        events: Events,
        pending_sources: Mapping[str, PendingSource] | None = None,
        plan_sources: Mapping[str, PlanSource] | None = None,
        recipients: Mapping[str, Callable[[Item, int], Awaitable[list[Member]]]] | None = None,
        standins: object = None,
        cannot_wait: Mapping[str, Callable[[int], bool]] | None = None,
    ) -> None:
        self.repo, self.digest_repo = repo, digest_repo
        self.committees, self.items, self.tasks, self.members = committees, items, tasks, members
        self.users, self.state = users, state
        self.audit, self.clock = audit, clock
        self.db = repo.db  # the database every repository here works on
        self.posts = AutoPostRepo(self.db)  # automatic group posts a day (`maxposts`)
        self.contributors: dict[str, Contributor] = {}  # other kinds' reminder rows
        # item kind → who has not answered (the consultations/votes services' pending_members)
        self.pending_sources = dict(pending_sources or {})
        # item kind → its own planning (collections: offsets, then each working morning)
        self.plan_sources = dict(plan_sources or {})
        # item kind → who one of its `pending` rows reminds, by seq (meetings), if not the silent
        self.recipients = dict(recipients or {})
        self.standins = standins  # StandinService: a member's stand-in gets their reminders
        # item kind → which `pending` seqs cannot wait: sent on a day off too and past the daily
        # ceiling (a meeting's hour before)
        self.cannot_wait_rules = dict(cannot_wait or {})
        events.on_item_changed(self.on_item_changed, watches=PLAN_FIELDS)

    async def pending_members(self, item: Item) -> list[Member]:
        """Who has not answered a consultation or named vote yet."""
        return list(await self.pending_sources[item.kind](item))

    async def reminded(self, item: Item, seq: int) -> list[Member]:
        """Who a `pending` row of this item reminds (the silent ones, unless its kind says)."""
        if item.kind in self.recipients:
            return list(await self.recipients[item.kind](item, seq))
        return await self.pending_members(item)

    def cannot_wait(self, row: Reminder, item: Item | None) -> bool:
        """Whether a due `pending` row of `item` cannot wait for a later moment (a meeting's
        hour-before reminder): a day off and the daily ceiling do not hold it back."""
        rule = self.cannot_wait_rules.get(item.kind) if item is not None else None
        return row.kind == scheduler.PENDING and rule is not None and rule(row.seq)

    async def goes_on_days_off(self, row: Reminder) -> bool:
        """Whether a due row is sent on a day off too (only quiet hours hold it back)."""
        if row.kind != scheduler.PENDING or row.item_id is None:
            return False
        return self.cannot_wait(row, await self.items.get(row.item_id))

    # ------------------------------------------------------------------ planning
    async def on_item_changed(self, item_id: int) -> None:
        """Event listener: replan the item; a failure here must not fail the caller."""
        try:
            await self.replan(item_id)
        except Exception:
            log.exception("could not replan reminders of item %s", item_id)

    async def replan(self, item_id: int, now: datetime | None = None) -> None:
        """Make the item's unsent reminders match its current state (idempotent)."""
        now = now or self.clock.now()
        item = await self.items.get(item_id)
        if item is None or item.kind not in OPEN:  # other kinds plan their own rows
            return
        committee = await self.committees.get(item.committee_id)
        plans = await self._plans(item, committee, now)
        still_open = item.status in OPEN[item.kind]
        await self.repo.sync_item(
            item.committee_id, item.id, item.deadline, plans, now, keep_due=still_open
        )

    async def _plans(self, item: Item, committee: Committee | None, now: datetime) -> list:
        if committee is None or item.deadline is None or item.status not in OPEN[item.kind]:
            return []
        if item.kind in self.plan_sources:
            return await self.plan_sources[item.kind](item, committee, now)
        cfg = config_of(committee)
        if item.kind == "task":
            sent, last = await self.repo.overdue_state(item.id, item.deadline)
            plans = scheduler.task_offsets(item.deadline, now, cfg)
            return [*plans, scheduler.next_overdue(item.deadline, sent, last, cfg)]
        if item.kind == "vote":
            mode = await self.digest_repo.vote_mode(item.id)
            if mode is not None and mode[1]:  # anonymous: nobody knows who is silent
                return []
        return scheduler.pending_reminders(item.deadline, now, cfg)

    async def replan_committee(self, committee_id: int, now: datetime | None = None) -> None:
        """After a settings change: replan every open item and the digest of the committee."""
        now = now or self.clock.now()
        for kind in OPEN:
            for item in await self.items.open_of_kind(committee_id, kind):
                await self.replan(item.id, now)
        committee = await self.committees.get(committee_id)
        if committee is not None:
            await self.plan_digest(committee, now, replace=True)

    async def plan_digest(self, committee: Committee, after: datetime, *, replace: bool) -> None:
        """Plan the committee's next digest after `after` (replacing the planned one if asked)."""
        now = self.clock.now()
        if replace:
            await self.digest_repo.cancel_digests(committee.id, now)
        found = scheduler.digest_after(after, config_of(committee))
        if found is not None and committee.active:
            at, day = found
            await self.digest_repo.plan_digest(committee.id, at, scheduler.day_seq(day), now)

    async def start(self, now: datetime | None = None) -> None:
        """At start-up: catch up with settings changes and plan missing digests."""
        now = now or self.clock.now()
        if await self.state.state(_CURSOR) is None:
            await self.state.set_state(_CURSOR, str(await self.state.last_audit_id()))
        await self.follow_settings(now)
        for committee_id in await self.digest_repo.committees_without_digest():
            committee = await self.committees.get(committee_id)
            await self.plan_digest(committee, now, replace=False)

    async def swept(self, now: datetime) -> None:
        """Record when the last sweep ran (read by `python -m bot status` and `/status`)."""
        await self.state.set_last_sweep(now)

    async def last_sweep(self) -> datetime | None:
        """When the last sweep ran, or None."""
        return await self.state.last_sweep()

    async def follow_settings(self, now: datetime | None = None) -> int:
        """Replan committees whose settings changed (read from the audit log since last time)."""
        cursor = int(await self.state.state(_CURSOR) or 0)
        top = await self.state.last_audit_id()
        if top <= cursor:
            return 0
        changes = await self.state.settings_changes(cursor, top)
        for committee_id in dict.fromkeys(c for _, c in changes):
            await self.replan_committee(committee_id, now)
        await self.state.set_state(_CURSOR, str(top))  # each audit row is read once
        return len(changes)

    # ------------------------------------------------------------------ ad-hoc
    @guarded
    async def add(self, committee: Committee, actor: Member | int, args: str) -> Reminder:
        """`/remind <date> <text>`: a reminder to the group at that moment (next allowed one)."""
        user_id = actor_id(actor)
        when_text, text = leading_date(args)
        if not when_text or not text:
            raise DomainError("remind.usage")
        if len(text) > MAX_TEXT:
            raise DomainError("common.too_long", limit=MAX_TEXT)
        now = self.clock.now()
        cfg = config_of(committee)
        when = parse_when(when_text, now, cfg.tz, cfg.calendar)  # the committee's working days
        at = when.at
        if not when.has_time:  # a day alone (`15/12`, `+3 ngày`): that day's morning
            at = max(now, local_to_utc(local_date(at, cfg.tz), scheduler.MORNING, cfg.tz))
        at = scheduler.defer(at, cfg)
        reminder = await self.repo.add_adhoc(committee.id, at, text, user_id, now)
        await self.audit.add(
            committee.id, "reminder.add", user_id, now, number=reminder.seq, at=at, text=text
        )
        return reminder

    async def wait_for_return(self, row: Reminder, now: datetime) -> None:
        """The bot is away from the committee: keep an ad-hoc reminder (its planned moment too,
        so it is flagged late) until `resume_adhoc` brings it back; looked at again weekly."""
        await self.repo.defer(row.id, now + AWAY_RECHECK, row.planned_at)

    async def away(self, committee_id: int) -> bool:
        """Whether the bot is away from the committee (removed from its group)."""
        committee = await self.committees.get(committee_id)
        return committee is not None and not committee.active

    async def resume_adhoc(self, committee_id: int, now: datetime) -> int:
        """The bot is back: the ad-hoc reminders that fell due while it was away are due now
        (the next sweep sends each once, flagged late). Returns how many."""
        return await self.repo.resume_adhoc(committee_id, now)

    async def scheduled(self, committee: Committee) -> list[tuple[Reminder, Item | None]]:
        """Unsent reminders of the committee, soonest first, with their items."""
        rows = await self.repo.scheduled(committee.id)
        shown = []
        for row in rows:
            item = await self.items.get(row.item_id) if row.item_id else None
            shown.append((row, item))
        return shown

    @guarded
    async def cancel(self, committee: Committee, actor: Member | int, number: int) -> Reminder:
        """`/unremind N`: cancel ad-hoc reminder N if it has not gone out."""
        user_id = actor_id(actor)
        row = await self.repo.adhoc(committee.id, number)
        if row is None or row.sent_at is not None or row.cancelled_at is not None:
            raise DomainError("unremind.not_found", number=number)
        now = self.clock.now()
        await self.repo.cancel(row.id, now, "unremind")
        await self.audit.add(committee.id, "reminder.cancel", user_id, now, number=number)
        return row
