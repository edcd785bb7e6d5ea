"""Transcripts of /report, /export and /history over data made by the real commands."""

from __future__ import annotations

import io
import re

from bot.reports.workbook import EXPORT_SHEETS, SHEETS, sheet_name
from handlers.report_render import report_text
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)


def _book(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def _methods(conv) -> list[str]:
    return [c.method for c in conv.new_sent(GROUP.id)]


async def _work(conv, fake, clock) -> None:
    """#1 done on time by Sở Tài chính, #2 overdue for Sở KH&ĐT, #3 a consultation, #4 next year."""
    await set_up_committee(conv, fake)
    await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 05/12")
    await conv.send(GROUP, SECRETARY, "/assign @so_tttt @so_taichinh Kế hoạch số hóa hạn 02/12")
    await conv.send(GROUP, SECRETARY, "/consult Dự thảo Quy chế hạn 10/12")
    await conv.send(GROUP, CHAIR, "/assign @so_tttt Tổng kết năm hạn 15/01/2027")
    await conv.send(GROUP, MEMBER_A, "/opinion 3 agree")
    await conv.send(GROUP, MEMBER_A, "/done 1 đã gửi Sở")
    clock.advance(days=2)  # Thursday 03/12 09:00: #2 is overdue


async def test_report_sends_summary_chart_and_workbook(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await _work(conv, fake, clock)
        reply = await conv.ask(GROUP, CHAIR, "/report H2 2026")
        assert _methods(conv) == ["sendMessage", "sendPhoto", "sendDocument"]
        committee = await services(conv).committees.by_chat(GROUP.id)
        expected = await services(conv).reports.report(committee, "H2 2026")
        assert reply == report_text(expected, "vi")
        assert reply.startswith("📊 <b>Sơ kết 6 tháng cuối năm 2026</b>")
        assert (
            "🟢 <b>Sở Tài chính</b>: 1 nhiệm vụ — 1 đúng hạn, 0 trễ hạn, 0 trong hạn, 0 quá hạn"
            in reply
        )
        assert "🔴 <b>Sở Kế hoạch và Đầu tư</b>: 1 nhiệm vụ — 0 đúng hạn" in reply
        assert "• #2 Kế hoạch số hóa — quá hạn 9 giờ 1 phút (hạn 02/12/2026)" in reply
        assert vi("report.consultations", count=1, responded=1, eligible=4, rate="25%") in reply
        assert "• #4 Tổng kết năm — Trần Bình (Sở Kế hoạch và Đầu tư) — hạn 15/01/2027" in reply
        photo = next(u for u in fake.uploads if u.filename.endswith(".png"))
        assert photo.filename == "so-ket-H2-2026.png" and photo.data[:4] == b"\x89PNG"
        assert photo.params["caption"] == vi("report.photo_caption", period="6 tháng cuối năm 2026")
        name, data = conv.last_document(GROUP.id)
        assert name == "so-ket-H2-2026.xlsx"
        book = _book(data)
        assert book.sheetnames == [sheet_name(k, "vi") for k in SHEETS]
        tasks = [[c.value for c in row][:7] for row in book["Nhiệm vụ"].iter_rows(min_row=2)]
        assert tasks == [
            [2, "Kế hoạch số hóa", None, "Chưa bắt đầu", 0, "Trần Bình", "Sở Kế hoạch và Đầu tư"],
            [1, "Báo cáo kinh phí", None, "Hoàn thành", 100, "Nguyễn An", "Sở Tài chính"],
        ]
        answers = [[c.value for c in row] for row in book["Xin ý kiến"].iter_rows(min_row=2)]
        assert [row[6:9] for row in answers] == [["Nguyễn An", "Sở Tài chính", "Đồng ý"]]


async def test_report_refusals_and_an_empty_period(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await _work(conv, fake, clock)
        bad = await conv.ask(GROUP, SECRETARY, "/report H5 2026")
        assert bad == vi("date.bad_period", text="H5 2026")
        assert _methods(conv) == ["sendMessage"]
        roles = "Trưởng ban, Phó Trưởng ban Thường trực, Phó Trưởng ban, Thư ký"
        refused = await conv.ask(GROUP, MEMBER_A, "/report")
        assert refused == vi("common.forbidden", command="report", roles=roles)
        assert _methods(conv) == ["sendMessage"]
        empty = await conv.ask(GROUP, DEPUTY, "/baocao 2025")
        assert empty == vi("report.empty", period="năm 2025", start="01/01/2025", end="31/12/2025")
        assert _methods(conv) == ["sendMessage"]
        await conv.send(GROUP, CHAIR, "/lang en")
        empty_en = await conv.ask(GROUP, CHAIR, "/report Q1 2026")
        assert empty_en == en(
            "report.empty", period="Q1 2026", start="01/01/2026", end="31/03/2026"
        )
        assert not [u for u in fake.uploads if u.filename.endswith((".png", ".xlsx"))]


async def test_export_is_for_the_secretary_and_chair(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await _work(conv, fake, clock)
        refused = await conv.ask(GROUP, DEPUTY, "/export")
        assert refused == vi("common.forbidden", command="export", roles="Trưởng ban, Thư ký")
        assert _methods(conv) == ["sendMessage"]
        await conv.send(GROUP, SECRETARY, "/export")
        assert _methods(conv) == ["sendDocument"]
        name, data = conv.last_document(GROUP.id)
        assert name == "du-lieu-ban-2026-12-03.xlsx"
        caption = conv.new_sent(GROUP.id)[0].params["caption"]
        assert caption == vi(
            "export.caption", title="Ban Chỉ đạo Chuyển đổi số", when="03/12/2026 09:00"
        )
        book = _book(data)
        assert book.sheetnames == [sheet_name(k, "vi") for k in EXPORT_SHEETS]
        db = services(conv).db
        assert book["Nhiệm vụ"].max_row == 1 + 3
        assert book["Thành viên"].max_row == 1 + 5
        history = book["Nhật ký"]
        assert history.max_row == 1 + await db.fetchval("SELECT COUNT(*) FROM audit_log")
        assert [c.value for c in history[1]] == ["Thời điểm", "Người thực hiện", "Mục", "Nội dung"]
        said = [[c.value for c in row][1:] for row in history.iter_rows(min_row=2)]
        assert ["Lê Thư Ký", "#1", "Giao nhiệm vụ «Báo cáo kinh phí», chủ trì Nguyễn An, hạn "
                "05/12/2026 23:59"] in said  # fmt: skip
        assert ["Nguyễn An", "#1", "Báo cáo hoàn thành — đã gửi Sở"] in said
        codes = re.compile(r"\b(task|consultation|vote|member|committee)\.[a-z_]+\b|[{}\[\]]")
        assert [row for row in said if codes.search(row[2])] == []
        assert all(row[2][0].isupper() for row in said)
        # In English for an English reader: sheet names, headers and sentences.
        await conv.send(GROUP, SECRETARY, "/lang en")
        await conv.send(GROUP, SECRETARY, "/export")
        book = _book(conv.last_document(GROUP.id)[1])
        assert book.sheetnames == [sheet_name(k, "en") for k in EXPORT_SHEETS]
        assert book.sheetnames[-1] == "History" and book.sheetnames[4] == "Votes and polls"
        said = [[c.value for c in row][1:] for row in book["History"].iter_rows(min_row=2)]
        assert ["Nguyễn An", "#1", "Reported completion — đã gửi Sở"] in said


async def test_history_of_an_item_and_of_the_committee(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await _work(conv, fake, clock)
        trail = await conv.ask(GROUP, CHAIR, "/history 1")
        lines = trail.split("\n")
        assert lines[0] == vi("history.header_item", number=1, title="Báo cáo kinh phí")
        assert lines[1] == (
            "01/12/2026 09:00 · <b>Lê Thư Ký</b>: "
            "giao nhiệm vụ «Báo cáo kinh phí», chủ trì Nguyễn An, hạn 05/12/2026 23:59"
        )
        assert lines[-1] == "01/12/2026 09:00 · <b>Nguyễn An</b>: báo cáo hoàn thành — đã gửi Sở"
        latest = await conv.ask(GROUP, SECRETARY, "/lichsu")
        assert latest.split("\n")[1] == (
            "01/12/2026 09:00 · <b>Nguyễn An</b>: #1 · báo cáo hoàn thành — đã gửi Sở"
        )
        assert "<b>Nguyễn An</b>: tham gia Ban (Sở Tài chính)" in latest
        assert "{" not in latest  # no raw JSON
        assert await conv.ask(GROUP, SECRETARY, "/history 99") == vi("item.not_found", number=99)
        assert await conv.ask(GROUP, SECRETARY, "/history abc") == vi("history.usage")
        assert await conv.ask(GROUP, MEMBER_A, "/history") == vi(
            "common.forbidden", command="history", roles="Trưởng ban, Thư ký"
        )


async def test_a_long_history_is_split_under_telegram_limit(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await _work(conv, fake, clock)
        for n in range(60):
            await conv.send(
                GROUP, MEMBER_A, f"/progress 2 {n} cập nhật số liệu lần thứ {n} " + "x" * 80
            )
        await conv.send(GROUP, SECRETARY, "/history 2")
        texts = conv.new_texts(GROUP.id)
        assert len(texts) > 1 and all(len(text) <= 4096 for text in texts)
        assert sum(text.count("báo cáo tiến độ") for text in texts) == 60


async def test_report_without_a_period_covers_the_whole_half_year(tmp_path, clock):
    """Issue 13: five tasks due next week (two done already) are this half-year's results; polls
    and motions are counted apart; a lead without an agency has the one label everywhere."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/add @moi_vao member")  # pre-registered, no agency
        for n, lead in enumerate(("so_taichinh", "so_tttt", "so_taichinh", "so_tttt", "moi_vao")):
            await conv.send(GROUP, SECRETARY, f"/assign @{lead} Việc {n + 1} hạn 08/12")
        await conv.send(GROUP, MEMBER_A, "/done 1")
        await conv.send(GROUP, SECRETARY, "/done 2")
        await conv.send(GROUP, SECRETARY, "/vote Thông qua kế hoạch hạn 20/12")
        await conv.send(GROUP, SECRETARY, "/poll Ngày họp? | Thứ Hai | Thứ Ba hạn 20/12")
        reply = await conv.ask(GROUP, CHAIR, "/report")
        assert _methods(conv) == ["sendMessage", "sendPhoto", "sendDocument"]
        assert reply.startswith("📊 <b>Sơ kết 6 tháng cuối năm 2026</b>")
        assert "Kỳ báo cáo: 01/07/2026 – 31/12/2026" in reply
        assert vi("report.tasks_total", assigned=5, done=2, on_time=2, late=0, open=3,
                  overdue=0) in reply  # fmt: skip
        assert vi("report.motions", count=1, passed=0, rejected=0, open=1) in reply
        assert vi("report.polls", count=1, closed=0, open=1) in reply
        assert "🟢 <b>Chưa khai báo cơ quan</b>: 1 nhiệm vụ" in reply
        book = _book(conv.last_document(GROUP.id)[1])
        leads = [[c.value for c in row][5:7] for row in book["Nhiệm vụ"].iter_rows(min_row=2)]
        assert leads[-1] == ["@moi_vao", "Chưa khai báo cơ quan"]
        assert "Chưa khai báo cơ quan" in [r[0].value for r in book["Cơ quan"].iter_rows(min_row=2)]
        members = await conv.ask(GROUP, MEMBER_A, "/members")
        assert "(Chưa khai báo cơ quan)" in members
        await conv.send(GROUP, CHAIR, "/lang en")
        english = await conv.ask(GROUP, CHAIR, "/report")
        assert english.startswith("📊 <b>Review for H2 2026</b>")
        assert en("report.tasks_total", assigned=5, done=2, on_time=2, late=0, open=3,
                  overdue=0) in english  # fmt: skip
        assert en("report.motions", count=1, passed=0, rejected=0, open=1) in english
        assert en("report.polls", count=1, closed=0, open=1) in english
        assert "<b>No agency given</b>: 1 task" in english
