"""Votes (design §4): native Telegram polls and formal motions, ballots, tallies and closing.

Who counts: the view `electorate` (migration 0008) — the active members whose role is in
VOTING_ROLES while a vote is open, frozen in a snapshot at close; a person's current ballot is the
view `current_ballots`. A ballot from anyone else (the secretary, a former
member, someone outside the committee answering a named poll) is recorded but never counted.
Poll answers that arrive after close are recorded with `late = 1` and never counted.
Anonymous polls: Telegram tells nobody who answered, so the tally is the counts from `poll`
updates or from stopPoll, and there is no list of who has not voted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bot import dates
from bot.errors import DomainError
from bot.models import VOTING_ROLES, Role
from bot.pass_rule import CHOICES, Decision, decide
from bot.services.closing import closed_early
from bot.services.guard import guarded
from bot.services.item_service import ItemService
from bot.services.settings import config_of
from bot.services.vote_close import VoteClosing
from bot.services.vote_input import MAX_QUESTION, parse_poll, split_motion
from storage.committees import Committee
from storage.items import Item
from storage.members import Member
from storage.programmes import Programme
from storage.votes import Ballot, Vote


@dataclass(frozen=True)
class Tally:
    """A vote's counts: live while open, the frozen snapshot once closed."""

    vote: Vote
    eligible: list[Member]
    choices: dict[int, Any]  # member id → current choice, for counted members who voted
    others: int  # answers recorded from people who are not counted
    chair_id: int | None
    option_counts: list[int] = field(default_factory=list)  # polls
    voters: int = 0  # members who voted (anonymous polls: everyone who answered)
    acting: dict[int, Member] = field(default_factory=dict)  # member id → stand-in who voted
    programme: Programme | None = None  # issue 17: shown on the card

    @property
    def item(self) -> Item:
        """The vote's item."""
        return self.vote.item

    @property
    def non_voters(self) -> list[Member]:
        """Counted members without a ballot (unknowable for anonymous polls: empty)."""
        if self.vote.anonymous:
            return []
        return [m for m in self.eligible if m.id not in self.choices]

    @property
    def closed_early(self) -> bool:
        """Closed before its deadline."""
        return closed_early(self.vote.item)

    @property
    def decision(self) -> Decision | None:
        """The pass rule applied to a motion's counts (None for polls)."""
        if self.vote.is_poll:
            return None
        n = [sum(1 for c in self.choices.values() if c == choice) for choice in CHOICES]
        chair = self.choices.get(self.chair_id) if self.chair_id else None
        return decide(*n, len(self.eligible), chair, has_chair=self.chair_id is not None)


@dataclass(frozen=True)
class Cast:
    """What a ballot changed."""

    vote: Vote
    before: Any
    after: Any
    changed: bool
    late: bool = False
    member: Member | None = None


class VoteService(VoteClosing, ItemService):
    """Opening, casting, tallying and closing votes."""

    # ------------------------------------------------------------------ opening
    @guarded
    async def create_poll(self, committee: Committee, actor: Member, text: str) -> Vote:
        """Number and store a poll (the caller then sends it and calls `posted`)."""
        text, code = self.take_tag(committee, text)
        spec = parse_poll(text)
        deadline = self._deadline(committee, spec.deadline) if spec.deadline else None
        return await self._create(
            committee, actor, spec.question, deadline, "poll", spec.options, spec.multi,
            spec.anonymous, code,
        )  # fmt: skip

    @guarded
    async def create_motion(self, committee: Committee, actor: Member, text: str) -> Vote:
        """Number and store a motion `<motion> due <date>` (the caller posts its card)."""
        text, code = self.take_tag(committee, text)
        title, when = split_motion(text)
        deadline = self._deadline(committee, when)
        return await self._create(
            committee, actor, title, deadline, "motion", [], False, False, code
        )

    def _deadline(self, committee: Committee, text: str):
        cfg = config_of(committee)
        return dates.parse_deadline(text, self.clock.now(), cfg.tz, cfg.calendar)

    async def _create(
        self, committee, actor, title, deadline, mode, options, multi, anon, code=None
    ) -> Vote:
        now = self.clock.now()
        async with self.db.transaction():
            number = await self.committees.take_number(committee.id)
            if mode == "poll" and len(f"#{number} {title}") > MAX_QUESTION:
                raise DomainError("poll.question_too_long", limit=MAX_QUESTION - len(f"#{number} "))
            item_id = await self.items.insert(
                committee_id=committee.id, number=number, kind="vote", title=title,
                status="open", deadline=deadline, created_by=actor.user_id, now=now,
            )  # fmt: skip
            await self.repo.insert(item_id, mode, options, multi, anon)
            tagged = await self.tag_new(committee, item_id, code)
            await self.audit.add(
                committee.id, "vote.open", actor.user_id, now, item_id, mode=mode,
                title=title, options=options, deadline=deadline, multi=multi, anonymous=anon,
                **tagged,
            )  # fmt: skip
        return await self.repo.get(item_id)

    async def posted(self, vote: Vote, message_id: int, poll_id: str | None = None) -> None:
        """Remember the card or poll message (and the Telegram poll id)."""
        now = self.clock.now()
        async with self.db.transaction():
            await self.items.update(vote.item.id, now, message_id=message_id)
            if poll_id is not None:
                await self.repo.update(vote.item.id, poll_id=poll_id)
            await self.audit.add(
                vote.item.committee_id, "vote.posted", None, now, vote.item.id,
                message_id=message_id, poll_id=poll_id,
            )  # fmt: skip
        await self.events.item_changed(vote.item.id)

    async def abandon(self, vote: Vote, reason: str) -> None:
        """The poll or card could not be posted: the number stays used, the vote is cancelled."""
        now = self.clock.now()
        async with self.db.transaction():
            await self.items.update(vote.item.id, now, status="cancelled", closed_at=now)
            await self.audit.add(
                vote.item.committee_id, "vote.abandon", None, now, vote.item.id, reason=reason
            )
        await self.events.item_changed(vote.item.id)

    async def posted_item(self, item_id: int, message_id: int, poll_id: str | None = None) -> None:
        """The outbox sent the card or poll of vote `item_id`."""
        await self.posted(await self.repo.get(item_id), message_id, poll_id)

    async def abandon_item(self, item_id: int, reason: str) -> None:
        """Telegram refused the card or poll of vote `item_id`."""
        await self.abandon(await self.repo.get(item_id), reason)

    async def result_posted_item(self, item_id: int, message_id: int) -> None:
        """The outbox sent the result of vote `item_id`."""
        await self.result_posted(await self.repo.get(item_id), message_id)

    # ------------------------------------------------------------------ reading
    async def of_item(self, item: Item) -> Vote:
        """The vote of an item of kind 'vote'."""
        return await self.repo.get(item.id)

    async def get(self, item_id: int) -> Vote | None:
        """A vote by item id."""
        return await self.repo.get(item_id)

    async def result_posted(self, vote: Vote, message_id: int) -> None:
        """Remember the message that carries the result."""
        await self.repo.update(vote.item.id, result_message_id=message_id)

    async def tally(self, vote: Vote) -> Tally:
        """Counts so far (open) or as frozen at close, with the vote's programme."""
        counted = await self._tally(vote)
        if self.programmes is None:
            return counted
        return replace(counted, programme=await self.programmes.of_item(vote.item.id))

    async def _tally(self, vote: Vote) -> Tally:
        if vote.result is not None:
            return await self._snapshot(vote)
        ids = await self.repo.electorate(vote.item.id)
        people = await self.members.many(ids)
        voting = [people[i] for i in ids if i in people]
        chair = next((m.id for m in voting if m.role == Role.CHAIR), None)
        counts = (vote.poll_counts or {}).get("counts") or [0] * len(vote.options)
        if vote.anonymous:
            voters = (vote.poll_counts or {}).get("voters", 0)
            return Tally(vote, voting, {}, 0, chair, list(counts), voters)
        current = {u: b for u, b in (await self.repo.current(vote.item.id)).items() if b.voted}
        by_user = {m.user_id: m for m in voting if m.user_id is not None}
        choices = {by_user[u].id: b.choice for u, b in current.items() if u in by_user}
        others = sum(1 for u in current if u not in by_user)
        acting = await self._acting(
            {by_user[u].id: b.acting_id for u, b in current.items() if u in by_user}
        )
        options = [0] * len(vote.options)
        for choice in choices.values():
            for index in choice if vote.is_poll else ():
                options[index] += 1
        return Tally(vote, voting, choices, others, chair, options, len(choices), acting)

    async def _acting(self, by_member: dict[int, int | None]) -> dict[int, Member]:
        """member id → the stand-in who cast their current ballot (issue 17)."""
        wanted = {m: a for m, a in by_member.items() if a is not None}
        people = await self.members.many(sorted(set(wanted.values()))) if wanted else {}
        return {m: people[a] for m, a in wanted.items() if a in people}

    async def _snapshot(self, vote: Vote) -> Tally:
        saved = vote.result
        people = await self.members.many(saved["eligible"])
        eligible = [people[i] for i in saved["eligible"] if i in people]
        choices = {int(k): v for k, v in saved["choices"].items()}
        acting = await self._acting({int(k): v for k, v in (saved.get("acting") or {}).items()})
        return Tally(
            vote, eligible, choices, saved["others"], saved["chair"], saved["counts"],
            saved["voters"], acting,
        )  # fmt: skip

    async def pending_view(self, item: Item) -> tuple[Tally, dict[int, Member]]:
        """`/pending N`: the tally, and who acts today for each member where their ballot
        counts (a named motion of a committee that allows proxy votes, issue 17)."""
        tally = await self.tally(await self.of_item(item))
        committee = await self.committees.get(item.committee_id)
        if tally.vote.is_poll or tally.vote.anonymous or not committee.proxy_vote:
            return tally, {}
        return tally, await self.acting_now(committee)

    async def pending_members(self, item: Item) -> list[Member]:
        """Counted members who have not voted (empty for anonymous polls)."""
        return (await self.tally(await self.of_item(item))).non_voters

    async def history(self, vote: Vote) -> list[Ballot]:
        """Every ballot, oldest first."""
        return await self.repo.history(vote.item.id)

    # ------------------------------------------------------------------ ballots
    @guarded
    async def cast(
        self,
        committee: Committee,
        member: Member | None,
        item_id: int,
        choice: str,
        acting: Member | None = None,
    ) -> Cast:
        """For / Against / Abstain on a motion; the same choice again changes nothing.
        `acting`: a stand-in casting `member`'s ballot, counted only where the committee allows
        it (`/settings proxyvote on`); otherwise refused politely (issue 17)."""
        vote = await self.repo.get(item_id)
        if vote is None or vote.item.committee_id != committee.id or vote.is_poll:
            raise DomainError("common.stale_button")
        if choice not in CHOICES:
            raise DomainError("common.stale_button")
        if member is None or not member.active or member.role not in VOTING_ROLES:
            raise DomainError("vote.not_voter")
        if acting is not None and not committee.proxy_vote:
            raise DomainError("standin.proxy_off", name=member.display_name)
        now = self.clock.now()
        async with self.db.transaction():
            vote = await self.repo.get(item_id)
            if not vote.taking_ballots(now):
                raise DomainError("vote.closed", number=vote.item.number)
            previous = (await self.repo.current(item_id)).get(member.user_id)
            before = previous.choice if previous else None
            if before != choice:
                await self.repo.add_ballot(
                    item_id, member.id, member.user_id, choice, now,
                    acting_id=acting.id if acting is not None else None,
                )  # fmt: skip
                behalf = {}
                if acting is not None:
                    behalf = {"on_behalf_of": member.id, "on_behalf_name": member.display_name}
                await self.audit.add(
                    committee.id, "vote.ballot", (acting or member).user_id, now, item_id,
                    member_id=member.id, before=before, after=choice, **behalf,
                )  # fmt: skip
        if before != choice:
            await self.events.item_changed(item_id)
        return Cast(vote, before, choice, before != choice, member=member)

    async def cast_number(
        self,
        committee: Committee,
        member: Member | None,
        number: int,
        choice: str,
        acting: Member | None = None,
    ) -> Cast:
        """A ballot typed as `/vote N <choice>`: motion #N of this committee, as the buttons."""
        item = await self.items.by_number(committee.id, number)
        if item is None:
            raise DomainError("item.not_found", number=number)
        vote = await self.repo.get(item.id) if item.kind == "vote" else None
        if vote is None or vote.is_poll:
            raise DomainError("vote.not_motion", number=number)
        return await self.cast(committee, member, item.id, choice, acting=acting)

    async def record_poll_answer(
        self, poll_id: str, user_id: int, option_ids: list[int]
    ) -> Cast | None:
        """A `poll_answer` ([] = retracted); None when the poll is not ours or is anonymous."""
        vote = await self.repo.by_poll_id(poll_id)
        if vote is None or vote.anonymous:
            return None
        seat = await self.members.by_user(vote.item.committee_id, user_id)
        seat = seat if seat is not None and seat.active else None
        choice = sorted({i for i in option_ids if 0 <= i < len(vote.options)})
        now = self.clock.now()
        async with self.db.transaction():
            vote = await self.repo.get(vote.item.id)
            late = not vote.taking_ballots(now)
            previous = None if late else (await self.repo.current(vote.item.id)).get(user_id)
            before = previous.choice if previous else None
            member_id = seat.id if seat else None
            await self.repo.add_ballot(vote.item.id, member_id, user_id, choice, now, late=late)
            await self.audit.add(
                vote.item.committee_id, "vote.late_answer" if late else "vote.answer", user_id,
                now, vote.item.id, member_id=member_id, before=before, after=choice,
            )  # fmt: skip
        await self.events.item_changed(vote.item.id)
        return Cast(vote, before, choice, before != choice, late=late, member=seat)

    async def record_poll_counts(self, poll_id: str, counts: list[int], voters: int) -> Vote | None:
        """Counts from a `poll` update (the only numbers an anonymous poll gives)."""
        vote = await self.repo.by_poll_id(poll_id)
        new = {"counts": list(counts), "voters": voters}
        if vote is None or not vote.is_open or vote.poll_counts == new:
            return vote
        now = self.clock.now()
        async with self.db.transaction():
            await self.repo.update(vote.item.id, poll_counts=new)
            await self.audit.add(
                vote.item.committee_id, "vote.poll_counts", None, now, vote.item.id,
                before=vote.poll_counts, after=new,
            )  # fmt: skip
        await self.events.item_changed(vote.item.id)
        return await self.repo.get(vote.item.id)
