"""Review reports (sơ kết) and exports: a period's tasks per agency, consultations, votes, history.

A task belongs to a period when its deadline falls in it; it counts for the agency of its lead
member. Tasks are classified by `timeliness(…, now=min(period end, now))`, so a past period is
judged as it stood at its end. "Next period" lists open tasks due from the report's end to the
end of `periods.next_period` (for a half-year-to-date report: the rest of this half and the next).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import DomainError
from bot.periods import next_period, parse_period
from bot.services.report_model import ConsultationLine, History, Report, TaskLine, VoteLine
from bot.timeliness import (
    AgencyLine,
    Timeliness,
    agency_lines,
    timeliness,
    with_periodic,
)
from storage.audit import AuditRepo
from storage.committees import Committee
from storage.consultations import Consultation, Opinion
from storage.items import ItemRepo
from storage.members import Member, MemberRepo
from storage.reports import ItemTrail, ReportRepo
from storage.tasks import TaskRecord, TaskRepo
from storage.votes import Ballot, Vote

FINISHED = frozenset({"done", "cancelled"})
RESPONSES = frozenset({"agree", "agree_with_comments", "disagree"})
MOTION_CHOICES = ("for", "against", "abstain")
NO_TRAIL = ItemTrail(0, None, None, 0, 0, 0)

__all__ = [
    "AgencyLine",
    "ConsultationLine",
    "History",
    "Report",
    "ReportService",
    "TaskLine",
    "VoteLine",
]


class ReportService:
    """Builds reports from the tasks, consultations and votes tables; never writes."""

    def __init__(
        self,
        repo: ReportRepo,
        tasks: TaskRepo,
        members: MemberRepo,
        items: ItemRepo,
        audit: AuditRepo,
        clock: Clock,
        periodic=None,
        collections=None,
        meetings=None,  # async fn(committee, now, start, end) → meeting rows (issue 15)
    ) -> None:
        self.repo, self.tasks, self.members = repo, tasks, members
        self.items, self.audit, self.clock = items, audit, clock
        self.periodic = periodic  # periodic reports per agency (collections), if any
        self.collections = collections  # committee id → every collection's standing, if any
        self.meetings = meetings

    async def report(self, committee: Committee, period: str) -> Report:
        """`/report [period]`; a bad period raises `date.bad_period` (or another `date.*`)."""
        tz = committee.tz
        now = self.clock.now()
        start, end, label = parse_period(period, now, tz)
        _, next_end, _ = next_period(label, tz)
        report = await self._build(committee, tz, label, start, end, now)
        upcoming = await self.tasks.in_committee(
            committee.id, deadline_from=end, deadline_to=next_end
        )
        lines = [
            self._task_line(t, report.members, now, NO_TRAIL)
            for t in upcoming
            if t.item.status not in FINISHED
        ]
        return replace(report, upcoming=lines, next_start=end, next_end=next_end)

    async def export(self, committee: Committee) -> Report:
        """Every task, consultation and vote of the committee, with the whole audit log."""
        tz = committee.tz
        report = await self._build(committee, tz, None, None, None, self.clock.now())
        collections = await self.collections(committee.id) if self.collections else []
        return replace(report, audit=await self.audit.all(committee.id), collections=collections)

    async def history(self, committee: Committee, number: int | None, limit: int = 30) -> History:
        """The audit trail of item #N, or the latest `limit` committee actions."""
        item = None
        if number is not None:
            item = await self.items.by_number(committee.id, number)
            if item is None:
                raise DomainError("item.not_found", number=number)
            entries = await self.audit.for_item(item.id)
        else:
            entries = await self.audit.latest(committee.id, limit)
        members = {m.id: m for m in await self.members.list(committee.id, active_only=False)}
        by_user = {m.user_id: m for m in members.values() if m.user_id is not None}
        numbers = await self.repo.item_numbers([e.item_id for e in entries if e.item_id])
        return History(item, entries, by_user, members, numbers)

    async def _build(
        self,
        committee: Committee,
        tz: ZoneInfo,
        label: str | None,
        start: datetime | None,
        end: datetime | None,
        now: datetime,
    ) -> Report:
        as_of = now if end is None else min(end, now)
        members = {m.id: m for m in await self.members.list(committee.id, active_only=False)}
        tasks = await self.tasks.in_committee(committee.id, deadline_from=start, deadline_to=end)
        trails = await self.repo.trails([t.item.id for t in tasks])
        lines = [self._task_line(t, members, as_of, trails.get(t.item.id, NO_TRAIL)) for t in tasks]
        consultations = await self.repo.consultations(committee.id, start, end)
        votes = await self.repo.votes(committee.id, start, end)
        if label is not None:  # a review leaves out what never took place
            consultations = [c for c in consultations if c.item.status != "cancelled"]
            votes = [v for v in votes if v.item.status != "cancelled"]
        opinions = await self.repo.opinions([c.item.id for c in consultations])
        ballots = await self.repo.ballots([v.item.id for v in votes])
        counted = await self.repo.electorates([x.item.id for x in (*consultations, *votes)])
        return Report(
            committee=committee,
            tz=tz,
            label=label,
            start=start,
            end=end,
            as_of=as_of,
            generated_at=now,
            tasks=lines,
            agencies=with_periodic(
                _agencies(lines),
                await self.periodic(committee.id, start, end, as_of) if self.periodic else {},
            ),
            consultations=[_consultation(c, *opinions, counted[c.item.id]) for c in consultations],
            votes=[_vote(v, *ballots, counted[v.item.id], members) for v in votes],
            members=members,
            meetings=await self.meetings(committee, as_of, start, end) if self.meetings else [],
        )

    @staticmethod
    def _task_line(
        task: TaskRecord, members: dict[int, Member], as_of: datetime, trail: ItemTrail
    ) -> TaskLine:
        deadline = task.item.deadline
        status = timeliness(task.item.status, deadline, task.done_at, as_of)
        late_by = None
        if status is Timeliness.DONE_LATE:
            late_by = task.done_at - deadline
        elif status is Timeliness.OPEN_OVERDUE:
            late_by = as_of - deadline
        lead = members.get(task.lead_id)
        cooperators = tuple(members[i] for i in task.cooperator_ids if i in members)
        agency = lead.agency.strip() if lead else ""
        return TaskLine(task, lead, agency, cooperators, status, late_by, trail)


def _agencies(lines: list[TaskLine]) -> list[AgencyLine]:
    return agency_lines((line.agency, line.status) for line in lines)


def _consultation(
    record: Consultation, opinions: list[Opinion], current: frozenset[int], electorate: list[int]
) -> ConsultationLine:
    """Current answers of everyone; the response rate over the counted members (view
    `electorate`) who answered themselves."""
    mine = [o for o in opinions if o.item_id == record.item.id]
    now = [o for o in mine if o.id in current]
    answers = Counter(o.answer for o in now)
    counted = set(electorate)
    responded = sum(
        1 for o in now if o.answer in RESPONSES and not o.auto and o.member_id in counted
    )
    return ConsultationLine(record, dict(answers), responded, len(counted), mine, current)


def _vote(
    record: Vote,
    ballots: list[Ballot],
    current: frozenset[int],
    electorate: list[int],
    members: dict[int, Member],
) -> VoteLine:
    """Tally as frozen at close (`votes.result`), else from the current ballots of the counted."""
    mine = [b for b in ballots if b.item_id == record.item.id]
    saved = record.result
    if saved is not None:
        choices = list((saved.get("choices") or {}).values())
        counts = list(saved.get("counts") or [])
        voted = saved.get("voters") or len(choices)
    else:
        users = {members[i].user_id for i in electorate if i in members}
        choices = [b.choice for b in mine if b.id in current and b.voted and b.user_id in users]
        counts = [0] * len(record.options)
        for choice in choices:
            for index in choice if isinstance(choice, list) else ():
                if 0 <= index < len(counts):
                    counts[index] += 1
        voted = len(choices)
        if record.anonymous and record.poll_counts:
            counts = list(record.poll_counts.get("counts") or counts)
            voted = record.poll_counts.get("voters") or sum(counts)
    eligible = len(electorate)
    if record.mode == "motion":
        tally = {c: sum(1 for x in choices if x == c) for c in MOTION_CHOICES}
    else:
        tally = {str(i): n for i, n in enumerate(counts)}
    outcome = record.outcome or ("open" if record.item.closed_at is None else "closed")
    if record.item.status == "cancelled":  # never posted (only the export lists it)
        outcome = "cancelled"
    return VoteLine(record, tally, voted, eligible, outcome, mine, current)
