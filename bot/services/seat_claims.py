"""Pre-registered seats taken up (design §4, issue 19): a seat `/add`ed as @username binds to
the account that shows that username when it first writes in the committee's group, and the
group is told; the secretary's, the chair's and the deputies' seats wait for the secretary's or
the chair's confirmation instead ("Xác nhận / Không phải người này").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.errors import DomainError
from bot.models import MANAGERS, is_service_account
from bot.services.guard import guarded
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.members import Member, MemberRepo
from storage.seat_claims import SeatClaim, SeatClaimRepo

# Seats whose binding a person must confirm: whoever holds them runs the committee.
CONFIRMED_ROLES = MANAGERS


@dataclass(frozen=True)
class Arrival:
    """Someone took up a pre-registered seat: bound now, or `claim` waiting for confirmation."""

    committee: Committee
    seat: Member
    user_id: int
    username: str
    full_name: str
    claim: SeatClaim | None


class SeatClaims:
    """Binding pre-registered seats, announced, and confirmed where the role demands it."""

    def __init__(
        self,
        committees: CommitteeRepo,
        members: MemberRepo,
        claims: SeatClaimRepo,
        audit: AuditRepo,
        clock: Clock,
    ) -> None:
        self.committees, self.members, self.claims = committees, members, claims
        self.audit, self.clock, self.db = audit, clock, members.db

    async def arrive(
        self, chat_id: int, user_id: int, username: str | None, full_name: str
    ) -> Arrival | None:
        """A person wrote in a group: the pre-registered seat their @username takes up, if any.

        Cheap when nothing is pending (reads only): most writers already hold a seat.
        """
        if not username or is_service_account(user_id):
            return None
        committee = await self.committees.by_chat(chat_id)
        if committee is None or await self.members.by_user(committee.id, user_id) is not None:
            return None
        seat = await self.members.by_username(committee.id, username)
        if seat is None or seat.user_id is not None or not seat.active:
            return None
        return await self._take_up(committee, seat, user_id, username, full_name)

    @guarded
    async def _take_up(
        self, committee: Committee, seat: Member, user_id: int, username: str, full_name: str
    ) -> Arrival | None:
        seat = await self.members.get(seat.id)  # again, inside the transaction
        if seat.user_id is not None or await self.members.by_user(committee.id, user_id):
            return None
        now = self.clock.now()
        if seat.role not in CONFIRMED_ROLES:
            await self._bind(committee, seat, user_id, full_name, user_id)
            bound = await self.members.get(seat.id)
            return Arrival(committee, bound, user_id, username, full_name, None)
        if await self.claims.of(seat.id, user_id) is not None:
            return None  # already asked (or refused): once is enough
        claim_id = await self.claims.add(seat.id, user_id, username, full_name, now)
        await self.audit.add(
            committee.id, "member.claim", user_id, now, member=seat.id, role=seat.role
        )
        claim = await self.claims.get(claim_id)
        return Arrival(committee, seat, user_id, username, full_name, claim)

    async def check_not_awaiting(
        self, committee: Committee, user_id: int, username: str | None
    ) -> None:
        """Refuse a `/join` while the seat pre-registered under one's @username awaits them."""
        seat = await self.members.by_username(committee.id, username) if username else None
        if seat is None or seat.user_id is not None or not seat.active:
            return
        claim = await self.claims.of(seat.id, user_id)
        key = "join.not_this_person" if claim and claim.status == "rejected" else "join.awaiting"
        raise DomainError(key, username=f"@{seat.username}")

    @guarded
    async def decide(
        self, committee: Committee, actor: Member, claim_id: int, confirm: bool
    ) -> tuple[SeatClaim, Member]:
        """The secretary or chair confirms (or refuses) that this account is the seat's person."""
        claim = await self.claims.get(claim_id)
        seat = None if claim is None else await self.members.get(claim.member_id)
        if seat is None or seat.committee_id != committee.id:
            raise DomainError("claim.unknown")
        if claim.status != "pending":
            raise DomainError("claim.decided")
        if confirm and (
            seat.user_id is not None
            or not seat.active
            or await self.members.by_user(committee.id, claim.user_id) is not None
        ):
            raise DomainError("claim.stale")
        now = self.clock.now()
        status = "confirmed" if confirm else "rejected"
        await self.claims.decide(claim.id, status, actor.user_id, now)
        if confirm:
            await self._bind(committee, seat, claim.user_id, claim.full_name, actor.user_id)
        else:
            await self.audit.add(
                committee.id, "member.claim_rejected", actor.user_id, now, member=seat.id
            )
        return await self.claims.get(claim.id), await self.members.get(seat.id)

    async def _bind(
        self, committee: Committee, seat: Member, user_id: int, full_name: str, actor: int
    ) -> None:
        now = self.clock.now()
        await self.members.update(seat.id, now, user_id=user_id, full_name=full_name)
        await self.audit.add(
            committee.id, "member.bind", actor, now, member=seat.id, user=user_id, role=seat.role
        )
