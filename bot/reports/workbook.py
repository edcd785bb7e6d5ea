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
    local_naive,
    period_words,
    plain,
    programme_sheets,
)
from bot.reports.audit_text import action_label, plain_sentence
from bot.services.programme_report import ProgrammeReport
from bot.services.reports import Report, TaskLine, VoteLine
from bot.timeliness import ORDER, Timeliness
from storage.members import Member

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
# Sheet keys; each sheet is named by the catalog (`xlsx.sheet.<key>`, ≤ 31 characters).
SHEETS = ("summary", "tasks", "agencies", "consultations", "votes")
EXPORT_SHEETS = (*SHEETS, "collections", "members", "history")
WIDE, MEDIUM, NARROW, DATE = 48, 28, 12, 17


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


class _Writer:
    def __init__(self, book, report: Report, lang: str) -> None:
        self.book, self.report, self.lang = book, report, lang
        self.by_user = {m.user_id: m for m in report.members.values() if m.user_id}

    def h(self, key: str, /, **params: object) -> str:
        return plain(self.lang, f"xlsx.{key}", **params)

    def yes_no(self, value: bool) -> str:
        return self.h("yes" if value else "no")

    def when(self, moment: datetime | None) -> datetime | None:
        return local_naive(moment, self.report)

    def sheet(self, title: str, columns: list[tuple[str, int]], rows, dates=(), day_only=()):
        """Write a sheet: header (bold, frozen), rows, widths, date formats by column index."""
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws = self.book.create_sheet(sheet_name(title, self.lang))
        ws.append([plain(self.lang, k) if "." in k else self.h(k) for k, _ in columns])
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        for row in rows:
            ws.append([_text(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # people's text is never a formula
        for index, (_, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        formats = {i: DATETIME_FORMAT for i in dates} | {i: DATE_FORMAT for i in day_only}
        for index, fmt in formats.items():
            for (cell,) in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                if isinstance(cell.value, datetime):
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
        return ws

    def name(self, member: Member | None) -> str:
        return member.display_name if member else ""

    def agency(self, member: Member | None) -> str:
        return agency_label(member.agency, self.lang) if member else ""

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
            self._label("report.status", item.status),
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

    def _label(self, prefix: str, code: str) -> str:
        from bot.i18n import has

        return plain(self.lang, f"{prefix}.{code}") if has(f"{prefix}.{code}") else code

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

    def _member(self, member_id: int | None, user_id: int | None = None) -> Member | None:
        return self.report.members.get(member_id) or self.by_user.get(user_id)

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
                    self._label("report.status", item.status),
                    self.yes_no(c.record.silence_agree), c.eligible]  # fmt: skip
            if not c.opinions:
                rows.append(head + [None] * 7)
            for o in c.opinions:
                member = self._member(o.member_id)
                rows.append([*head, self.name(member), self.agency(member),
                             self._label("report.answer", o.answer), o.text, self.when(o.at),
                             self.yes_no(o.auto), self.yes_no(o.id in c.current)])  # fmt: skip
        self.sheet("consultations", columns, rows, dates=(2, 10))

    def collections(self) -> None:
        """One row per recipient of every collection: state, current file, when, how many."""
        columns = [
            ("number", NARROW), ("title", WIDE), ("deadline", DATE), ("state", NARROW),
            ("agency", MEDIUM), ("member", MEDIUM), ("collect.xlsx.col_state", NARROW),
            ("collect.xlsx.col_file", WIDE), ("collect.xlsx.col_size", NARROW), ("at", DATE),
            ("collect.xlsx.col_count", NARROW),
        ]  # fmt: skip
        rows = []
        for standing in self.report.collections:
            item = standing.item
            head = [item.number, item.title, self.when(item.deadline),
                    self._label("collect.status", item.status)]  # fmt: skip
            for row in standing.rows:
                sub = row.submission
                rows.append([*head, self.agency(row.member), self.name(row.member),
                             plain(self.lang, f"collect.state.{row.state}"),
                             sub.file.name if sub else None, sub.file.size if sub else None,
                             self.when(sub.at) if sub else None, row.sent_count])  # fmt: skip
        self.sheet("collections", columns, rows, dates=(2, 9))

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
                member = self._member(b.member_id, b.user_id)
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
        return self._label("report.choice", str(choice))

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

    def members(self) -> None:
        columns = [("member", MEDIUM), ("username", 20), ("role", 24), ("agency", WIDE),
                   ("active", NARROW), ("joined", DATE)]  # fmt: skip
        rows = []
        for m in self.report.members.values():
            username = f"@{m.username}" if m.username else ""
            role = plain(self.lang, f"roles.{m.role}")
            active = self.yes_no(m.active)
            joined = self.when(m.joined_at)
            rows.append([m.display_name, username, role, self.agency(m), active, joined])
        self.sheet("members", columns, rows, dates=(5,))

    def history(self) -> None:
        r = self.report
        numbers = {line.task.item.id: line.task.item.number for line in r.tasks}
        numbers |= {c.record.item.id: c.record.item.number for c in r.consultations}
        numbers |= {v.record.item.id: v.record.item.number for v in r.votes}
        columns = [("at", DATE), ("actor", MEDIUM), ("item", NARROW), ("action", 90)]
        rows = []
        for e in r.audit:
            actor = self.name(self.by_user.get(e.actor_user_id)) or self.h("system")
            number = numbers.get(e.item_id)
            what = plain_sentence(e, r.members, r.tz, self.lang)
            rows.append([self.when(e.at), actor, f"#{number}" if number else "", what])
        self.sheet("history", columns, rows, dates=(0,))


def sheet_name(key: str, lang: str) -> str:
    """A sheet's name in `lang` (`Nhiệm vụ`), within Excel's 31 characters."""
    return plain(lang, f"xlsx.sheet.{key}")[:31]


def _text(value: object) -> object:
    """Cell values as given, minus the control characters a worksheet cannot hold."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day)
