"""Collections (báo cáo định kỳ): ask recipients for a document, take their files (replaceable
until close, history kept), chase the silent, close and hand over what to compile.

Recipients are frozen at opening: every active voting member (the secretary compiles and is not
asked) or the ones named. A file is on time when it arrives by the deadline; late files are taken
until the collection closes (`/close N`, or automatically `GRACE_WORKING_DAYS` working days after
the deadline). Closing runs the caller's `publish` inside the closing transaction, so the result,
the card's last state and a recurring series' next occurrence commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from bot import dates
from bot.errors import DomainError
from bot.models import VOTING_ROLES
from bot.services.collection_model import (
    GRACE_WORKING_DAYS,
    KIND,
    MAX_TITLE,
    Row,
    Standing,
    on_time,
    ordered,
    read_collect,
)
from bot.services.collection_schedule import CollectionSchedule
from bot.services.guard import actor_id, check_actor, guarded
from bot.services.item_service import ItemService, OneKind
from bot.services.roster import Person, RosterService
from bot.services.settings import config_of
from bot.workcalendar import working_days_from
from storage.collections import FilePrompt, FileRef, Submission
from storage.committees import Committee
from storage.items import Item
from storage.members import Member
from storage.series import SeriesRepo

# Called inside the closing transaction: (closed standing, next occurrence's standing or None).
Publish = Callable[[Standing, Standing | None], Awaitable[None]]


@dataclass(frozen=True)
class Submitted:
    """What a submission did: the standing after it, the row, whether it replaced a file."""

    standing: Standing
    submission: Submission
    replaced: bool


@dataclass(eq=False)
class CollectionService(CollectionSchedule, OneKind, ItemService):
    """Every rule about collections; handlers only parse and render."""

    KIND = KIND
    WRONG_KIND = "collect.wrong_kind"

    series: SeriesRepo | None = None
    roster: RosterService | None = None

    # ------------------------------------------------------------ opening
    @guarded
    async def open(self, committee: Committee, actor: Member, text: str) -> Standing:
        """`/collect <title> due <date> [every …] [@a @b …] [ct:<code>]`: collection #N (and its
        series)."""
        text, code = self.take_tag(committee, text)
        parsed = read_collect(text)
        if not parsed.title or parsed.due is None:
            raise DomainError("collect.usage")
        if len(parsed.title) > MAX_TITLE:
            raise DomainError("common.too_long", limit=MAX_TITLE)
        now, cfg = self.clock.now(), config_of(committee)
        deadline = dates.parse_deadline(parsed.due, now, cfg.tz, cfg.calendar)
        named = bool(parsed.usernames)
        if named:
            seats = [
                await self.roster.require_member(committee, Person(username=name))
                for name in parsed.usernames
            ]
            recipients = list(dict.fromkeys(s.id for s in seats))
        else:
            roster = await self.members.list(committee.id)
            recipients = [m.id for m in roster if m.role in VOTING_ROLES]
        if not recipients:
            raise DomainError("collect.nobody")
        series_id = None
        if parsed.recurrence is not None:
            local = deadline.astimezone(cfg.tz)
            series_id = await self.series.insert(
                committee_id=committee.id, kind=KIND, every=parsed.recurrence.every,
                on_day=parsed.recurrence.on_day, anchor=local, title=parsed.title, named=named,
                recipients=recipients if named else [], created_by=actor.user_id, now=now,
            )  # fmt: skip
        item_id = await self._create(
            committee, parsed.title, deadline, recipients, named, actor.user_id, now,
            series=(series_id, 0) if series_id else None, code=code,
        )  # fmt: skip
        return await self.standing(await self.items.get(item_id))

    async def _create(
        self,
        committee: Committee,
        title: str,
        deadline: datetime,
        recipients: list[int],
        named: bool,
        created_by: int | None,
        now: datetime,
        series: tuple[int, int] | None = None,
        code: str | None = None,
        previous: int | None = None,
    ) -> int:
        """Insert the item, its collection row and recipients (inside the caller's transaction);
        tag it with programme `code`, or with the programme of the `previous` occurrence."""
        cfg = config_of(committee)
        closes_at = working_days_from(deadline, GRACE_WORKING_DAYS, cfg)
        number = await self.committees.take_number(committee.id)
        item_id = await self.items.insert(
            committee_id=committee.id, number=number, kind=KIND, title=title, status="open",
            deadline=deadline, created_by=created_by, now=now,
        )  # fmt: skip
        await self.repo.insert(item_id, closes_at, named, recipients)
        if series is not None:
            await self.series.add_occurrence(series[0], series[1], item_id)
        tagged = await self.tag_new(committee, item_id, code)
        if previous is not None and self.programmes is not None:
            tagged = await self.programmes.inherit(previous, item_id)
        await self.audit.add(
            committee.id, "collection.open", created_by, now, item_id, number=number,
            title=title, deadline=deadline, closes_at=closes_at, recipients=recipients,
            series=series[0] if series else None, occurrence=series[1] if series else None,
            **tagged,
        )  # fmt: skip
        await self.events.item_changed(item_id)
        return item_id

    async def set_card(self, item_id: int, message_id: int) -> None:
        """Remember the card message (edited in place as files come)."""
        await self.items.update(item_id, self.clock.now(), message_id=message_id)

    async def set_result_message(self, item_id: int, message_id: int) -> None:
        """Remember the message that carries the result."""
        await self.repo.set_result_message(item_id, message_id)

    # ------------------------------------------------------------ reading
    async def standing(self, item: Item) -> Standing:
        """Recipients (active seats) and their current files."""
        committee = await self.committees.get(item.committee_id)
        collection = await self.repo.get(item.id)
        people = await self.members.many(await self.repo.recipients(item.id))
        current, counts = await self.repo.current(item.id), await self.repo.counts(item.id)
        rows = [
            Row(m, current.get(m.id), counts.get(m.id, 0))
            for m in people.values()
            if m.active or m.id in current
        ]
        every = None
        found = await self.series.of_item(item.id)
        if found is not None:
            series = await self.series.get(found[0])
            every = series.every if series and series.stopped_at is None else None
        programme = await self.programmes.of_item(item.id) if self.programmes else None
        return Standing(committee, item, collection, ordered(rows), every, programme)

    async def all_standings(self, committee_id: int) -> list[Standing]:
        """Every collection of the committee, by number (for the export)."""
        items = [await self.items.get(i) for i in await self.repo.of_committee(committee_id)]
        return [await self.standing(item) for item in items]

    async def pending_members(self, item: Item) -> list[Member]:
        """Recipients who have not sent (for /pending and the reminders)."""
        return (await self.standing(item)).pending

    async def periodic(
        self, committee_id: int, start: datetime | None, end: datetime | None, now: datetime
    ) -> dict[str, tuple[int, int, int]]:
        """Per agency, the periodic reports due in [start, end): (on time, late, missing); a
        report not sent counts as missing once its deadline has passed (by `now`)."""
        tally: dict[str, list[int]] = {}
        for agency, deadline, late in await self.repo.recipient_states(committee_id, start, end):
            counts = tally.setdefault(agency, [0, 0, 0])
            if late is not None:
                counts[1 if late else 0] += 1
            elif deadline is not None and deadline <= now:
                counts[2] += 1
        return {agency: (a, b, c) for agency, (a, b, c) in tally.items() if a or b or c}

    async def history(self, item: Item) -> list[Submission]:
        """Every file ever sent, oldest first."""
        return await self.repo.history(item.id)

    async def open_for_user(self, user_id: int) -> list[tuple[Committee, Item, Member]]:
        """Open collections across the person's committees that ask them for a file."""
        seats = []
        for committee in await self.committees.many(await self.members.committees_of(user_id)):
            seat = await self.members.by_user(committee.id, user_id)
            if seat is not None and seat.active:
                seats.append((committee, seat))
        by_member = {seat.id: (c, seat) for c, seat in seats}
        found = []
        for item_id, member_id in await self.repo.open_for_member(list(by_member)):
            committee, seat = by_member[member_id]
            found.append((committee, await self.items.get(item_id), seat))
        return found

    # ------------------------------------------------------------ submitting
    def check_can_send(self, item: Item, member: Member | None, recipients: list[int]) -> None:
        """Refuse unless the collection is open and asks this active seat."""
        if member is None or not member.active or member.committee_id != item.committee_id:
            raise DomainError("collect.not_member")
        if item.status != "open":
            raise DomainError("collect.closed", number=item.number)
        if member.id not in recipients:
            raise DomainError("collect.not_asked", number=item.number)

    @guarded
    async def submit(self, item: Item, member: Member | None, ref: FileRef) -> Submitted:
        """Record a file (the latest counts; every one is kept)."""
        item = await self.by_id(item.id)  # its status as of this transaction
        self.check_can_send(item, member, await self.repo.recipients(item.id))
        now = self.clock.now()
        before = (await self.repo.current(item.id)).get(member.id)
        late = not on_time(now, item.deadline)
        sub_id = await self.repo.add_submission(item.id, member.id, ref, now, late)
        await self.repo.drop_prompts(item.id, member.user_id)
        await self.repo.unpark(member.user_id)
        await self.audit.add(
            item.committee_id, "collection.submit", member.user_id, now, item.id,
            member_id=member.id, file=ref.name, size=ref.size, late=late,
            replaced=before.file.name if before else None,
        )  # fmt: skip
        await self.events.item_changed(item.id)
        standing = await self.standing(item)
        mine = next(s for s in await self.repo.history(item.id) if s.id == sub_id)
        return Submitted(standing, mine, before is not None)

    async def ask_file(
        self, item: Item, member: Member | None, chat_id: int, message_id: int | None
    ) -> None:
        """Wait for this member's file in this chat (a reply there, or their next private file)."""
        self.check_can_send(item, member, await self.repo.recipients(item.id))
        await self.repo.put_prompt(member.user_id, chat_id, item.id, message_id, self.clock.now())

    async def prompt(self, user_id: int, chat_id: int) -> FilePrompt | None:
        """The file we wait for from this person in this chat."""
        return await self.repo.prompt(user_id, chat_id)

    async def prompt_by_message(self, chat_id: int, message_id: int) -> FilePrompt | None:
        """The prompt a bot message in a group carries."""
        return await self.repo.prompt_by_message(chat_id, message_id)

    async def park(self, user_id: int, ref: FileRef) -> None:
        """Keep a private file until the person says which collection it is for."""
        await self.repo.park(user_id, ref, self.clock.now())

    async def parked(self, user_id: int) -> FileRef | None:
        """The file this person sent without saying which collection."""
        return await self.repo.parked(user_id)

    # ------------------------------------------------------------ closing
    async def close(
        self, item: Item, actor: Member | int | None, publish: Publish, at: datetime | None = None
    ) -> Standing:
        """Close now (None actor: automatically); a running series gets its next occurrence."""
        now = self.clock.now()
        async with self.events.deferred(), self.db.transaction():
            await check_actor(self, actor)
            if await self.repo.status(item.id) != "open":
                raise DomainError("collect.already_closed", number=item.number)
            await self.repo.drop_prompts(item.id)
            await self.items.update(item.id, now, status="closed", closed_at=at or now)
            closed = await self.standing(await self.items.get(item.id))
            await self.audit.add(
                item.committee_id, "collection.close", actor_id(actor), now, item.id,
                before="open", after="closed", automatic=actor_id(actor) is None,
                asked=closed.asked, on_time=closed.count("on_time"), late=closed.count("late"),
                missing=closed.count("missing"),
            )  # fmt: skip
            await self.events.item_changed(item.id)
            following = await self.next_occurrence(item.id, now)
            await publish(closed, following)
        return closed

    async def close_due(
        self, now: datetime, publish: Publish, committee_ids: Collection[int] | None = None
    ) -> list[Standing]:
        """Close every open collection whose automatic close has come."""
        closed = []
        for item_id in await self.repo.closing(now):
            item = await self.items.get(item_id)
            if committee_ids is not None and item.committee_id not in committee_ids:
                continue
            try:
                closed.append(await self.close(item, None, publish, at=now))
            except DomainError:  # closed meanwhile by hand
                continue
        return closed

    async def uncompiled(self) -> list[int]:
        """Closed collections whose .zip was never staged (a crash right after the close)."""
        return await self.repo.uncompiled()

    async def mark_compiled(self, item_id: int) -> bool:
        """Inside the transaction staging the .zip: False if it was staged already."""
        return await self.repo.mark_compiled(item_id, self.clock.now())
