"""The workbook's per-programme sheets (issue 17): `programmes` (the breakdown by programme) and
`task_sources` (each task's programme and directing document). Added only when the report's
tasks have a programme or a directing document; written with the workbook's own sheet writer."""

from __future__ import annotations

from datetime import datetime

from bot.reports import plain
from bot.services.programme_report import ProgrammeReport
from bot.timeliness import ORDER, Timeliness

PROGRAMME_SHEETS = ("programmes", "task_sources")  # names: `xlsx.sheet.<key>`


def wanted(programmes: ProgrammeReport | None) -> bool:
    """Whether the workbook gets the programme sheets."""
    return programmes is not None and (programmes.shown or bool(programmes.directives))


def write(writer, programmes: ProgrammeReport) -> None:
    """Add both sheets through the workbook's `_Writer` (its header style, widths, dates)."""
    lang = writer.lang
    columns = [("programme_code", 16), ("programme_name", 48), ("assigned", 12)]
    columns += [(f"timeliness.{cls}", 20) for cls in ORDER]
    columns += [("cancelled", 18), ("on_time_rate", 16)]
    rows = []
    for row in programmes.rows:
        code = row.programme.code if row.programme else ""
        name = row.programme.name if row.programme else plain(lang, "xlsx.no_programme")
        on_time = row.counts[Timeliness.DONE_ON_TIME]
        rate = round(on_time * 100 / row.assigned, 1) if row.assigned else None
        rows.append([code, name, row.assigned, *(row.counts[c] for c in ORDER), row.cancelled,
                     rate])  # fmt: skip
    writer.sheet("programmes", columns, rows)
    columns = [("number", 12), ("title", 48), ("programme_code", 16), ("programme_name", 36),
               ("directive_number", 24), ("directive_date", 17)]  # fmt: skip
    rows = []
    for line in writer.report.tasks:
        item = line.task.item
        programme = programmes.programmes.get(item.id)
        directive = programmes.directives.get(item.id)
        issued = directive.issued_on if directive else None
        rows.append([
            item.number, item.title,
            programme.code if programme else "", programme.name if programme else "",
            directive.number if directive else "",
            datetime(issued.year, issued.month, issued.day) if issued else None,
        ])  # fmt: skip
    writer.sheet("task_sources", columns, rows, day_only=(5,))
