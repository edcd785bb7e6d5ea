"""Meetings (issue 15): invite, agenda and pre-reads, attendance, reschedule, cancel.

Every change runs in one transaction with its audit entry, then `events.item_changed` (the
reminders replan). Conclusions and their tasks: `MeetingConclusions`
(bot/services/meeting_conclusions.py), mixed in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.errors import DomainError
from bot.events import Events
from bot.models import VOTING_ROLES
from bot.services import meeting_reminders
from bot.services.guard import guarded
from bot.services.item_service import OneKind
from bot.services.meeting_conclusions import MeetingConclusions
from bot.services.meeting_input import MAX_TEXT, MAX_TITLE, read_new_meeting, read_when
from bot.services.meeting_model import KIND, STATUSES, ConclusionView, MeetingView, rank
from bot.services.programme_tags import extract_tags
from bot.services.programmes import ProgrammeService
from bot.services.roster import RosterService
from bot.services.settings import config_of
from bot.services.standins import StandinService
from bot.services.tasks import TaskService
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.db import Database
from storage.items import Item, ItemRepo
from storage.meetings import MeetingPrompt, MeetingRepo
from storage.members import Member, MemberRepo
from storage.users import UserRepo


@dataclass(frozen=True)
class Preread:
    """A document the `/agenda N` command replied to."""

    file_id: str
    name: str | None


class MeetingService(MeetingConclusions, OneKind):
    """Every rule about meetings; handlers only parse and render."""

    KIND = KIND
    WRONG_KIND = "meeting.wrong_kind"

    def __init__(
        self, db: Database, clock: Clock, repo: MeetingRepo, items: ItemRepo,
        committees: CommitteeRepo, members: MemberRepo, users: UserRepo, audit: AuditRepo,
        roster: RosterService, tasks: TaskService, events: Events,
        standins: StandinService | None = None, programmes: ProgrammeService | None = None,
    ) -> None:  # fmt: skip
        self.db, self.clock, self.repo, self.items = db, clock, repo, items
        self.committees, self.members, self.users, self.audit = committees, members, users, audit
        self.roster, self.tasks, self.events = roster, tasks, events
        self.standins = standins  # a stand-in confirms attendance for the member away (issue 17)
        self.programmes = programmes  # `ct:<code>` tags a new meeting; its card shows it

    # ------------------------------------------------------------ creating
    @guarded
    async def create(self, committee: Committee, actor: Member, text: str) -> MeetingView:
        """`/meeting <title> <date time> [tại <place>]`; further lines are agenda lines."""
        now = self.clock.now()
        text, tags = extract_tags(text, now, committee.tz, directive=False)
        new = read_new_meeting(text, now, committee.tz, config_of(committee).calendar)
        async with self.db.transaction():
            number = await self.committees.take_number(committee.id)
            item_id = await self.items.insert(
                committee_id=committee.id, number=number, kind=KIND, title=new.title,
                status="open", deadline=new.start, created_by=actor.user_id, now=now,
            )  # fmt: skip
            await self.repo.insert(item_id, new.place)
            for line in new.agenda:
                await self.repo.add_agenda(item_id, "line", line, None, actor.user_id, now)
            tagged = {}
            if tags.code and self.programmes is not None:
                tagged = await self.programmes.apply(committee, item_id, tags)
            await self.audit.add(
                committee.id, "meeting.create", actor.user_id, now, item_id, number=number,
                title=new.title, start=new.start, place=new.place, agenda=list(new.agenda),
                **tagged,
            )  # fmt: skip
        await self.events.item_changed(item_id)
        return await self.view(await self.items.get(item_id))

    async def set_card(self, item_id: int, message_id: int) -> None:
        """Remember the card message (edited in place as answers come)."""
        await self.items.update(item_id, self.clock.now(), message_id=message_id)

    # ------------------------------------------------------------ reading
    async def view(self, item: Item) -> MeetingView:
        """The meeting now: invitees, answers, agenda, conclusions with their tasks' state."""
        committee = await self.committees.get(item.committee_id)
        place, sequence, reason = await self.repo.get(item.id)
        roster = await self.members.list(committee.id)
        invitees = tuple(sorted((m for m in roster if m.role in VOTING_ROLES), key=rank))
        attendance = await self.repo.attendance(item.id)
        shown = {m.id for m in invitees}
        extra = [i for i in attendance if i not in shown]  # answered, then left the committee
        if extra:
            gone = (await self.members.many(extra)).values()
            invitees += tuple(sorted(gone, key=rank))
        acting_ids = {a.acting_id for a in attendance.values() if a.acting_id is not None}
        acting = await self.members.many(sorted(acting_ids)) if acting_ids else {}
        conclusions = []
        for row in await self.repo.conclusions(item.id):
            task = await self.tasks.view(row.task_item_id) if row.task_item_id else None
            conclusions.append(ConclusionView(row.text, task))
        return MeetingView(
            committee, item, place, sequence, reason, tuple(await self.repo.agenda(item.id)),
            invitees, attendance, tuple(conclusions), acting,
            await self.programmes.of_item(item.id) if self.programmes else None,
        )  # fmt: skip

    async def view_of(self, committee: Committee, number: int) -> MeetingView:
        """Meeting #N as a view."""
        return await self.view(await self.get(committee, number))

    async def pending_members(self, item: Item) -> list[Member]:
        """Invitees who have not answered (for /pending and the reminders)."""
        return (await self.view(item)).pending

    async def pending_view(self, item: Item) -> tuple[MeetingView, dict[int, Member]]:
        """`/pending N`: the view, and who stands in today for each invitee (issue 17)."""
        view = await self.view(item)
        acting = await self.standins.acting_now(view.committee) if self.standins else {}
        return view, acting

    async def plans(self, item: Item, committee: Committee, now: datetime) -> list:
        """The meeting's reminder rows (the reminder service asks)."""
        return meeting_reminders.plans(item.deadline, now, config_of(committee))

    async def reminded(self, item: Item, seq: int) -> list[Member]:
        """Who one of the meeting's reminders goes to (nobody once it has begun: the row is
        then dropped)."""
        if item.deadline is not None and item.deadline <= self.clock.now():
            return []
        return meeting_reminders.recipients(await self.view(item), seq)

    async def find_for_user(self, user_id: int, item_id: int) -> tuple[Committee, Item, Member]:
        """A private button or deep link: the meeting and the person's seat on its committee."""
        item = await self.items.get(item_id)
        committee = item and await self.committees.get(item.committee_id)
        member = committee and await self.roster.seat(committee, user_id)
        if not member or item.kind != KIND:  # say nothing about other committees' items
            raise DomainError("meeting.not_invited")
        return committee, item, member

    # ------------------------------------------------------------ agenda
    @guarded
    async def add_agenda(
        self, committee: Committee, actor: Member, number: int, text: str,
        preread: Preread | None = None,
    ) -> MeetingView:  # fmt: skip
        """`/agenda N <line>`, or a replied-to document as a pre-read."""
        item = await self.get(committee, number)
        self._require_open(item)
        text = " ".join(text.split())
        if preread is None and not text:
            raise DomainError("agenda.usage")
        if len(text) > MAX_TITLE:
            raise DomainError("common.too_long", limit=MAX_TITLE)
        now = self.clock.now()
        kind, shown = ("preread", preread.name or text or "📄") if preread else ("line", text)
        file_id = preread.file_id if preread else None
        await self.repo.add_agenda(item.id, kind, shown, file_id, actor.user_id, now)
        await self.items.update(item.id, now)
        await self.audit.add(
            committee.id, f"meeting.{kind}", actor.user_id, now, item.id, text=shown
        )
        return await self.view(item)

    # ------------------------------------------------------------ attendance
    def check_invitee(self, view: MeetingView, member: Member | None) -> None:
        """Refuse unless the meeting is open and `member` is one of its invitees."""
        if member is None or all(m.id != member.id for m in view.invitees) or not member.active:
            raise DomainError("meeting.not_invited")
        self._require_open(view.item)

    async def seat_for(self, item: Item, actor: Member | None) -> tuple[Member | None, bool]:
        """The seat a press of the attendance buttons by `actor` answers for, and whether it is
        someone else's (issue 17). The rule: one's own invitation while it is unanswered; else
        the invitation of a member `actor` stands in for today that the member has not answered
        themselves (unanswered, or answered earlier by `actor`); else one's own again."""
        if actor is None or self.standins is None:
            return actor, False
        view = await self.view(item)
        invited = {m.id for m in view.invitees if m.active}
        if actor.id in invited and actor.id not in view.attendance:
            return actor, False
        for member in await self.standins.acting_for(view.committee, actor):
            row = view.attendance.get(member.id)
            if member.id in invited and (row is None or row.acting_id == actor.id):
                return member, True
        return actor, False

    @guarded
    async def respond(
        self, item: Item, member: Member, status: str, detail: str = "",
        acting: Member | None = None,
    ) -> str:  # fmt: skip
        """Record attend / standin (detail: who) / absent (detail: why); the latest counts.
        `acting`: the stand-in answering for `member` today (checked again here)."""
        if status not in STATUSES:
            raise ValueError(status)
        item = await self.by_id(item.id)  # as it is now, inside the transaction
        view = await self.view(item)
        self.check_invitee(view, member)
        if acting is not None and acting.id != member.id:
            if self.standins is None or not await self.standins.principal(
                view.committee, acting, frozenset({member.id})
            ):
                raise DomainError("standin.not_for", name=member.display_name)
        else:
            acting = None
        detail = " ".join(detail.split())
        if status != "attend" and not detail:
            key = "meeting.standin_empty" if status == "standin" else "meeting.absent_empty"
            raise DomainError(key, number=item.number)
        if len(detail) > MAX_TEXT:
            raise DomainError("common.too_long", limit=MAX_TEXT)
        now = self.clock.now()
        before = view.attendance.get(member.id)
        acting_id = acting.id if acting else None
        await self.repo.set_attendance(item.id, member.id, status, detail, now, acting_id)
        await self.repo.drop_prompts(item.id, (acting or member).user_id)
        behalf = {}
        if acting is not None:
            behalf = {"on_behalf_of": member.id, "on_behalf_name": member.display_name,
                      "standin_name": acting.display_name}  # fmt: skip
        await self.audit.add(
            item.committee_id, "meeting.attendance", (acting or member).user_id, now, item.id,
            member_id=member.id, before=before.status if before else None, after=status,
            detail=detail, **behalf,
        )  # fmt: skip
        return status

    async def ask(
        self, item: Item, member: Member | None, status: str, chat_id: int,
        message_id: int | None, acting: Member | None = None,
    ) -> None:  # fmt: skip
        """Wait for this invitee's stand-in name or absence reason in this chat (from `acting`,
        their stand-in, when given)."""
        self.check_invitee(await self.view(item), member)
        who = acting or member
        await self.repo.put_prompt(
            who.user_id, chat_id, item.id, status, message_id, self.clock.now(),
            member.id if acting else None,
        )  # fmt: skip

    async def prompt(self, user_id: int, chat_id: int) -> MeetingPrompt | None:
        """The text awaited from this person in this (private) chat."""
        return await self.repo.prompt(user_id, chat_id)

    async def prompt_by_message(self, chat_id: int, message_id: int) -> MeetingPrompt | None:
        """The prompt a bot message in a group carries."""
        return await self.repo.prompt_by_message(chat_id, message_id)

    # ------------------------------------------------------------ time and cancellation
    @guarded
    async def reschedule(
        self, committee: Committee, actor: Member, number: int, text: str
    ) -> tuple[MeetingView, Item]:
        """`/reschedule N <date time>`: a new start, a higher .ics sequence; (view, old item)."""
        item = await self.get(committee, number)
        self._require_open(item)
        if not text.strip():
            raise DomainError("reschedule.usage")
        now = self.clock.now()
        start = read_when(text, now, committee.tz, config_of(committee).calendar)
        if start == item.deadline:
            raise DomainError("reschedule.same", number=number)
        await self.items.update(item.id, now, deadline=start)
        await self.repo.bump_sequence(item.id)
        await self.audit.add(
            committee.id, "meeting.reschedule", actor.user_id, now, item.id,
            before={"start": item.deadline.isoformat()}, after={"start": start.isoformat()},
        )  # fmt: skip
        await self.events.item_changed(item.id)
        return await self.view(await self.items.get(item.id)), item

    @guarded
    async def cancel(
        self, committee: Committee, actor: Member, number: int, reason: str = ""
    ) -> MeetingView:
        """`/cancel N [reason]` for a meeting: it will not take place."""
        item = await self.get(committee, number)
        self._require_open(item)
        reason = " ".join(reason.split())
        if len(reason) > MAX_TEXT:
            raise DomainError("common.too_long", limit=MAX_TEXT)
        now = self.clock.now()
        await self.items.update(item.id, now, status="cancelled", closed_at=now)
        await self.repo.set_cancelled(item.id, reason)
        await self.audit.add(
            committee.id, "meeting.cancel", actor.user_id, now, item.id, reason=reason
        )
        await self.events.item_changed(item.id)
        return await self.view(await self.items.get(item.id))

    async def reachable(self, members: list[Member]) -> list[Member]:
        """Those of `members` the bot may write to privately."""
        prefs = await self.users.many([m.user_id for m in members if m.user_id])
        return [m for m in members if m.user_id in prefs and prefs[m.user_id].can_dm]

    async def language_of(self, member: Member, committee: Committee) -> str:
        """A person's own language, else the committee's."""
        prefs = await self.users.get(member.user_id) if member.user_id else None
        return (prefs.language if prefs else None) or committee.language

    @staticmethod
    def _require_open(item: Item) -> None:
        if item.status == "cancelled":
            raise DomainError("meeting.already_cancelled", number=item.number)
        if item.status != "open":
            raise DomainError("meeting.already_held", number=item.number)
