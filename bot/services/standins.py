"""Stand-ins (ủy quyền, issue 17): `/standin @b <from>-<to>`, `/standin @a @b …` (secretary,
chair), `/standin off`; and the one question every authorization asks: who acts for whom now.

A stand-in covers local dates of the committee's timezone, both ends included, and ends by itself
after its last day (nothing to clean up: a range is current only while today is inside it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import dates
from bot.clock import Clock
from bot.errors import DomainError
from bot.models import SECRETARY_CHAIR
from bot.services.guard import actor_id, guarded
from bot.services.roster import Person, RosterService
from bot.services.work_calendar import split_range
from storage.audit import AuditRepo
from storage.committees import Committee
from storage.db import Database
from storage.members import Member, MemberRepo
from storage.standins import Standin, StandinRepo

MAX_DAYS = 366
OFF_WORDS = frozenset({"off", "tat", "tắt", "huy", "hủy", "huỷ", "end"})


@dataclass(frozen=True)
class StandinView:
    """A stand-in with both seats."""

    standin: Standin
    member: Member  # A, away
    acting: Member  # B, acting for A

    def current(self, today: date) -> bool:
        """Whether B acts for A on `today`."""
        s = self.standin
        return s.ended_at is None and s.starts_on <= today <= s.ends_on


class StandinService:
    """Names, ends and answers questions about stand-ins."""

    def __init__(
        self,
        db: Database,
        repo: StandinRepo,
        members: MemberRepo,
        roster: RosterService,
        audit: AuditRepo,
        clock: Clock,
    ) -> None:
        self.db, self.repo, self.members, self.roster = db, repo, members, roster
        self.audit, self.clock = audit, clock

    def today(self, committee: Committee) -> date:
        """Today in the committee's timezone."""
        return dates.local_date(self.clock.now(), committee.tz)

    @guarded
    async def name(
        self, committee: Committee, actor: Member, people: list[Person], span: str
    ) -> StandinView:
        """`/standin @b <from>-<to>` (for oneself) or `/standin @a @b <from>-<to>`."""
        if len(people) == 1:
            member, acting = actor, await self.roster.require_member(committee, people[0])
        elif len(people) == 2:
            if actor.role not in SECRETARY_CHAIR:
                raise DomainError("standin.for_other_forbidden")
            member = await self.roster.require_member(committee, people[0])
            acting = await self.roster.require_member(committee, people[1])
        else:
            raise DomainError("standin.usage")
        if member.id == acting.id:
            raise DomainError("standin.self")
        text = " ".join(span.split())
        if not text:
            raise DomainError("standin.usage")
        now, today = self.clock.now(), self.today(committee)
        first, last = split_range(text, lambda s: dates.parse_day(s, now, committee.tz))
        if last < first:
            raise DomainError("holiday.bad_range", first=f"{first:%d/%m/%Y}")
        if last < today:
            raise DomainError("standin.past")
        if (last - first).days + 1 > MAX_DAYS:
            raise DomainError("holiday.range_too_long", limit=MAX_DAYS)
        for other in await self.repo.current_and_coming(committee.id, today):
            if other.member_id == member.id and other.starts_on <= last and first <= other.ends_on:
                raise DomainError(
                    "standin.overlap",
                    name=member.display_name,
                    first=f"{other.starts_on:%d/%m/%Y}",
                    last=f"{other.ends_on:%d/%m/%Y}",
                )
        first = max(first, today)
        new_id = await self.repo.add(
            committee.id, member.id, acting.id, first, last, actor_id(actor), now
        )
        await self.audit.add(
            committee.id, "standin.add", actor_id(actor), now, member=member.id,
            member_name=member.display_name, standin=acting.id, standin_name=acting.display_name,
            starts_on=first.isoformat(), ends_on=last.isoformat(),
        )  # fmt: skip
        standin = Standin(new_id, committee.id, member.id, acting.id, first, last,
                          actor_id(actor), now, None)  # fmt: skip
        return StandinView(standin, member, acting)

    @guarded
    async def end(
        self, committee: Committee, actor: Member, person: Person | None
    ) -> list[StandinView]:
        """`/standin off` (one's own) or `/standin off @a` (secretary, chair)."""
        member = actor
        if person is not None:
            member = await self.roster.require_member(committee, person)
            if member.id != actor.id and actor.role not in SECRETARY_CHAIR:
                raise DomainError("standin.for_other_forbidden")
        now = self.clock.now()
        ended = await self.repo.end_for(member.id, self.today(committee), now)
        if not ended:
            raise DomainError("standin.none", name=member.display_name)
        people = await self.members.many(sorted({s.standin_id for s in ended}))
        for s in ended:
            await self.audit.add(
                committee.id, "standin.end", actor_id(actor), now, member=member.id,
                member_name=member.display_name, standin=s.standin_id,
                standin_name=people[s.standin_id].display_name,
            )  # fmt: skip
        return [StandinView(s, member, people[s.standin_id]) for s in ended]

    async def listing(self, committee: Committee) -> list[StandinView]:
        """Current and coming stand-ins of the committee (for `/members`)."""
        rows = await self.repo.current_and_coming(committee.id, self.today(committee))
        ids = {i for s in rows for i in (s.member_id, s.standin_id)}
        people = await self.members.many(sorted(ids))
        return [StandinView(s, people[s.member_id], people[s.standin_id]) for s in rows]

    async def acting_now(self, committee: Committee) -> dict[int, Member]:
        """member id → who acts for them today, for the whole committee (one read)."""
        today = self.today(committee)
        return {v.member.id: v.acting for v in await self.listing(committee) if v.current(today)}

    async def who_acts_for(self, committee: Committee, member: Member) -> Member | None:
        """Who acts for `member` today (None: they act for themselves)."""
        today = self.today(committee)
        for view in await self.listing(committee):
            if view.member.id == member.id and view.current(today):
                return view.acting
        return None

    async def acting_for(self, committee: Committee, actor: Member) -> list[Member]:
        """The members `actor` stands in for today."""
        today = self.today(committee)
        return [
            v.member
            for v in await self.listing(committee)
            if v.acting.id == actor.id and v.current(today)
        ]

    async def principal(
        self, committee: Committee, actor: Member, among: tuple[int, ...] | frozenset[int]
    ) -> Member | None:
        """The member among `among` (seat ids) that `actor` stands in for today, if any: the
        check behind answers, progress and ballots made on someone's behalf."""
        for member in await self.acting_for(committee, actor):
            if member.id in among:
                return member
        return None

    async def acting_as(self, committee: Committee, actor: Member, person: Person) -> Member:
        """The seat `actor` acts as when naming `person` (`… thay @a`): themselves, or the member
        they stand in for today; anyone else is refused."""
        seat = await self.roster.require_member(committee, person)
        if seat.id == actor.id:
            return actor
        if await self.principal(committee, actor, frozenset({seat.id})) is None:
            raise DomainError("standin.not_for", name=seat.display_name)
        return seat
