"""Report files (chart PNG, workbooks) and the plain-text helpers they share with the message.

This package is light on purpose: matplotlib and openpyxl are imported inside `chart.render` and
the `workbook` builders only, so importing the bot never loads them.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

from bot.dates import local_date
from bot.i18n import t
from bot.periods import period_title
from bot.services.reports import Report

_ONE_DAY = timedelta(days=1)


def plain(lang: str, key: str, /, **params: object) -> str:
    """A catalog text as plain text (for files: no HTML escaping)."""
    return html.unescape(t(lang, key, **params))


def agency_label(agency: str, lang: str) -> str:
    """An agency's name, or the one "no agency given" label (`common.no_agency`) used for a member
    without an agency everywhere: cards, lists, digest, report, chart, workbooks, documents."""
    return agency.strip() or plain(lang, "common.no_agency")


def period_words(report: Report, lang: str) -> str:
    """`6 tháng cuối năm 2026` / `H2 2026`; the export has no period ("all time")."""
    if report.label is None:
        return plain(lang, "xlsx.all_time")
    return period_title(report.label, lang)


def day_text(day: date) -> str:
    """`31/12/2026`."""
    return f"{day.day:02}/{day.month:02}/{day.year:04}"


def moment_text(moment: datetime, tz) -> str:
    """`31/12/2026 17:00` in the committee's timezone."""
    local = moment.astimezone(tz)
    return f"{day_text(local.date())} {local:%H:%M}"


def first_and_last_day(report: Report) -> tuple[date | None, date | None]:
    """The report's first and last local days (the end bound is exclusive midnight)."""
    first = None if report.start is None else local_date(report.start, report.tz)
    last = None if report.end is None else local_date(report.end, report.tz) - _ONE_DAY
    return first, last


def next_days(report: Report) -> tuple[date, date] | None:
    """First and last local day of the "next period" window, when the report has one."""
    if report.next_start is None or report.next_end is None:
        return None
    tz = report.tz
    return local_date(report.next_start, tz), local_date(report.next_end, tz) - _ONE_DAY


def local_naive(moment: datetime | None, report: Report) -> datetime | None:
    """A moment as a naive local datetime (what Excel stores) in the committee's timezone."""
    if moment is None:
        return None
    return moment.astimezone(report.tz).replace(tzinfo=None)


def file_name(report: Report, lang: str, ext: str) -> str:
    """`so-ket-H2-2026.xlsx`, `review-Q3-2026.png`, `du-lieu-ban-2026-12-01.xlsx`."""
    if report.label is None:
        stem = plain(lang, "export.file_stem")
        return f"{stem}-{local_date(report.generated_at, report.tz).isoformat()}.{ext}"
    slug = re.sub(r"[^0-9A-Za-z]+", "-", report.label).strip("-")
    return f"{plain(lang, 'report.file_stem')}-{slug}.{ext}"
