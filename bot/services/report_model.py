"""What a review report holds: its task, consultation and vote lines, and `/history`'s trail."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.timeliness import ORDER, AgencyLine, Timeliness, agency_order
from storage.audit import AuditEntry
from storage.committees import Committee
from storage.consultations import Consultation, Opinion
from storage.items import Item
from storage.members import Member
from storage.reports import ItemTrail
from storage.tasks import TaskRecord
from storage.votes import Ballot, Vote


@dataclass(frozen=True)
class TaskLine:
    """A task in a report: who leads it, for which agency, its class and how late it is."""

    task: TaskRecord
    lead: Member | None
    agency: str  # "" when the lead has no agency
    cooperators: tuple[Member, ...]
    status: Timeliness | None  # None: cancelled
    late_by: timedelta | None  # done late: done − deadline; overdue: as-of − deadline
    trail: ItemTrail


@dataclass(frozen=True)
class ConsultationLine:
    """A consultation with its current answers and response rate (secretary not counted)."""

    record: Consultation
    answers: dict[str, int]
    responded: int
    eligible: int
    opinions: list[Opinion]  # every answer, oldest first
    current: frozenset[int] = frozenset()  # ids of the current answers among `opinions`

    @property
    def rate(self) -> float | None:
        """Responses over eligible voting members (None when nobody was eligible)."""
        return self.responded / self.eligible if self.eligible else None


@dataclass(frozen=True)
class VoteLine:
    """A motion or poll with its current tally; outcome passed/rejected/open/closed."""

    record: Vote
    tally: dict[str, int]  # motions: for/against/abstain; polls: option index as text
    voted: int
    eligible: int
    outcome: str
    ballots: list[Ballot]  # every ballot, late ones included, oldest first
    current: frozenset[int] = frozenset()  # ids of the current ballots among `ballots`


@dataclass(frozen=True)
class Report:
    """Everything `/report` and `/export` show; `label` is None for the whole-committee export."""

    committee: Committee
    tz: ZoneInfo
    label: str | None
    start: datetime | None
    end: datetime | None
    as_of: datetime
    generated_at: datetime
    tasks: list[TaskLine]
    agencies: list[AgencyLine]
    consultations: list[ConsultationLine]
    votes: list[VoteLine]
    upcoming: list[TaskLine] = field(default_factory=list)
    next_start: datetime | None = None
    next_end: datetime | None = None
    members: dict[int, Member] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    collections: list = field(default_factory=list)  # the export's collections (Standing)
    meetings: list = field(default_factory=list)  # MeetingRow per meeting (issue 15)

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: no task, consultation, vote or periodic report."""
        periodic = any(a.periodic for a in self.agencies)
        return not (self.tasks or self.consultations or self.votes or periodic)

    def totals(self) -> dict[Timeliness, int]:
        """Tasks by class over every agency."""
        total = Counter()
        for line in self.agencies:
            total.update(line.counts)
        return {cls: total.get(cls, 0) for cls in ORDER}

    def shortcomings(self) -> list[TaskLine]:
        """Tasks overdue, then done late, by agency then deadline."""
        rank = {Timeliness.OPEN_OVERDUE: 0, Timeliness.DONE_LATE: 1}
        return sorted(
            (t for t in self.tasks if t.status in rank),
            key=lambda t: (agency_order(t.agency), rank[t.status], t.task.item.deadline),
        )


@dataclass(frozen=True)
class History:
    """`/history`: an item's trail (oldest first) or the latest committee actions (newest first)."""

    item: Item | None
    entries: list[AuditEntry]
    members_by_user: dict[int, Member]
    members: dict[int, Member]
    numbers: dict[int, int]  # item id → #N, for the entries that concern an item
