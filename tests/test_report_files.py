"""The chart PNG and the workbooks, opened and checked against the database."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.reports import chart, file_name, workbook
from bot.reports.workbook import EXPORT_SHEETS, SHEETS, sheet_name
from tests.factories import Factory, populate

HN = ZoneInfo("Asia/Ho_Chi_Minh")
H2_START = datetime(2026, 6, 30, 17, 0, tzinfo=UTC)
H2_END = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def filled(services):
    f = Factory(services)
    committee = await f.committee()
    members = await populate(f, committee, 120, H2_START, H2_END, seed=3)
    motion = await f.vote(
        committee, "Thông qua Quy chế hoạt động", datetime(2026, 12, 20, tzinfo=UTC)
    )
    await f.ballot(motion, members[0], "for")
    await f.ballot(motion, members[1], "against")
    return services, committee


def _open_book(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


async def test_chart_is_a_phone_sized_png_with_every_vietnamese_glyph(filled):
    services, committee = filled
    report = await services.reports.report(committee, "H2 2026")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.render(report, "vi")
    glyph_warnings = [w for w in caught if "missing from" in str(w.message)]
    assert glyph_warnings == []
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    assert width == 1080 and 700 < height < 3000  # 12 agencies, one bar each
    assert file_name(report, "vi", "png") == "so-ket-H2-2026.png"


async def test_chart_font_has_all_letters_of_the_catalog_and_agency_names():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from bot.i18n import catalog
    from tests.factories import AGENCIES

    font = FT2Font(font_manager.findfont(chart.FONT, fallback_to_default=False))
    text = "".join(AGENCIES) + "".join(catalog("vi").values())
    letters = {ch for ch in text if ch.isalpha()}
    missing = sorted(ch for ch in letters if font.get_char_index(ord(ch)) == 0)
    assert missing == []


async def test_report_workbook_matches_the_database(filled):
    services, committee = filled
    report = await services.reports.report(committee, "H2 2026")
    data = workbook.report_workbook(report, "vi")
    book = _open_book(data)
    assert book.sheetnames == [sheet_name(k, "vi") for k in SHEETS]
    db = services.db
    window = ("2026-06-30T17:00:00Z", "2026-12-31T17:00:00Z")
    tasks = await db.fetchval(
        "SELECT COUNT(*) FROM items WHERE kind = 'task' AND deadline >= ? AND deadline < ?", window
    )
    cancelled = await db.fetchval(
        "SELECT COUNT(*) FROM items WHERE kind = 'task' AND status = 'cancelled'"
        " AND deadline >= ? AND deadline < ?",
        window,
    )
    opinions = await db.fetchval("SELECT COUNT(*) FROM opinions")
    ballots = await db.fetchval("SELECT COUNT(*) FROM ballots")
    sheet = book["Nhiệm vụ"]
    assert [c.value for c in sheet[1]][:4] == ["Số", "Tiêu đề", "Mô tả", "Trạng thái"]
    assert sheet.max_row == 1 + tasks
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 48
    first = report.tasks[0].task
    row = [c for c in sheet[2]]
    assert row[0].value == first.item.number
    assert row[9].value == first.item.deadline.astimezone(HN).replace(tzinfo=None)
    assert isinstance(row[9].value, datetime) and row[9].number_format == "dd/mm/yyyy hh:mm"
    summary = {r[0].value: r[1] for r in book["Tổng hợp"].iter_rows(min_row=2)}
    assert summary["Nhiệm vụ có hạn trong kỳ"].value == tasks - cancelled
    assert summary["Nhiệm vụ đã hủy (không tính)"].value == cancelled
    assert isinstance(summary["Từ ngày"].value, datetime)
    assert summary["Từ ngày"].value == datetime(2026, 7, 1)
    assert summary["Đến hết ngày"].value == datetime(2026, 12, 31)
    # Motions and polls apart, each adding up (a poll is never passed or rejected).
    value = {k: summary[k].value for k in summary}
    motions = [v for v in report.votes if v.record.mode == "motion"]
    assert value["Số cuộc biểu quyết"] == len(motions) == (
        value["Biểu quyết: thông qua"] + value["Biểu quyết: không thông qua"]
        + value["Biểu quyết: đang mở"]
    )  # fmt: skip
    assert (
        value["Số cuộc thăm dò"]
        == len(report.votes) - len(motions)
        == (value["Thăm dò: đã kết thúc"] + value["Thăm dò: đang mở"])
    )
    agencies = book["Cơ quan"]
    assert agencies.max_row == 1 + len(report.agencies) == 13
    counted = sum(r[2].value for r in agencies.iter_rows(min_row=2))
    assert counted == tasks - cancelled
    assert book["Xin ý kiến"].max_row == 1 + opinions
    votes = book["Biểu quyết, thăm dò"]
    assert votes.max_row == 1 + ballots
    assert [votes.cell(row=r, column=10).value for r in (2, 3)] == ["Tán thành", "Không tán thành"]
    for name in SHEETS:
        assert book[sheet_name(name, "vi")].freeze_panes == "A2"
    assert file_name(report, "vi", "xlsx") == "so-ket-H2-2026.xlsx"


async def test_export_workbook_holds_everything(filled):
    services, committee = filled
    report = await services.reports.export(committee)
    book = _open_book(workbook.export_workbook(report, "en"))
    assert book.sheetnames == [sheet_name(k, "en") for k in EXPORT_SHEETS]
    db = services.db
    assert book["Tasks"].max_row == 1 + await db.fetchval(
        "SELECT COUNT(*) FROM items WHERE kind = 'task'"
    )
    assert book["Members"].max_row == 1 + await db.fetchval("SELECT COUNT(*) FROM members")
    assert book["History"].max_row == 1 + await db.fetchval("SELECT COUNT(*) FROM audit_log")
    assert book["Tasks"]["A1"].value == "No." and book["History"]["A2"].is_date
    assert file_name(report, "en", "xlsx") == "committee-data-2026-12-01.xlsx"


def test_importing_the_bot_does_not_load_matplotlib_or_openpyxl():
    code = (
        "import sys, bot.wiring.app, handlers.registry, bot.reports.chart, bot.reports.workbook;"
        "handlers.registry.discover();"
        "heavy = [m for m in ('matplotlib', 'openpyxl') if m in sys.modules];"
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
