"""Transcripts of a secretary's week: assign, buttons, progress, extension, done late, lists."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    OUTSIDER,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)

AN = '<a href="tg://user?id=104">Nguyễn An</a> (Sở Tài chính)'
BINH = '<a href="tg://user?id=105">Trần Bình</a> (Sở Kế hoạch và Đầu tư)'
CARD = (
    "📌 <b>Nhiệm vụ #1</b>: Báo cáo kinh phí chuyển đổi số\n"
    f"👤 Chủ trì: {AN}\n"
    f"👥 Phối hợp: {BINH}\n"
    "📅 Hạn: Thứ Năm, 31/12/2026 23:59\n"
    "📊 Trạng thái: {status} · Tiến độ: {progress}%"
)
BUTTONS_OPEN = [
    [("▶️ Bắt đầu", "v1:t:s:1"), ("📊 Tiến độ", "v1:t:p:1")],
    [("✅ Hoàn thành", "v1:t:d:1"), ("⏳ Xin gia hạn", "v1:t:e:1")],
]


def notice(key: str, /, **params) -> str:
    """A catalog message as a button notice shows it: plain text, no tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", vi(key, **params)))


def card(status: str, progress: int, deadline: str = "Thứ Năm, 31/12/2026 23:59") -> str:
    text = CARD.replace("{status}", status).replace("{progress}", str(progress))
    return text.replace("Thứ Năm, 31/12/2026 23:59", deadline)


async def test_a_secretarys_week(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        # Monday: the secretary assigns; the card is posted with buttons for the assignees.
        call = await conv.ask_raw(
            GROUP,
            SECRETARY,
            "/assign @so_taichinh @so_tttt Báo cáo kinh phí chuyển đổi số hạn 31/12",
        )
        assert call.text == card("Chưa bắt đầu", 0)
        assert conv.keyboard(call) == BUTTONS_OPEN
        item = await services(conv).items.by_number(1, 1)
        assert item.message_id == call.result["message_id"]

        # Someone outside the task presses: a short notice, nothing changes.
        await conv.press(GROUP, OUTSIDER, call, "v1:t:s:1")
        assert conv.last_answer() == notice("common.not_member")
        await conv.press(GROUP, DEPUTY, call, "v1:t:s:1")
        assert conv.last_answer() == notice("task.not_assignee", number=1)
        await conv.press(GROUP, MEMBER_B, call, "v1:t:d:1")
        assert conv.last_answer() == notice("done.forbidden", number=1)
        assert conv.new_edits() == []

        # The lead presses Start: the card is edited in place, Start disappears.
        await conv.press_button(GROUP, MEMBER_A, "Bắt đầu", call)
        assert conv.last_answer() == notice("task.notice.started", number=1)
        [edit] = conv.new_edits(GROUP.id)
        assert edit.params["text"] == card("Đang thực hiện", 0)
        assert conv.keyboard(call)[0] == [("📊 Tiến độ", "v1:t:p:1")]

        # The cooperator uses Progress: a quick percent row, then 50%.
        await conv.press_button(GROUP, MEMBER_B, "Tiến độ", call)
        assert conv.last_answer() == notice("task.notice.choose_percent", number=1)
        assert [label for label, _ in conv.keyboard(call)[0]] == ["25%", "50%", "75%", "90%"]
        await conv.press_button(GROUP, MEMBER_B, "50%", call)
        assert conv.last_answer() == notice("task.notice.progress", number=1, percent=50)
        assert fake.message(GROUP.id, item.message_id)["text"].endswith("Tiến độ: 50%")
        assert conv.keyboard(call)[1][0] == ("✅ Hoàn thành", "v1:t:d:1")

        # Tuesday: a progress note by command.
        reply = await conv.ask(GROUP, MEMBER_A, "/progress 1 60% đã tổng hợp 8/10 huyện")
        assert reply == vi("progress.done", number=1, percent=60)
        assert conv.new_edits(GROUP.id)[0].params["text"] == card("Đang thực hiện", 60)

        # The Extension button explains the command (a button cannot carry a date).
        await conv.press_button(GROUP, MEMBER_A, "Xin gia hạn", call)
        assert conv.last_answer() == (
            "Để xin gia hạn, gõ: /extend 1 <ngày> <lý do>, ví dụ /extend 1 31/12 chờ số liệu"
            " của các huyện"
        )
        request = await conv.ask_raw(GROUP, MEMBER_A, "/extend 1 15/01/2027 chờ số liệu 2 huyện")
        assert request.text == (
            "⏳ <b>Đề nghị gia hạn nhiệm vụ #1</b>: Báo cáo kinh phí chuyển đổi số\n"
            "Nguyễn An (Sở Tài chính) xin lùi hạn từ Thứ Năm, 31/12/2026 23:59"
            " đến Thứ Sáu, 15/01/2027 23:59.\n"
            "Lý do: chờ số liệu 2 huyện\n"
            '<a href="tg://user?id=101">Lê Thư Ký</a>, <a href="tg://user?id=102">Võ Văn Hưng</a>:'
            " xin duyệt bằng nút dưới đây, hoặc <code>/approve 1</code> /"
            " <code>/reject 1 lý do</code>."
        )
        assert conv.keyboard(request) == [
            [("✅ Duyệt", "v1:x:a:1"), ("❌ Không duyệt", "v1:x:r:1")]
        ]

        # A member cannot approve; the chair can, by button.
        await conv.press(GROUP, MEMBER_B, request, "v1:x:a:1")
        assert conv.last_answer() == notice("common.forbidden_button", roles="Trưởng ban, Thư ký")
        assert conv.new_edits() == []
        await conv.press_button(GROUP, CHAIR, "Duyệt", request)
        assert conv.last_answer() == notice("extension.notice_approved", number=1)
        card_edit, request_edit = conv.new_edits(GROUP.id)
        assert card_edit.params["text"] == card("Đang thực hiện", 60, "Thứ Sáu, 15/01/2027 23:59")
        assert request_edit.params["text"].endswith(
            "\n\n✅ Võ Văn Hưng đã duyệt: hạn mới Thứ Sáu, 15/01/2027 23:59."
        )
        assert conv.keyboard(request) == []
        await conv.press(GROUP, SECRETARY, request, "v1:x:r:1")  # a stale button
        assert conv.last_answer() == notice("extension.already_decided", number=1)

        # Mid-January: overdue; the list says so; then done late.
        clock.set(datetime(2027, 1, 18, 2, 0, tzinfo=UTC))  # Mon 18/01/2027 09:00
        listing = await conv.ask(GROUP, SECRETARY, "/tasks")
        assert listing == (
            "📋 <b>Nhiệm vụ đang mở</b> (1)\n"
            "🔴 <b>#1</b> Báo cáo kinh phí chuyển đổi số\n"
            "      Nguyễn An (Sở Tài chính) · hạn 15/01 23:59 · Đang thực hiện 60%"
            " · quá hạn 2 ngày 9 giờ\n\n" + vi("task.list.legend")
        )
        done = await conv.ask(GROUP, MEMBER_A, "/done 1 đã gửi Sở Tài chính")
        assert done == vi("done.done", number=1, timeliness="Hoàn thành trễ hạn")
        final = conv.new_edits(GROUP.id)[0]
        assert final.params["text"] == (
            card("Đã hoàn thành", 100, "Thứ Sáu, 15/01/2027 23:59")
            + "\n🟠 Hoàn thành trễ hạn 2 ngày 9 giờ (Thứ Hai, 18/01/2027 09:00)"
        )
        assert conv.keyboard(call) == []  # no buttons on a finished task
        assert "🟠 <b>#1</b>" in await conv.ask(GROUP, SECRETARY, "/tasks done")
        assert await conv.ask(GROUP, SECRETARY, "/tasks") == (
            "📋 <b>Nhiệm vụ đang mở</b> (0)\n" + vi("task.list.empty")
        )

        # /show: the card and its whole history.
        shown = await conv.ask(GROUP, CHAIR, "/xem 1")
        assert shown.split("\n\n🕘")[0] == final.params["text"]
        assert shown.split("\n\n")[1] == "\n".join(
            [
                "🕘 <b>Lịch sử</b>",
                "• 01/12 09:00 · Lê Thư Ký: giao nhiệm vụ, hạn Thứ Năm, 31/12/2026 23:59",
                "• 01/12 09:00 · Nguyễn An: bắt đầu thực hiện",
                "• 01/12 09:00 · Trần Bình: cập nhật tiến độ 50%",
                "• 01/12 09:00 · Nguyễn An: cập nhật tiến độ 60% — “đã tổng hợp 8/10 huyện”",
                "• 01/12 09:00 · Nguyễn An: xin gia hạn đến Thứ Sáu, 15/01/2027 23:59"
                " — “chờ số liệu 2 huyện”",
                "• 01/12 09:00 · Võ Văn Hưng: duyệt gia hạn, hạn mới Thứ Sáu, 15/01/2027 23:59",
                "• 18/01 09:00 · Nguyễn An: báo hoàn thành — “đã gửi Sở Tài chính”",
            ]
        )


async def test_rejection_direct_extension_reassign_cancel_reopen(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await conv.ask_raw(
            GROUP, CHAIR, "/giaoviec @so_taichinh @so_tttt Kế hoạch 2027 due 20/12"
        )
        await conv.send(GROUP, MEMBER_B, "/giahan 1 31/12 17:00 cần thêm số liệu")
        reply = await conv.ask(GROUP, SECRETARY, "/tuchoi 1 hạn này là bắt buộc")
        assert reply == vi("reject.done", number=1, deadline="Chủ Nhật, 20/12/2026 23:59")
        request_edit = conv.new_edits(GROUP.id)[-1]
        assert request_edit.params["text"].endswith(
            "❌ Lê Thư Ký không duyệt; hạn giữ nguyên Chủ Nhật, 20/12/2026 23:59."
            " Lý do: hạn này là bắt buộc"
        )
        assert await conv.ask(GROUP, SECRETARY, "/duyet 1") == vi(
            "extension.none_pending", number=1
        )
        # The secretary's own /extend applies at once.
        assert await conv.ask(GROUP, SECRETARY, "/extend 1 28/12 theo chỉ đạo") == vi(
            "extend.applied", number=1, deadline="Thứ Hai, 28/12/2026 23:59"
        )
        assert "📅 Hạn: Thứ Hai, 28/12/2026 23:59" in conv.new_edits(GROUP.id)[0].params["text"]
        # Reassign: the cooperator leads; the old lead leaves the task.
        reply = await conv.ask(GROUP, SECRETARY, "/giaolai 1 @so_tttt")
        assert reply == vi(
            "reassign.done",
            number=1,
            name="Trần Bình (Sở Kế hoạch và Đầu tư)",
            old="Nguyễn An (Sở Tài chính)",
        )
        edited = conv.new_edits(GROUP.id)[0].params["text"]
        assert f"👤 Chủ trì: {BINH}" in edited and "Phối hợp" not in edited
        assert await conv.ask(GROUP, MEMBER_A, "/progress 1 10") == vi(
            "task.not_assignee", number=1
        )
        # Members cannot cancel; the chair can; reopen brings the buttons back.
        assert await conv.ask(GROUP, MEMBER_B, "/cancel 1") == vi(
            "common.forbidden", command="cancel", roles="Trưởng ban, Thư ký"
        )
        assert await conv.ask(GROUP, CHAIR, "/huy 1 trùng với nhiệm vụ khác") == vi(
            "cancel.done", number=1
        )
        assert "Trạng thái: Đã hủy" in conv.new_edits(GROUP.id)[0].params["text"]
        assert conv.keyboard(call) == []
        await conv.press(GROUP, MEMBER_B, call, "v1:t:s:1")  # an old button on a cancelled task
        assert conv.last_answer() == notice("task.already_cancelled", number=1)
        assert await conv.ask(GROUP, CHAIR, "/moilai 1") == vi(
            "reopen.done", number=1, status="Chưa bắt đầu"
        )
        assert conv.keyboard(call)[0][0] == ("▶️ Bắt đầu", "v1:t:s:1")
        history = await conv.ask(GROUP, SECRETARY, "/show 1")
        assert "Lê Thư Ký: không duyệt gia hạn — “hạn này là bắt buộc”" in history
        assert (
            "Lê Thư Ký: đổi hạn từ Chủ Nhật, 20/12/2026 23:59 thành Thứ Hai, 28/12/2026 23:59"
            " — “theo chỉ đạo”" in history
        )
        assert "Lê Thư Ký: giao lại cho Trần Bình chủ trì (trước đó: Nguyễn An)" in history
        assert "Võ Văn Hưng: hủy nhiệm vụ — “trùng với nhiệm vụ khác”" in history
        assert "Võ Văn Hưng: mở lại nhiệm vụ" in history


async def test_english_committee_card_and_personal_language(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/settings language en")
        await conv.send(GROUP, MEMBER_A, "/lang vi")
        call = await conv.ask_raw(
            GROUP, SECRETARY, "/assign @so_taichinh Budget due tomorrow 17:00"
        )
        assert call.text == (
            "📌 <b>Task #1</b>: Budget\n"
            f"👤 Lead: {AN}\n"
            "📅 Due: Wednesday, 02/12/2026 17:00\n"
            "📊 Status: Not started · Progress: 0%"
        )
        assert [label for label, _ in conv.keyboard(call)[1]] == ["✅ Done", "⏳ Ask for extension"]
        # A Vietnamese reader gets the reply in Vietnamese; the card stays English.
        assert await conv.ask(GROUP, MEMBER_A, "/progress 1 30") == vi(
            "progress.done", number=1, percent=30
        )
        assert conv.new_edits(GROUP.id)[0].params["text"].endswith("In progress · Progress: 30%")
        assert await conv.ask(GROUP, MEMBER_B, "/help progress") == en("help.usage.progress")


async def test_a_change_that_leaves_the_card_as_it_is_makes_no_edit(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(
            GROUP,
            SECRETARY,
            "/assign @so_taichinh @so_tttt Báo cáo kinh phí chuyển đổi số hạn 31/12",
        )
        await conv.send(GROUP, MEMBER_A, "/progress 1 40 Đã lấy ý kiến")
        assert len(conv.new_edits(GROUP.id)) == 1
        reply = await conv.ask(GROUP, MEMBER_A, "/progress 1 40 Thêm một ghi chú")
        assert reply == vi("progress.done", number=1, percent=40)
        assert conv.new_edits(GROUP.id) == []  # same card: no edit spent on the group's budget
        assert not [c for c in fake.calls_of("editMessageText") if not c.ok]
