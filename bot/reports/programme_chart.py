"""The review chart by programme (issue 17): the agency chart's own drawing, one bar per
programme (the untagged tasks last) instead of one per agency."""

from __future__ import annotations

from dataclasses import replace

from bot.reports import chart, plain
from bot.services.programme_report import ProgrammeReport
from bot.services.reports import Report
from bot.timeliness import AgencyLine, agency_mark


def wanted(programmes: ProgrammeReport) -> bool:
    """Whether there is a programme chart to draw: at least two programmes with counted tasks
    and no narrowing (one programme's figures are in the message and the workbook already; a
    second picture costs a render)."""
    tagged = [row for row in programmes.rows if row.programme is not None and row.assigned]
    return programmes.only is None and len(tagged) >= 2


def render(report: Report, programmes: ProgrammeReport, lang: str) -> bytes:
    """PNG bytes: the report's tasks as stacked bars per programme."""
    rows = []
    for row in programmes.rows:
        label = (
            f"{row.programme.code} — {row.programme.name}"
            if row.programme
            else plain(lang, "report.programme.none")
        )
        rows.append(AgencyLine(label, row.counts, agency_mark(row.counts), row.cancelled))
    return chart.render(replace(report, agencies=rows), lang)
