"""Review and export workbooks (.xlsx): Summary, Tasks, Agencies, Consultations, Votes (+ Members,
History in the export), every sheet name, header and value in the reader's language (catalog
`xlsx.*`; the history as sentences, `bot.reports.audit_text`). Dates are real Excel dates: naive
local datetimes in the committee's timezone with a date number format. Every sheet has a bold,
frozen header row and set widths. openpyxl is imported inside the builders only.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from bot.reports import (
    agency_label,
    first_and_last_day,
    period_words,
    plain,
    programme_sheets,
)
from bot.reports.audit_text import action_label
from bot.reports.export_sheets import ExportSheets
from bot.reports.sheet_writer import (
    DATE,
    DATE_FORMAT,
    DATETIME_FORMAT,
    MEDIUM,
    NARROW,
    WIDE,
    sheet_name,
)
from bot.services.programme_report import ProgrammeReport
from bot.services.reports import Report, TaskLine, VoteLine
from bot.timeliness import ORDER, Timeliness

# Sheet keys; each sheet is named by the catalog (`xlsx.sheet.<key>`, ≤ 31 characters).
SHEETS = ("summary", "tasks", "agencies", "consultations", "votes")
EXPORT_SHEETS = (*SHEETS, "collections", "members", "history")

__all__ = ["EXPORT_SHEETS", "SHEETS", "export_workbook", "report_workbook", "sheet_name"]


def report_workbook(report: Report, lang: str, programmes: ProgrammeReport | None = None) -> bytes:
    """The `/report` workbook (with the per-programme sheets when `programmes` has something)."""
    book = _build(report, lang, export=False)
    if programme_sheets.wanted(programmes):
        programme_sheets.write(_Writer(book, report, lang), programmes)
    return _save(book)


def export_workbook(report: Report, lang: str) -> bytes:
    """The `/export` workbook: the whole committee (a Report from `ReportService.export`)."""
    return _save(_build(report, lang, export=True))


def _build(report: Report, lang: str, *, export: bool):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    x = _Writer(book, report, lang)
    x.summary()
    x.tasks()
    x.agencies()
    x.consultations()
    x.votes()
    if report.meetings:
        x.meetings()
    if export:
        x.collections()
        x.members()
        x.history()
    return book


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Writer(ExportSheets):
    """The review sheets (Summary … Votes, Meetings) over the export's and the writer's."""

    def summary(self) -> None:
        r, totals = self.report, self.report.totals()
        first, last = first_and_last_day(r)
        responded = sum(c.responded for c in r.consultations)
        eligible = sum(c.eligible for c in r.consultations)
        outcomes = [v.outcome for v in r.votes if v.record.mode == "motion"]
        polls = [v.outcome for v in r.votes if v.record.mode != "motion"]
        rows = [
            (self.h("committee"), r.committee.title),
            (self.h("period"), period_words(r, self.lang)),
            (self.h("from"), _midnight(first)),
            (self.h("to"), _midnight(last)),
            (self.h("as_of"), self.when(r.as_of)),
            (self.h("generated"), self.when(r.generated_at)),
            (self.h("tasks"), sum(totals.values())),
            *((plain(self.lang, f"timeliness.{cls}"), totals[cls]) for cls in ORDER),
            (self.h("cancelled"), sum(a.cancelled for a in r.agencies)),
            (self.h("consultations"), len(r.consultations)),
            (self.h("responses"), f"{responded}/{eligible}"),
            (self.h("response_rate"), round(responded / eligible, 4) if eligible else None),
            (self.h("motions"), len(outcomes)),  # motions and polls apart: each adds up
            (self.h("passed"), outcomes.count("passed")),
            (self.h("rejected"), outcomes.count("rejected")),
            (self.h("open_votes"), outcomes.count("open")),
            (self.h("polls"), len(polls)),
            (self.h("polls_closed"), len(polls) - polls.count("open")),
            (self.h("polls_open"), polls.count("open")),
            (self.h("rule"), plain(self.lang, "mark.rule")),
        ]
        ws = self.sheet("summary", [("summary_item", 36), ("summary_value", 60)], rows)
        for label, cell in ws.iter_rows(min_row=2):
            if label.value in (self.h("from"), self.h("to")):
                cell.number_format = DATE_FORMAT
            elif label.value in (self.h("as_of"), self.h("generated")):
                cell.number_format = DATETIME_FORMAT
            elif label.value == self.h("response_rate"):
                cell.number_format = "0%"

    def tasks(self) -> None:
        columns = [
            ("number", NARROW), ("title", WIDE), ("description", WIDE), ("status", 18),
            ("progress", NARROW), ("lead", MEDIUM), ("agency", MEDIUM), ("cooperators", MEDIUM),
            ("created", DATE), ("deadline", DATE), ("started", DATE), ("done", DATE),
            ("timeliness", MEDIUM), ("days_late", NARROW), ("document", MEDIUM),
            ("notes", NARROW), ("extensions", NARROW), ("changes", NARROW),
            ("last_change", MEDIUM), ("last_change_at", DATE),
        ]  # fmt: skip
        rows = [self._task_row(line) for line in self.report.tasks]
        self.sheet("tasks", columns, rows, dates=(8, 9, 10, 11, 19))

    def _task_row(self, line: TaskLine) -> list:
        task, item, trail = line.task, line.task.item, line.trail
        late = None if line.late_by is None else round(line.late_by.total_seconds() / 86400, 1)
        return [
            item.number,
            item.title,
            task.description,
            self.label("report.status", item.status),
            task.progress,
            self.name(line.lead),
            agency_label(line.agency, self.lang),
            ", ".join(m.display_name for m in line.cooperators),
            self.when(item.created_at),
            self.when(item.deadline),
            self.when(task.started_at),
            self.when(task.done_at),
            plain(self.lang, f"timeliness.{line.status}") if line.status else "",
            late,
            item.document_name or item.document_url or "",
            trail.notes,
            f"{trail.extensions} ({trail.extensions_approved})",
            trail.changes,
            action_label(trail.last_action, self.lang) if trail.last_action else "",
            self.when(trail.last_at),
        ]

    def agencies(self) -> None:
        columns = [("agency", WIDE), ("mark", NARROW), ("assigned", NARROW)]
        columns += [(f"timeliness.{cls}", 20) for cls in ORDER]
        columns += [("cancelled", 18), ("on_time_rate", 16)]
        rows = []
        for a in self.report.agencies:
            on_time = a.counts[Timeliness.DONE_ON_TIME]
            rate = round(on_time * 100 / a.assigned, 1) if a.assigned else None
            counts = [a.counts[cls] for cls in ORDER]
            label = agency_label(a.agency, self.lang)
            rows.append([label, self.h(a.mark.value), a.assigned, *counts, a.cancelled, rate])
        self.sheet("agencies", columns, rows)

    def consultations(self) -> None:
        columns = [
            ("number", NARROW), ("title", WIDE), ("deadline", DATE), ("state", NARROW),
            ("silence", NARROW), ("eligible", NARROW), ("member", MEDIUM), ("agency", MEDIUM),
            ("answer", 22), ("comment", WIDE), ("at", DATE), ("auto", NARROW), ("current", NARROW),
        ]  # fmt: skip
        rows = []
        for c in self.report.consultations:
            item = c.record.item
            head = [item.number, item.title, self.when(item.deadline),
                    self.label("report.status", item.status),
                    self.yes_no(c.record.silence_agree), c.eligible]  # fmt: skip
            if not c.opinions:
                rows.append(head + [None] * 7)
            for o in c.opinions:
                member = self.member(o.member_id)
                rows.append([*head, self.name(member), self.agency(member),
                             self.label("report.answer", o.answer), o.text, self.when(o.at),
                             self.yes_no(o.auto), self.yes_no(o.id in c.current)])  # fmt: skip
        self.sheet("consultations", columns, rows, dates=(2, 10))

    def votes(self) -> None:
        columns = [
            ("number", NARROW), ("title", WIDE), ("kind", NARROW), ("deadline", DATE),
            ("outcome", 16), ("anonymous", NARROW), ("eligible", NARROW), ("member", MEDIUM),
            ("agency", MEDIUM), ("choice", MEDIUM), ("at", DATE), ("current", NARROW),
        ]  # fmt: skip
        rows = []
        for v in self.report.votes:
            item = v.record.item
            head = [item.number, item.title, self.h(v.record.mode), self.when(item.deadline),
                    plain(self.lang, f"report.outcome.{v.outcome}"),
                    self.yes_no(v.record.anonymous), v.eligible]  # fmt: skip
            if not v.ballots:
                rows.append(head + [None] * 5)
            for b in v.ballots:
                member = self.member(b.member_id, b.user_id)
                rows.append([*head, self.name(member) or str(b.user_id),
                             self.agency(member), self._choice(v, b.choice),
                             self.when(b.at), self.yes_no(b.id in v.current)])  # fmt: skip
        self.sheet("votes", columns, rows, dates=(3, 10))

    def _choice(self, vote: VoteLine, choice: object) -> str:
        if isinstance(choice, list):
            if not choice:
                return plain(self.lang, "report.choice.retracted")
            options = vote.record.options
            return "; ".join(options[i] if 0 <= i < len(options) else str(i) for i in choice)
        return self.label("report.choice", str(choice))

    def meetings(self) -> None:
        """One row per meeting: time, place, attendance, its conclusions' tasks (issue 15)."""
        keys = ("number", "title", "start", "place", "status", "attend", "standin", "absent",
                "unconfirmed", "conclusions", "done", "total", "overdue")  # fmt: skip
        widths = (8, 40, 18, 30, 14, 10, 12, 10, 14, 12, 12, 12, 12)
        columns = [(f"meeting.xlsx.{k}", w) for k, w in zip(keys, widths, strict=True)]
        rows = [
            [m.number, m.title, self.when(m.start), m.place,
             plain(self.lang, f"meeting.xlsx.status_{m.status}"), m.attend, m.standin, m.absent,
             m.unconfirmed, m.conclusions, m.done, m.total, m.overdue]
            for m in self.report.meetings
        ]  # fmt: skip
        self.sheet("meetings", columns, rows, dates=(2,))


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day)
