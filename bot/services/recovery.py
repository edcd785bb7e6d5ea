"""Recovery after the bot was away from a committee's group (removed, then re-added).

While the bot cannot post to a committee (`committees.active` false), the sweep closes nothing
there and deems no silence (`closable_committees`). When it is back, every consultation or vote
whose deadline passed meanwhile is *held* (`storage.recovery`): the sweep leaves it open until
the secretary or the chair decides — close it now (exactly like `/close`), or extend it by N
working days — from the buttons of one catch-up message. Everything else is replanned; the
ad-hoc reminders (`/remind`) that fell due meanwhile were kept and are sent once, flagged late.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.errors import DomainError
from bot.events import Events
from bot.services.guard import guarded
from bot.services.settings import config_of
from bot.workcalendar import working_days_from
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.db import Database
from storage.items import Item, ItemRepo
from storage.recovery import HeldRepo

HELD_KINDS = ("consultation", "vote")
EXTEND_CHOICES = (2, 5)  # working days offered on the catch-up message's buttons
MAX_EXTENSION = 30


@dataclass(frozen=True)
class Return:
    """What the bot found when it came back to a committee."""

    committee: Committee
    held: tuple[Item, ...]  # consultations and votes that fell due while it was away


class RecoveryService:
    """Marks a committee away or back, holds what fell due meanwhile, applies the decisions."""

    def __init__(
        self,
        db: Database,
        committees: CommitteeRepo,
        items: ItemRepo,
        held: HeldRepo,
        reminders,
        audit: AuditRepo,
        events: Events,
        clock: Clock,
    ) -> None:
        self.db, self.committees, self.items, self.held = db, committees, items, held
        self.reminders, self.audit, self.events, self.clock = reminders, audit, events, clock

    async def away(self, committee: Committee, actor_id: int | None) -> None:
        """The bot was removed: nothing of this committee is posted or closed until it is back."""
        now = self.clock.now()
        async with self.db.transaction():
            await self.committees.set_active(committee.id, False)
            await self.audit.add(committee.id, "bot.removed", actor_id, now)

    async def back(self, committee: Committee, actor_id: int | None) -> Return:
        """The bot was re-added: active again, what fell due is held, everything is replanned."""
        now = self.clock.now()
        async with self.db.transaction():
            due: list[Item] = []
            for kind in HELD_KINDS:
                due += await self.items.due_open(kind, now, {committee.id})
            for item_id in await self.held.undecided(committee.id):  # away again, undecided
                item = await self.items.get(item_id)
                if item is not None and item.status == "open":
                    due.append(item)
            due.sort(key=lambda item: item.number)
            await self.held.hold(committee.id, [item.id for item in due], now)
            await self.committees.set_active(committee.id, True)
            await self.reminders.resume_adhoc(committee.id, now)  # due while away: sent now
            await self.audit.add(
                committee.id, "bot.back", actor_id, now, held=[item.number for item in due]
            )
        await self.reminders.replan_committee(committee.id, now)
        return Return(await self.committees.get(committee.id), tuple(due))

    async def _held_item(self, committee: Committee, item_id: int) -> Item:
        item = await self.items.get(item_id)
        if item is None or item.committee_id != committee.id or item.kind not in HELD_KINDS:
            raise DomainError("recovery.gone")
        if item.status != "open" or not await self.held.is_held(item.id):
            raise DomainError("recovery.decided", number=item.number)
        return item

    @guarded  # two presses at once: the second sees the first's decision
    async def close_now(self, committee: Committee, item_id: int, actor_id: int) -> Item:
        """Release a held item to be closed now; the caller closes it as `/close` does."""
        item = await self._held_item(committee, item_id)
        await self.held.decide(item.id, self.clock.now(), "closed")
        await self.audit.add(committee.id, "recovery.close", actor_id, self.clock.now(), item.id)
        return item

    @guarded
    async def extend(self, committee: Committee, item_id: int, days: int, actor_id: int) -> Item:
        """Give a held item a new deadline `days` working days from today (end of that day)."""
        if not 1 <= days <= MAX_EXTENSION:
            raise DomainError("recovery.bad_days", limit=MAX_EXTENSION)
        item = await self._held_item(committee, item_id)
        now = self.clock.now()
        cfg = config_of(committee)
        deadline = working_days_from(now, days, cfg)
        await self.items.update(item.id, now, deadline=deadline)
        await self.held.decide(item.id, now, "extended")
        await self.audit.add(
            committee.id, "recovery.extend", actor_id, now, item.id,
            before=item.deadline, after=deadline, days=days,
        )  # fmt: skip
        await self.events.item_changed(item.id)  # after the commit (guarded): reminders replan
        return await self.items.get(item.id)

    # ------------------------------------------------------------------ forum topics
    async def topic_lost(self, chat_id: int, thread_id: int | None) -> Committee | None:
        """Telegram says the committee's topic is gone: post to the general chat from now on.

        Returns the committee the first time (tell the secretary then), None when it was
        handled already or the topic was not the committee's.
        """
        committee = await self.committees.by_chat(chat_id)
        if committee is None or thread_id is None or committee.thread_id != thread_id:
            return None
        async with self.db.transaction():
            await self.committees.update_settings(committee.id, thread_id=None)
            await self.audit.add(
                committee.id, "topic.lost", None, self.clock.now(), thread=thread_id
            )
        return await self.committees.get(committee.id)

    async def move_topic(
        self, committee: Committee, thread_id: int | None, actor_id: int
    ) -> Committee:
        """`/settings topic here`: the committee's posts go to this topic (None: general chat)."""
        async with self.db.transaction():
            await self.committees.update_settings(committee.id, thread_id=thread_id)
            await self.audit.add(
                committee.id, "settings.change", actor_id, self.clock.now(),
                key="topic", value=thread_id,
            )  # fmt: skip
        return await self.committees.get(committee.id)
