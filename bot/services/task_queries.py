"""Reading tasks: one task with its people, lists in their order, a person's tasks, history.

Part of `TaskService` (a mixin: it uses the repositories `TaskService.__init__` sets).
Timeliness comes only from `bot.timeliness.timeliness`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.errors import DomainError
from bot.models import SECRETARY_CHAIR
from bot.timeliness import Timeliness, timeliness
from storage.committees import Committee
from storage.members import Member
from storage.programmes import Directive, Programme
from storage.tasks import TaskRecord
from storage.values import record

OPEN = ("open", "in_progress")
LIST_FILTERS = ("open", "mine", "overdue", "done")


@dataclass(frozen=True)
class TaskView:
    """A task with its lead and cooperators (members) and its timeliness at `now`; a list's
    views (which show none of them) leave `meeting`, `programme` and `directive` unset."""

    task: TaskRecord
    lead: Member
    cooperators: tuple[Member, ...]
    timeliness: Timeliness | None
    now: datetime
    meeting: int | None = None  # the meeting whose conclusion this task came from (issue 15)
    programme: Programme | None = None  # issue 17
    directive: Directive | None = None  # the directing document, when given

    @property
    def number(self) -> int:
        """#N."""
        return self.task.item.number

    @property
    def status(self) -> str:
        """open, in_progress, done or cancelled."""
        return self.task.item.status

    @property
    def overdue_by(self) -> timedelta | None:
        """How long an open task is past its deadline at `now` (None unless open overdue)."""
        if self.timeliness != Timeliness.OPEN_OVERDUE:
            return None
        return self.now - self.task.item.deadline

    @property
    def late_by(self) -> timedelta | None:
        """How late a finished task was done (None unless done late)."""
        if self.timeliness != Timeliness.DONE_LATE:
            return None
        return self.task.done_at - self.task.item.deadline


@dataclass(frozen=True)
class HistoryEntry:
    """One change of a task, for `/show N`: when, who (a member, if known), what, details."""

    at: datetime
    actor: Member | None
    action: str
    details: dict[str, Any]


def list_order(view: TaskView) -> tuple:
    """Overdue first, then by deadline (then number)."""
    overdue = view.timeliness == Timeliness.OPEN_OVERDUE
    deadline = view.task.item.deadline or datetime.max.replace(tzinfo=view.now.tzinfo)
    return (not overdue, deadline, view.number)


class TaskQueries:
    """Reads of `TaskService`."""

    async def get(self, item_id: int) -> TaskRecord | None:
        """A task by item id (None if there is none or the item is not a task)."""
        return await self.repo.get(item_id)

    async def assignees(self, task: TaskRecord) -> tuple[Member, list[Member]]:
        """(lead, cooperators) of a task, as members (inactive seats included)."""
        people = await self.members.many(list(task.assignee_ids))
        return people[task.lead_id], [people[m] for m in task.cooperator_ids if m in people]

    async def view(self, item_id: int) -> TaskView:
        """A task with its people and timeliness now."""
        task = await self.repo.get(item_id)
        return (await self._views([task]))[0]

    async def task(self, committee: Committee, number: int) -> TaskRecord:
        """Task #N of this committee, or a refusal (unknown number, another kind of item)."""
        item = await self.items.by_number(committee.id, number)
        if item is None:
            raise DomainError("item.not_found", number=number)
        if item.kind != "task":
            raise DomainError("task.wrong_kind", number=number)
        return await self.repo.get(item.id)

    async def view_of(self, committee: Committee, number: int) -> TaskView:
        """Task #N as a view."""
        return (await self._views([await self.task(committee, number)]))[0]

    async def list_tasks(
        self, committee: Committee, member: Member | None, which: str = "open"
    ) -> list[TaskView]:
        """`/tasks [mine|overdue|done]`: open ones overdue first; done ones latest first.

        `mine` lists the open tasks where `member` leads or cooperates (for `/tasks @user`
        pass that person's seat).
        """
        if which not in LIST_FILTERS:
            raise ValueError(which)
        if which == "mine":
            if member is None or member.committee_id != committee.id:
                raise DomainError("common.not_member")
            return await self._sorted(await self.repo.of_member(member.id))
        statuses = ("done",) if which == "done" else OPEN
        views = await self._sorted(await self.repo.in_committee(committee.id, statuses=statuses))
        if which == "overdue":
            return [v for v in views if v.timeliness == Timeliness.OPEN_OVERDUE]
        if which == "done":
            return sorted(views, key=lambda v: v.task.done_at, reverse=True)
        return views

    async def everywhere(self, user_id: int) -> list[tuple[Committee, list[TaskView]]]:
        """A person's open tasks in every committee where they sit, by committee title."""
        by_committee: dict[int, list[TaskRecord]] = defaultdict(list)
        for task in await self.repo.of_user(user_id):
            by_committee[task.item.committee_id].append(task)
        committees = await self.committees.many(list(by_committee))
        return [(c, await self._sorted(by_committee[c.id])) for c in committees]

    async def history(self, task: TaskRecord) -> list[HistoryEntry]:
        """Every recorded change of a task, oldest first, with the member who made it."""
        entries = await self.audit.for_item(task.item.id)
        actors: dict[int, Member | None] = {}
        for entry in entries:
            uid = entry.actor_user_id
            if uid is not None and uid not in actors:
                actors[uid] = await self.members.by_user(task.item.committee_id, uid)
        return [
            HistoryEntry(e.at, actors.get(e.actor_user_id), e.action, e.details) for e in entries
        ]

    async def people(self, ids: list[int]) -> dict[int, Member]:
        """Members by id (for names in history entries)."""
        return await self.members.many(ids)

    async def deciders(self, committee: Committee) -> list[Member]:
        """Who decides extension requests: the secretary and the chair."""
        return [m for m in await self.members.list(committee.id) if m.role in SECRETARY_CHAIR]

    async def _sorted(self, tasks: list[TaskRecord]) -> list[TaskView]:
        return sorted(await self._views(tasks, links=False), key=list_order)

    async def _views(self, tasks: list[TaskRecord], *, links: bool = True) -> list[TaskView]:
        """Views of `tasks`; `links=False` (lists) skips the meeting, programme and directive."""
        ids = {m for task in tasks for m in task.assignee_ids}
        people = await self.members.many(sorted(ids))
        now = self.clock.now()
        meetings, programmes, directives = {}, {}, {}
        if links and tasks:
            item_ids = [task.item.id for task in tasks]
            meetings = await self.repo.meetings_of(item_ids)
            if getattr(self, "programmes", None) is not None:
                programmes, directives = await self.programmes.tags_of(item_ids)
        return [  # `record`: a plain frozen dataclass without its field-by-field `__init__`
            record(
                TaskView,
                {
                    "task": task,
                    "lead": people[task.lead_id],
                    "cooperators": tuple([people[m] for m in task.cooperator_ids if m in people]),
                    "timeliness": timeliness(
                        task.item.status, task.item.deadline, task.done_at, now
                    ),
                    "now": now,
                    "meeting": meetings.get(task.item.id),
                    "programme": programmes.get(task.item.id),
                    "directive": directives.get(task.item.id),
                },
            )
            for task in tasks
        ]
