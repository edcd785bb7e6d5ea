"""The workbook's sheet writer: one sheet's header (bold, frozen), rows, widths and date formats,
and the cell words (names, agencies, labels) every sheet uses. openpyxl is imported inside."""

from __future__ import annotations

from datetime import datetime

from bot.reports import agency_label, local_naive, plain
from bot.services.reports import Report
from storage.members import Member

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
WIDE, MEDIUM, NARROW, DATE = 48, 28, 12, 17


class SheetWriter:
    """Writes sheets into one openpyxl workbook for one report, in the reader's language."""

    def __init__(self, book, report: Report, lang: str) -> None:
        self.book, self.report, self.lang = book, report, lang
        self.by_user = {m.user_id: m for m in report.members.values() if m.user_id}

    def h(self, key: str, /, **params: object) -> str:
        """A header or cell word from the catalog (`xlsx.<key>`), plain text."""
        return plain(self.lang, f"xlsx.{key}", **params)

    def yes_no(self, value: bool) -> str:
        """Yes or no in the reader's language."""
        return self.h("yes" if value else "no")

    def when(self, moment: datetime | None) -> datetime | None:
        """A moment as a naive local datetime (an Excel date in the committee's timezone)."""
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
        """A member's display name ("" for nobody)."""
        return member.display_name if member else ""

    def agency(self, member: Member | None) -> str:
        """A member's agency, in the reader's words ("" for nobody)."""
        return agency_label(member.agency, self.lang) if member else ""

    def label(self, prefix: str, code: str) -> str:
        """The catalog's word for `prefix.code`, else the code itself."""
        from bot.i18n import has

        return plain(self.lang, f"{prefix}.{code}") if has(f"{prefix}.{code}") else code

    def member(self, member_id: int | None, user_id: int | None = None) -> Member | None:
        """A member by id, else by Telegram user id (None when unknown)."""
        return self.report.members.get(member_id) or self.by_user.get(user_id)


def sheet_name(key: str, lang: str) -> str:
    """A sheet's name in `lang` (`Nhiệm vụ`), within Excel's 31 characters."""
    return plain(lang, f"xlsx.sheet.{key}")[:31]


def _text(value: object) -> object:
    """Cell values as given, minus the control characters a worksheet cannot hold."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)
