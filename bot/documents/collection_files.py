"""The compiled files of a closed collection: the .zip archive(s) of every current submission
named `<agency> - <original name>`, and the .xlsx register of who sent what.

Telegram's limits decide the shape: a bot downloads files of at most 20 MB (`DOWNLOAD_LIMIT`),
so bigger ones are listed, not packed; it uploads at most 50 MB, so the files are split into as
many archives as needed, each under `PART_LIMIT` (uncompressed bytes, so the archive is smaller
still). Pure functions: the caller downloads and sends. openpyxl is imported inside `register`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from bot.documents import plain
from bot.services.collection_model import Standing

DOWNLOAD_LIMIT = 20 * 1024 * 1024
UPLOAD_LIMIT = 50 * 1024 * 1024
PART_LIMIT = UPLOAD_LIMIT - 2 * 1024 * 1024  # room for the archive's own headers

STATES = ("on_time", "late", "missing")


@dataclass(frozen=True)
class Packed:
    """One file to put in an archive: whose, under which name, its bytes."""

    member_id: int
    name: str
    data: bytes


def split_parts(files: list[Packed], limit: int = PART_LIMIT) -> list[list[Packed]]:
    """Group files into archives of at most `limit` bytes each, keeping their order."""
    parts: list[list[Packed]] = []
    size = 0
    for packed in files:
        if not parts or (size + len(packed.data) > limit and parts[-1]):
            parts.append([])
            size = 0
        parts[-1].append(packed)
        size += len(packed.data)
    return parts


def build_zip(files: list[Packed]) -> bytes:
    """A .zip of `files` (UTF-8 names, deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for packed in files:
            archive.writestr(packed.name, packed.data)
    return buffer.getvalue()


def _local(moment: datetime | None, standing: Standing) -> datetime | None:
    return None if moment is None else moment.astimezone(standing.committee.tz).replace(tzinfo=None)


def register(standing: Standing, lang: str, placed: dict[int, str]) -> bytes:
    """The .xlsx register: one row per recipient (state, file, size, time, how many files,
    where it is: `placed[member id]`, an archive's name or why it is not in one)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = plain(lang, "collect.xlsx.sheet")
    item = standing.item
    sheet.append([plain(lang, "collect.xlsx.title", number=item.number, title=item.title)])
    sheet.append([plain(lang, "collect.xlsx.deadline"), _local(item.deadline, standing)])
    sheet["B2"].number_format = "dd/mm/yyyy hh:mm"
    sheet.append([])
    columns = ("no", "agency", "name", "state", "file", "size", "at", "count", "where")
    sheet.append([plain(lang, f"collect.xlsx.col_{c}") for c in columns])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for number, row in enumerate(standing.rows, start=1):
        sub = row.submission
        sheet.append(
            [
                number,
                row.member.agency,
                row.member.display_name,
                plain(lang, f"collect.state.{row.state}"),
                sub.file.name if sub else "",
                sub.file.size if sub else None,
                _local(sub.at, standing) if sub else None,
                row.sent_count,
                placed.get(row.member.id, ""),
            ]
        )
        sheet.cell(sheet.max_row, 7).number_format = "dd/mm/yyyy hh:mm"
    sheet.append([])
    totals = {state: standing.count(state) for state in STATES}
    sheet.append([plain(lang, "collect.xlsx.totals", asked=standing.asked, **totals)])
    sheet.freeze_panes = "A5"
    for letter, width in zip("ABCDEFGHI", (6, 32, 26, 14, 40, 12, 17, 8, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
