"""A meeting's conclusions: read `/conclude`, keep it as a draft, and on confirmation make each
line with a person and a date a task exactly as /assign does (the task service), linked to the
meeting. Part of `MeetingService` (a mixin: it uses the repositories `MeetingService` sets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.errors import DomainError
from bot.models import SECRETARY_CHAIR
from bot.services.meeting_input import ConclusionLine, read_conclusions
from bot.services.meeting_model import MeetingView
from bot.services.roster import Person
from bot.services.settings import config_of
from bot.services.task_queries import OPEN, TaskView
from storage.committees import Committee
from storage.items import Item
from storage.members import Member


@dataclass(frozen=True)
class ReadLine:
    """A `/conclude` line with its people found on the roster (or why it cannot be used)."""

    line: ConclusionLine
    lead: Member | None = None
    cooperators: tuple[Member, ...] = ()
    error: tuple[str, dict] | None = None


@dataclass(frozen=True)
class Prepared:
    """What `/conclude` read: the draft to confirm (None if no line is usable) and every line."""

    item: Item
    draft_id: int | None
    lines: tuple[ReadLine, ...]

    @property
    def usable(self) -> list[ReadLine]:
        """Lines that will be recorded on confirmation."""
        return [r for r in self.lines if r.error is None]

    @property
    def unreadable(self) -> list[ReadLine]:
        """Lines that could not be read (reported, never recorded)."""
        return [r for r in self.lines if r.error is not None]


@dataclass(frozen=True)
class Tally:
    """Conclusion tasks of one meeting (or of all): done x of y, overdue z."""

    number: int | None
    title: str
    done: int
    total: int
    overdue: int


@dataclass(frozen=True)
class MeetingRow:
    """One meeting in a report or an export: when, where, who came, its conclusions' tasks."""

    number: int
    title: str
    start: datetime
    place: str
    status: str
    attend: int
    standin: int
    absent: int
    unconfirmed: int
    conclusions: int
    done: int
    total: int
    overdue: int


class MeetingConclusions:
    """Conclusions of `MeetingService`."""

    async def prepare(
        self, committee: Committee, actor: Member, number: int, text: str
    ) -> Prepared:
        """Read the lines, find their people, keep the usable ones as a draft (nothing else)."""
        item = await self.get(committee, number)
        if item.status == "cancelled":
            raise DomainError("meeting.already_cancelled", number=number)
        calendar = config_of(committee).calendar
        lines = read_conclusions(text, self.clock.now(), committee.tz, calendar)
        if not lines:
            raise DomainError("conclude.usage")
        read = [await self._people(committee, line) for line in lines]
        usable = [r for r in read if r.error is None]
        draft_id = None
        if usable:
            payload = [
                {
                    "text": r.line.text,
                    "lead": r.lead.id if r.lead else None,
                    "cooperators": [m.id for m in r.cooperators],
                    "task_text": r.line.task_text,
                }
                for r in usable
            ]
            draft_id = await self.repo.add_draft(item.id, actor.user_id, payload, self.clock.now())
        return Prepared(item, draft_id, tuple(read))

    async def _people(self, committee: Committee, line: ConclusionLine) -> ReadLine:
        if line.error is not None:
            return ReadLine(line, error=line.error)
        if not line.is_task:
            return ReadLine(line)
        seats: list[Member] = []
        for username in (line.lead, *line.cooperators):
            try:
                seat = await self.roster.require_member(committee, Person(username=username))
            except DomainError as err:
                return ReadLine(line, error=(err.key, dict(err.params)))
            if all(s.id != seat.id for s in seats):
                seats.append(seat)
        return ReadLine(line, seats[0], tuple(seats[1:]))

    async def confirm(
        self, committee: Committee, actor: Member, draft_id: int
    ) -> tuple[MeetingView, list[TaskView]]:
        """Record the draft's conclusions and create their tasks, all or nothing."""
        async with self.events.deferred(), self.db.transaction():
            draft = await self._draft(committee, actor, draft_id)
            item = await self.by_id(draft.item_id)
            if item.status == "cancelled":
                raise DomainError("meeting.already_cancelled", number=item.number)
            now = self.clock.now()
            await self.repo.decide_draft(draft_id, now)
            made: list[TaskView] = []
            for line in draft.lines:
                task_id = None
                if line["lead"] is not None:
                    ids = [line["lead"], *line["cooperators"]]
                    seats = await self.members.many(ids)
                    people = [_person(seats[i]) for i in ids if i in seats]
                    view = await self.tasks.create(committee, actor, people, line["task_text"])
                    made.append(view)
                    task_id = view.task.item.id
                await self.repo.add_conclusion(item.id, line["text"], task_id, now)
            await self.items.update(item.id, now, status="held", closed_at=item.closed_at or now)
            await self.audit.add(
                committee.id, "meeting.conclude", actor.user_id, now, item.id,
                conclusions=len(draft.lines), tasks=[v.number for v in made],
            )  # fmt: skip
            await self.events.item_changed(item.id)
            made = [await self.tasks.view(v.task.item.id) for v in made]  # now linked
        return await self.view(await self.items.get(item.id)), made

    async def discard(self, committee: Committee, actor: Member, draft_id: int) -> Item:
        """Drop a draft: nothing is recorded."""
        async with self.db.transaction():
            draft = await self._draft(committee, actor, draft_id)
            await self.repo.decide_draft(draft_id, self.clock.now())
        return await self.by_id(draft.item_id)

    async def _draft(self, committee: Committee, actor: Member | None, draft_id: int):
        draft = await self.repo.draft(draft_id)
        item = draft and await self.items.get(draft.item_id)
        if draft is None or draft.decided or item is None or item.committee_id != committee.id:
            raise DomainError("conclude.stale")
        if actor is None or (
            actor.user_id != draft.created_by and actor.role not in SECRETARY_CHAIR
        ):
            raise DomainError("conclude.not_yours")
        return draft

    async def meeting_of_task(self, task_item_id: int) -> int | None:
        """The meeting number whose conclusion became this task."""
        return await self.repo.meeting_of_task(task_item_id)

    async def tallies(self, committee: Committee, now: datetime) -> list[Tally]:
        """Per meeting: its conclusion tasks done, in all (cancelled ones left out), overdue."""
        by_meeting: dict[int, list] = {}
        titles: dict[int, str] = {}
        for number, title, status, deadline in await self.repo.conclusion_tasks(committee.id):
            titles[number] = title
            if status != "cancelled":
                by_meeting.setdefault(number, []).append((status, deadline))
        return [
            Tally(
                number,
                titles[number],
                sum(s == "done" for s, _ in rows),
                len(rows),
                sum(s in OPEN and d is not None and d < now for s, d in rows),
            )
            for number, rows in by_meeting.items()
        ]

    async def rows(
        self, committee: Committee, now: datetime, start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[MeetingRow]:  # fmt: skip
        """Meetings starting in [start, end) with attendance and their conclusion tasks at `now`."""
        found = []
        for item_id in await self.repo.meeting_ids(committee.id, start, end):
            view = await self.view(await self.items.get(item_id))
            tasks = [v for v in view.tasks if v.status != "cancelled"]
            overdue = [v for v in tasks if v.status in OPEN and v.task.item.deadline < now]
            found.append(
                MeetingRow(
                    view.number,
                    view.item.title,
                    view.start,
                    view.place,
                    view.item.status,
                    len(view.with_status("attend")),
                    len(view.with_status("standin")),
                    len(view.with_status("absent")),
                    len(view.pending),
                    len(view.conclusions),
                    sum(v.status == "done" for v in tasks),
                    len(tasks),
                    len(overdue),
                )
            )
        return found

    async def tally(self, committee: Committee, now: datetime) -> Tally:
        """All meetings together (the digest's and the report's line)."""
        parts = await self.tallies(committee, now)
        return Tally(
            None, "", sum(p.done for p in parts), sum(p.total for p in parts),
            sum(p.overdue for p in parts),
        )  # fmt: skip


def _person(seat: Member) -> Person:
    return Person(seat.user_id, seat.username, seat.full_name)
