"""Committees and their rosters: setup, join, add, role changes, removal, people's preferences."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import LANGUAGES
from bot.errors import DomainError
from bot.models import ROLE_ORDER, SECRETARY_CHAIR, Role, is_service_account
from bot.services.guard import guarded
from bot.services.seat_claims import CONFIRMED_ROLES, SeatClaims
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.members import Member, MemberRepo
from storage.seat_claims import SeatClaimRepo
from storage.users import UserPrefs, UserRepo

MAX_AGENCY = 200
MAX_TITLE = 300


@dataclass(frozen=True)
class Person:
    """Someone named in a command: by @username, or by the message they were replying to."""

    user_id: int | None = None
    username: str | None = None
    full_name: str = ""


@dataclass(frozen=True)
class RosterEntry:
    """A member as shown in `/members`."""

    member: Member
    can_dm: bool


class RosterService:
    """Everything about who sits on which committee."""

    def __init__(
        self,
        committees: CommitteeRepo,
        members: MemberRepo,
        users: UserRepo,
        audit: AuditRepo,
        clock: Clock,
        default_timezone: str,
        default_language: str,
    ) -> None:
        self.committees = committees
        self.members = members
        self.users = users
        self.audit = audit
        self.clock = clock
        self.default_timezone = default_timezone
        self.default_language = default_language
        self.db = members.db  # the repositories' database: every guarded write is one transaction
        self.claims = SeatClaims(committees, members, SeatClaimRepo(self.db), audit, clock)

    async def setup(
        self, chat_id: int, thread_id: int | None, title: str, founder: Person, is_admin: bool
    ) -> Committee:
        """Turn a group into a committee with the caller as its secretary."""
        existing = await self.committees.by_chat(chat_id)
        if existing is not None:
            raise DomainError("setup.already", title=existing.title)
        if not is_admin:
            raise DomainError("setup.not_admin")
        title = title.strip()
        if len(title) > MAX_TITLE:
            raise DomainError("common.too_long", limit=MAX_TITLE)
        now = self.clock.now()
        committee_id = await self.committees.create(
            chat_id=chat_id,
            thread_id=thread_id,
            title=title,
            timezone=self.default_timezone,
            language=self.default_language,
            created_by=founder.user_id,
            now=now,
        )
        await self._insert_seat(committee_id, founder, Role.SECRETARY, "", now)
        await self.audit.add(committee_id, "committee.setup", founder.user_id, now, title=title)
        return await self.committees.get(committee_id)

    @guarded
    async def join(self, committee: Committee, person: Person, agency: str) -> tuple[Member, bool]:
        """Join as a member, or update one's agency; returns (seat, newly joined)."""
        agency = self._agency(agency, required=True)
        now = self.clock.now()
        seat = await self.members.by_user(committee.id, person.user_id)  # never by @username
        if seat is None:
            await self.claims.check_not_awaiting(committee, person.user_id, person.username)
            member_id = await self._insert_seat(committee.id, person, Role.MEMBER, agency, now)
            await self.audit.add(committee.id, "member.join", person.user_id, now, agency=agency)
            return await self.members.get(member_id), True
        changes: dict[str, object] = {"agency": agency}
        if not seat.active:
            changes.update(active=1, role=Role.MEMBER)
        await self.members.update(seat.id, now, **changes)
        await self.audit.add(
            committee.id,
            "member.join" if not seat.active else "member.agency",
            person.user_id,
            now,
            before=seat.agency,
            agency=agency,
        )
        return await self.members.get(seat.id), not seat.active

    @guarded
    async def add(
        self, committee: Committee, actor: Member, person: Person, role: Role, agency: str
    ) -> tuple[Member, bool]:
        """Pre-register (or update) a seat by @username or user id; returns (seat, created)."""
        agency = self._agency(agency, required=False)
        if is_service_account(person.user_id, person.username):
            raise DomainError("roster.service_account", name=_label(person))
        explicit = person.user_id is not None  # a reply or a text mention names the account
        if person.user_id is None and person.username:
            known = await self.users.id_of_username(person.username)
            if known is not None:
                person = Person(known, person.username, person.full_name)
        now = self.clock.now()
        seat = await self._seat_of(committee, person)
        await self._check_chair_free(committee, role, seat)
        if seat is None:
            if role in CONFIRMED_ROLES and person.username and not explicit:
                # Known only by the username it shows now: wait for them and a confirmation.
                person = Person(None, person.username, "")
            member_id = await self._insert_seat(committee.id, person, role, agency, now)
            await self.audit.add(
                committee.id,
                "member.add",
                actor.user_id,
                now,
                member=member_id,
                role=role,
                agency=agency,
            )
            return await self.members.get(member_id), True
        await self._check_keeps_manager(committee, seat, role)
        changes: dict[str, object] = {"role": role, "active": 1}
        if agency:
            changes["agency"] = agency
        await self.members.update(seat.id, now, **changes)
        await self.audit.add(
            committee.id,
            "member.update",
            actor.user_id,
            now,
            member=seat.id,
            before={"role": seat.role, "agency": seat.agency, "active": seat.active},
            role=role,
            agency=agency or seat.agency,
        )
        return await self.members.get(seat.id), False

    @guarded
    async def set_role(
        self, committee: Committee, actor: Member, person: Person, role: Role
    ) -> Member:
        """Change an active member's role."""
        seat = await self.require_member(committee, person)
        await self._check_chair_free(committee, role, seat)
        await self._check_keeps_manager(committee, seat, role)
        now = self.clock.now()
        await self.members.update(seat.id, now, role=role)
        await self.audit.add(
            committee.id,
            "member.role",
            actor.user_id,
            now,
            member=seat.id,
            before=seat.role,
            role=role,
        )
        return await self.members.get(seat.id)

    @guarded
    async def remove(self, committee: Committee, actor: Member, person: Person) -> Member:
        """Deactivate a member (history stays)."""
        seat = await self.require_member(committee, person)
        return await self._deactivate(committee, seat, actor.user_id, "member.remove")

    @guarded
    async def leave(self, committee: Committee, seat: Member) -> Member:
        """A member leaves the committee."""
        return await self._deactivate(committee, seat, seat.user_id, "member.leave")

    async def roster(self, committee: Committee) -> list[RosterEntry]:
        """Active members by role order, then name, with DM reachability."""
        seats = await self.members.list(committee.id)
        prefs = await self.users.many([s.user_id for s in seats if s.user_id])
        order = {role: i for i, role in enumerate(ROLE_ORDER)}
        seats.sort(key=lambda s: (order[Role(s.role)], s.display_name.lower()))
        return [
            RosterEntry(s, bool(s.user_id and prefs.get(s.user_id) and prefs[s.user_id].can_dm))
            for s in seats
        ]

    async def require_member(self, committee: Committee, person: Person) -> Member:
        """The active seat a person holds, or a refusal naming them."""
        seat = await self._seat_of(committee, person)
        if seat is None or not seat.active:
            raise DomainError("roster.not_a_member", name=_label(person))
        return seat

    async def seat(self, committee: Committee, user_id: int) -> Member | None:
        """The active seat of a Telegram user, if any."""
        seat = await self.members.by_user(committee.id, user_id)
        return seat if seat is not None and seat.active else None

    async def set_language(self, user_id: int, language: str) -> None:
        """A person's own language for replies."""
        if language not in LANGUAGES:
            raise DomainError("lang.usage")
        await self.users.set(user_id, self.clock.now(), language=language)

    async def set_notify(self, user_id: int, on: bool) -> None:
        """Whether reminders are also sent to this person privately."""
        await self.users.set(user_id, self.clock.now(), notify=int(on))

    async def open_private_chat(self, user_id: int) -> list[Committee]:
        """Record that DMs now reach this person; return their committees."""
        await self.users.set(user_id, self.clock.now(), can_dm=1)
        return await self.committees.many(await self.members.committees_of(user_id))

    async def prefs(self, user_id: int) -> UserPrefs | None:
        """What we know of a person."""
        return await self.users.get(user_id)

    async def seen(self, person: Person) -> None:
        """Someone wrote: remember their name and username (pre-registered seats: `claims`)."""
        if is_service_account(person.user_id):
            return
        now = self.clock.now()
        async with self.db.transaction():
            await self.users.touch(person.user_id, person.username, person.full_name, now)
            await self.members.refresh_identity(
                person.user_id, person.username, person.full_name, now
            )

    async def _insert_seat(
        self, committee_id: int, person: Person, role: Role, agency: str, now
    ) -> int:
        if is_service_account(person.user_id):
            raise DomainError("roster.service_account", name=_label(person))
        if person.username:
            await self.members.release_username(committee_id, person.username, person.user_id)
        return await self.members.insert(
            committee_id=committee_id, user_id=person.user_id, username=person.username,
            full_name=person.full_name, role=role, agency=agency, now=now,
        )  # fmt: skip

    async def _seat_of(self, committee: Committee, person: Person) -> Member | None:
        """The seat a command names: by user id when known, else by the @username it shows.

        A seat bound to another account is never found through a username the named person
        now holds (the hint is stale); only a seat still waiting for its user is.
        """
        if person.user_id is not None:
            seat = await self.members.by_user(committee.id, person.user_id)
            if seat is None and person.username:
                pending = await self.members.by_username(committee.id, person.username)
                seat = pending if pending is not None and pending.user_id is None else None
            return seat
        if person.username:
            return await self.members.by_username(committee.id, person.username)
        return None

    async def _deactivate(self, committee: Committee, seat: Member, actor: int | None, action: str):
        await self._check_keeps_manager(committee, seat, None)
        now = self.clock.now()
        await self.members.update(seat.id, now, active=0)
        await self.audit.add(committee.id, action, actor, now, member=seat.id, role=seat.role)
        return await self.members.get(seat.id)

    async def _check_chair_free(self, committee: Committee, role: Role, target) -> None:
        """Refuse a second chair (`target`: the seat being changed, None for a new one)."""
        if role != Role.CHAIR:
            return
        for seat in await self.members.list(committee.id):
            if seat.role == Role.CHAIR and (target is None or seat.id != target.id):
                raise DomainError("roster.chair_taken", name=seat.display_name)

    async def _check_keeps_manager(self, committee: Committee, seat: Member, new_role) -> None:
        """Refuse a change that would leave nobody able to manage the roster."""
        if seat.role not in SECRETARY_CHAIR or new_role in SECRETARY_CHAIR:
            return
        managers = [
            s
            for s in await self.members.list(committee.id)
            if s.role in SECRETARY_CHAIR and s.user_id is not None
        ]
        if all(s.id == seat.id for s in managers):
            raise DomainError("roster.last_manager")

    @staticmethod
    def _agency(agency: str, required: bool) -> str:
        agency = " ".join(agency.split())
        if required and not agency:
            raise DomainError("join.usage")
        if len(agency) > MAX_AGENCY:
            raise DomainError("common.too_long", limit=MAX_AGENCY)
        return agency


def _label(person: Person) -> str:
    if person.username:
        return f"@{person.username}"
    return person.full_name or str(person.user_id)
