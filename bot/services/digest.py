"""The weekly digest's data: what got done, what is open, overdue, due soon, asked and decided."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.timeliness import AgencyLine, Timeliness, agency_lines, timeliness, with_periodic
from storage.committees import Committee
from storage.digest import DigestRepo
from storage.items import Item
from storage.members import Member
from storage.tasks import TaskRecord, TaskRepo

WEEK = timedelta(days=7)
# (committee id, start, end, now) → agency → periodic reports (on time, late, missing)
Periodic = Callable[[int, datetime, datetime, datetime], Awaitable[dict[str, tuple[int, int, int]]]]
OPEN_TASK = ("open", "in_progress")


@dataclass(frozen=True)
class TaskLine:
    """A task as the digest shows it."""

    task: TaskRecord
    lead: Member | None
    timeliness: Timeliness
    overdue_by: timedelta | None = None  # open overdue: how long past its deadline at the end

    @property
    def agency(self) -> str:
        """The agency the task counts for: its lead's."""
        return self.lead.agency if self.lead and self.lead.agency else ""


@dataclass(frozen=True)
class OpenLine:
    """An open consultation or vote with its response count (None: anonymous poll)."""

    item: Item
    responded: int | None
    eligible: int
    mode: str | None = None  # votes: "motion" or "poll"


@dataclass(frozen=True)
class Digest:
    """Everything one digest shows, for [start, end)."""

    committee: Committee
    start: datetime
    end: datetime
    done: list[TaskLine] = field(default_factory=list)
    in_progress: list[TaskLine] = field(default_factory=list)
    overdue: list[tuple[str, list[TaskLine]]] = field(default_factory=list)
    due_soon: list[TaskLine] = field(default_factory=list)
    open_items: list[OpenLine] = field(default_factory=list)
    closed: list[tuple[Item, str | None]] = field(default_factory=list)
    agencies: list[AgencyLine] = field(default_factory=list)
    conclusions: Any = None  # meetings' conclusion tasks: done x of y, overdue z (issue 15)

    @property
    def empty(self) -> bool:
        """Nothing happened and nothing is open."""
        return not (self.done or self.in_progress or self.overdue or self.due_soon) and not (
            self.open_items or self.closed
        )


class DigestService:
    """Builds a committee's digest; rendering is the handlers' job."""

    def __init__(
        self,
        repo: DigestRepo,
        tasks: TaskRepo,
        pending: Callable[[Item], Awaitable[list[Member]]],
        clock: Clock,
        periodic: Periodic | None = None,
        conclusions: Callable[[Committee, datetime], Awaitable[Any]] | None = None,
    ) -> None:
        self.repo, self.tasks, self.pending, self.clock = repo, tasks, pending, clock
        self.periodic = periodic  # periodic reports per agency (collections), if any
        self.conclusions = conclusions  # the meetings service's tally (issue 15)

    async def build(self, committee: Committee, now: datetime | None = None) -> Digest:
        """The digest of the seven days up to `now`."""
        now = now or self.clock.now()
        start = now - WEEK
        done = await self.repo.done_between(committee.id, start, now)
        open_tasks = await self.tasks.in_committee(committee.id, statuses=OPEN_TASK)
        leads = await self.repo.members_by_id([t.lead_id for t in (*done, *open_tasks)])

        def line(task: TaskRecord) -> TaskLine:
            kind = timeliness(task.item.status, task.item.deadline, task.done_at, now)
            late = now - task.item.deadline if kind == Timeliness.OPEN_OVERDUE else None
            return TaskLine(task, leads.get(task.lead_id), kind, late)

        done_lines = [line(t) for t in done]
        open_lines = [line(t) for t in open_tasks]
        overdue = [x for x in open_lines if x.timeliness == Timeliness.OPEN_OVERDUE]
        by_agency: dict[str, list[TaskLine]] = defaultdict(list)
        for entry in overdue:
            by_agency[entry.agency].append(entry)
        soon = [
            x
            for x in open_lines
            if x.timeliness == Timeliness.OPEN_ON_TIME
            and x.task.item.deadline is not None
            and x.task.item.deadline < now + WEEK
        ]
        in_progress = [
            x
            for x in open_lines
            if x.task.item.status == "in_progress" and x.timeliness == Timeliness.OPEN_ON_TIME
        ]
        return Digest(
            committee=committee,
            start=start,
            end=now,
            done=done_lines,
            in_progress=in_progress,
            overdue=sorted(by_agency.items(), key=lambda kv: (-len(kv[1]), kv[0])),
            due_soon=soon,
            open_items=await self._open_items(committee),
            closed=await self.repo.closed_between(committee.id, start, now),
            agencies=with_periodic(
                _agencies([*done_lines, *open_lines]),
                await self.periodic(committee.id, start, now, now) if self.periodic else {},
            ),
            conclusions=await self.conclusions(committee, now) if self.conclusions else None,
        )

    async def _open_items(self, committee: Committee) -> list[OpenLine]:
        items = await self.repo.open_items(committee.id)
        electorates = await self.repo.electorates([item.id for item in items])
        lines = []
        for item in items:
            eligible, responded = len(electorates[item.id]), None
            mode = await self.repo.vote_mode(item.id) if item.kind == "vote" else None
            if mode is None or not mode[1]:
                responded = max(0, eligible - len(await self.pending(item)))
            lines.append(OpenLine(item, responded, eligible, mode[0] if mode else None))
        return lines


def _agencies(lines: list[TaskLine]) -> list[AgencyLine]:
    """One line per lead agency over this week's finished tasks and every open one."""
    return agency_lines((entry.agency, entry.timeliness) for entry in lines)
