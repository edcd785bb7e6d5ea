"""What the reminder sweep hands out: a due row as a `Dispatch`, and how other kinds plug in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import scheduler
from storage.committees import Committee
from storage.items import Item
from storage.members import Member
from storage.reminders import Reminder

OPEN = {
    "task": ("open", "in_progress"),
    "consultation": ("open",),
    "vote": ("open",),
    "meeting": ("open",),
    "collection": ("open",),
}


@dataclass(frozen=True)
class Dispatch:
    """A due reminder with everything needed to write it."""

    reminder: Reminder
    committee: Committee
    item: Item | None
    members: tuple[Member, ...] = ()  # who is reminded: lead then cooperators, or the silent
    escalate_to: tuple[Member, ...] = ()  # chair and secretary, from the fourth overdue reminder
    progress: int | None = None
    late: bool = False
    time_left: timedelta | None = None  # the item's deadline − now (negative once overdue)
    data: object = None  # a contributed kind's own facts for its lines (a meeting's place, …)
    urgent: bool = False  # a contributed kind's "cannot wait for tomorrow" (a meeting in 1 h)
    standins: tuple[tuple[Member, Member], ...] = ()  # (member away, who acts for them) today

    @property
    def always_goes(self) -> bool:
        """Posted even past the daily ceiling: an escalation, an ad-hoc reminder, or what a
        contributed kind marks urgent."""
        return bool(self.escalate_to) or self.reminder.kind == scheduler.ADHOC or self.urgent

    @property
    def concerned(self) -> tuple[Member, ...]:
        """Everyone this reminder is about or addressed to (for their private message): a
        member's stand-in too (issue 17; the member keeps their own copy if they want it)."""
        return (*self.members, *self.escalate_to, *(acting for _, acting in self.standins))


Prepare = Callable[[Reminder, Committee, datetime], Awaitable["Dispatch | None"]]


@dataclass(frozen=True)
class Contributor:
    """What another item kind (meeting, collection, …) plugs into the sweep.

    `prepare(row, committee, now)`: the due row as a Dispatch (its `members` are whom it
    concerns), or None if it is no longer needed (the row is then cancelled). `after_sent(row,
    now)`: called once the row is marked sent (e.g. to plan the next one); optional.
    """

    prepare: Prepare
    after_sent: Callable[[Reminder, datetime], Awaitable[None]] | None = None
