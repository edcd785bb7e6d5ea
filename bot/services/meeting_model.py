"""What a meeting looks like to its readers: the view behind its card, `/show`, minutes, .ics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.models import ROLE_ORDER, Role
from bot.services.task_queries import TaskView
from storage.committees import Committee
from storage.items import Item
from storage.meetings import AgendaEntry, Attendance
from storage.members import Member
from storage.programmes import Programme

KIND = "meeting"
DURATION = timedelta(hours=2)  # calendars need an end; a committee meeting takes about two hours
STATUSES = ("attend", "standin", "absent")


def rank(member: Member) -> tuple[int, int]:
    """Roster order: chair, deputies, members; then by seat."""
    return ROLE_ORDER.index(Role(member.role)), member.id


@dataclass(frozen=True)
class ConclusionView:
    """A conclusion and, if it became one, its task now."""

    text: str
    task: TaskView | None


@dataclass(frozen=True)
class MeetingView:
    """A meeting with everything its card, `/show`, the minutes and the .ics show."""

    committee: Committee
    item: Item
    place: str
    sequence: int
    cancel_reason: str | None
    agenda: tuple[AgendaEntry, ...]
    invitees: tuple[Member, ...]  # active chair, deputies and members (the secretary organises)
    attendance: dict[int, Attendance]
    conclusions: tuple[ConclusionView, ...] = ()
    acting: dict[int, Member] = field(default_factory=dict)  # stand-ins who answered (issue 17)
    programme: Programme | None = None  # issue 17: shown on the card

    def acting_for(self, member: Member) -> Member | None:
        """The stand-in who gave `member`'s current answer, if one did."""
        row = self.attendance.get(member.id)
        return self.acting.get(row.acting_id) if row and row.acting_id else None

    @property
    def number(self) -> int:
        """#N."""
        return self.item.number

    @property
    def start(self) -> datetime:
        """When it begins (UTC)."""
        return self.item.deadline

    @property
    def end(self) -> datetime:
        """When it is expected to end (for calendars)."""
        return self.item.deadline + DURATION

    @property
    def is_open(self) -> bool:
        """Not cancelled."""
        return self.item.status == "open"

    @property
    def lines(self) -> list[AgendaEntry]:
        """Agenda lines."""
        return [a for a in self.agenda if a.kind == "line"]

    @property
    def prereads(self) -> list[AgendaEntry]:
        """Pre-read documents."""
        return [a for a in self.agenda if a.kind == "preread"]

    def with_status(self, status: str) -> list[tuple[Member, Attendance]]:
        """Invitees who answered `status`, in roster order."""
        return [
            (m, self.attendance[m.id])
            for m in self.invitees
            if m.id in self.attendance and self.attendance[m.id].status == status
        ]

    @property
    def pending(self) -> list[Member]:
        """Invitees who have not answered yet."""
        return [m for m in self.invitees if m.id not in self.attendance]

    @property
    def confirmed(self) -> int:
        """How many invitees answered."""
        return len(self.invitees) - len(self.pending)

    @property
    def tasks(self) -> list[TaskView]:
        """The tasks the conclusions became."""
        return [c.task for c in self.conclusions if c.task is not None]
