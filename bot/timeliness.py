"""Timeliness classes of Vietnamese reporting practice, computed here and nowhere else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Timeliness(StrEnum):
    """Where a task stands against its deadline."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_ON_TIME = "open_on_time"
    OPEN_OVERDUE = "open_overdue"


ORDER = (
    Timeliness.DONE_ON_TIME,
    Timeliness.DONE_LATE,
    Timeliness.OPEN_ON_TIME,
    Timeliness.OPEN_OVERDUE,
)


def timeliness(
    status: str, deadline: datetime | None, done_at: datetime | None, now: datetime
) -> Timeliness | None:
    """Classify a task at `now`; cancelled tasks have no class (None).

    A task done at or before its deadline is on time; a task without a deadline is never late.
    For reports of a past period pass the period's end as `now`: a task done after that moment
    counts as open at the period's end.
    """
    if status == "cancelled":
        return None
    if status == "done" and done_at is not None and done_at <= now:
        if deadline is None or done_at <= deadline:
            return Timeliness.DONE_ON_TIME
        return Timeliness.DONE_LATE
    if deadline is not None and deadline < now:
        return Timeliness.OPEN_OVERDUE
    return Timeliness.OPEN_ON_TIME


class Mark(StrEnum):
    """The green/amber/red line per agency in digests and reports."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def agency_mark(counts: dict[Timeliness, int]) -> Mark:
    """The rule, stated in the catalogs as `mark.rule`: of the tasks that are due or done,

    green when none is late or overdue; red when half or more are; amber otherwise.
    Open tasks still within their deadline do not count either way.
    """
    problems = counts.get(Timeliness.DONE_LATE, 0) + counts.get(Timeliness.OPEN_OVERDUE, 0)
    judged = problems + counts.get(Timeliness.DONE_ON_TIME, 0)
    if problems == 0:
        return Mark.GREEN
    if problems * 2 >= judged:
        return Mark.RED
    return Mark.AMBER


@dataclass(frozen=True)
class AgencyLine:
    """One lead agency's tasks by class (cancelled ones apart) and its mark."""

    agency: str
    counts: dict[Timeliness, int]
    mark: Mark
    cancelled: int = 0
    periodic: tuple[int, int, int] | None = None  # periodic reports: on time, late, missing

    @property
    def assigned(self) -> int:
        """Tasks that count (cancelled ones do not)."""
        return sum(self.counts.values())


def agency_order(agency: str) -> tuple[bool, str]:
    """Sort key for agencies: by name, members without an agency last."""
    return (agency == "", agency.casefold())


def agency_lines(entries: Iterable[tuple[str, Timeliness | None]]) -> list[AgencyLine]:
    """Tally (lead agency, class) pairs — None for a cancelled task — into one line per agency,
    every class present, marked by `agency_mark`; digests and reports both use it."""
    by_agency: dict[str, Counter] = {}
    cancelled: Counter = Counter()
    for agency, cls in entries:
        counts = by_agency.setdefault(agency, Counter())
        if cls is None:
            cancelled[agency] += 1
        else:
            counts[cls] += 1
    lines = []
    for agency in sorted(by_agency, key=agency_order):
        counts = {cls: by_agency[agency][cls] for cls in ORDER}
        lines.append(AgencyLine(agency, counts, agency_mark(counts), cancelled[agency]))
    return lines


def with_periodic(
    lines: list[AgencyLine], periodic: dict[str, tuple[int, int, int]]
) -> list[AgencyLine]:
    """Add each agency's periodic reports (on time, late, missing) to its line; for the mark a
    report on time counts like a task done on time, a late one like a task done late and a
    missing one like an overdue task."""
    if not periodic:
        return lines
    by_agency = {line.agency: line for line in lines}
    for agency in periodic:
        by_agency.setdefault(agency, AgencyLine(agency, dict.fromkeys(ORDER, 0), Mark.GREEN))
    merged = []
    for agency in sorted(by_agency, key=agency_order):
        line = by_agency[agency]
        reports = periodic.get(agency)
        if reports is None:
            merged.append(line)
            continue
        on_time, late, missing = reports
        judged = dict(line.counts)
        judged[Timeliness.DONE_ON_TIME] = judged.get(Timeliness.DONE_ON_TIME, 0) + on_time
        judged[Timeliness.DONE_LATE] = judged.get(Timeliness.DONE_LATE, 0) + late
        judged[Timeliness.OPEN_OVERDUE] = judged.get(Timeliness.OPEN_OVERDUE, 0) + missing
        merged.append(AgencyLine(agency, line.counts, agency_mark(judged), line.cancelled, reports))
    return merged
