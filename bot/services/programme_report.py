"""The per-programme side of a review report (issue 17): `/report … ct:<code>` narrows a report
to one programme; every report gains a breakdown of its tasks by programme, and the tags and
directing documents of its tasks (for the workbook)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from bot.services.programmes import ProgrammeService
from bot.services.reports import Report
from bot.timeliness import ORDER, Timeliness, agency_lines
from storage.committees import Committee
from storage.programmes import Directive, Programme

_TAG = "ct:"


@dataclass(frozen=True)
class ProgrammeRow:
    """One programme's tasks in the report by class (None: the tasks of no programme)."""

    programme: Programme | None
    counts: dict[Timeliness, int]
    cancelled: int = 0

    @property
    def assigned(self) -> int:
        """Tasks that count (cancelled ones do not)."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class ProgrammeReport:
    """What a report knows of programmes: the one it was narrowed to, the breakdown, and each
    item's programme and directing document (by item id)."""

    only: Programme | None
    rows: list[ProgrammeRow]
    programmes: dict[int, Programme] = field(default_factory=dict)
    directives: dict[int, Directive] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        """Whether the breakdown says anything (some task of the report has a programme)."""
        return any(row.programme is not None for row in self.rows)


def split_programme(args: str) -> tuple[str, str | None]:
    """`Q4 2026 ct:CQS` → (`Q4 2026`, `CQS`); without a `ct:` word → (args, None)."""
    words = args.split()
    codes = [w for w in words if w.lower().startswith(_TAG)]
    if not codes:
        return args, None
    rest = " ".join(w for w in words if not w.lower().startswith(_TAG))
    return rest, codes[-1][len(_TAG) :]


def breakdown(report: Report, programmes: dict[int, Programme]) -> list[ProgrammeRow]:
    """The report's tasks by programme (by code), the untagged ones last."""
    counts: dict[int | None, Counter] = {}
    cancelled: Counter = Counter()
    known: dict[int, Programme] = {}
    for line in report.tasks:
        programme = programmes.get(line.task.item.id)
        key = programme.id if programme else None
        if programme is not None:
            known[programme.id] = programme
        tally = counts.setdefault(key, Counter())
        if line.status is None:
            cancelled[key] += 1
        else:
            tally[line.status] += 1
    order = sorted(known.values(), key=lambda p: p.code.casefold())
    keys = [p.id for p in order] + ([None] if None in counts else [])
    return [
        ProgrammeRow(
            known.get(key) if key is not None else None,
            {cls: counts[key][cls] for cls in ORDER},
            cancelled[key],
        )
        for key in keys
    ]


async def with_programmes(
    service: ProgrammeService, committee: Committee, report: Report, code: str | None
) -> tuple[Report, ProgrammeReport]:
    """Narrow `report` to programme `code` (if given: its tasks, consultations and votes only,
    agencies recounted) and add the breakdown by programme."""
    ids = [line.task.item.id for line in (*report.tasks, *report.upcoming)]
    ids += [c.record.item.id for c in report.consultations]
    ids += [v.record.item.id for v in report.votes]
    programmes, directives = await service.tags_of(ids)
    only = None
    if code is not None:
        only = await service.resolve(committee, code)

        def mine(item_id: int) -> bool:
            found = programmes.get(item_id)
            return found is not None and found.id == only.id

        tasks = [line for line in report.tasks if mine(line.task.item.id)]
        report = replace(
            report,
            tasks=tasks,
            agencies=agency_lines((line.agency, line.status) for line in tasks),
            consultations=[c for c in report.consultations if mine(c.record.item.id)],
            votes=[v for v in report.votes if mine(v.record.item.id)],
            upcoming=[line for line in report.upcoming if mine(line.task.item.id)],
        )
    return report, ProgrammeReport(only, breakdown(report, programmes), programmes, directives)
