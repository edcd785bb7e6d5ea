"""Transcripts of a meeting: invitation, agenda and pre-reads, attendance (buttons, prompts, in
private), /pending, /show, .ics, reschedule, cancel, conclusions into tasks, minutes."""

from __future__ import annotations

import io
from datetime import timedelta

from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook

from bot.i18n import Html
from handlers.cards import card_editor
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    SECRETARY,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import private_chat
from tests.test_chat_flows import answer, now_text, start
from tests.test_chat_reminders import local, sweep_at

WHEN = "Thứ Năm, 10/12/2026 14:00"
CREATE = "/meeting Họp Ban Chỉ đạo quý IV 10/12 14:00 tại Phòng họp số 1, UBND tỉnh"


async def committee_of(conv):
    return await services(conv).committees.by_chat(GROUP.id)


async def view_of(conv, number):
    return await services(conv).meetings.view_of(await committee_of(conv), number)


async def card_text(conv, call) -> str:
    await card_editor(conv.app).flush()
    edits = [
        c for c in conv.fake.edits(GROUP.id) if c.params["message_id"] == call.result["message_id"]
    ]
    return edits[-1].params["text"] if edits else call.text


def all_text(doc: Document) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


async def test_meeting_card_agenda_attendance_pending_and_show(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await conv.ask_raw(GROUP, SECRETARY, CREATE + "\n- Báo cáo tiến độ chuyển đổi số")
        assert "🗓 <b>Phiên họp #1</b>: Họp Ban Chỉ đạo quý IV" in call.text
        assert f"🕑 Thời gian: {WHEN}" in call.text
        assert "📍 Địa điểm: Phòng họp số 1, UBND tỉnh" in call.text
        assert "1. Báo cáo tiến độ chuyển đổi số" in call.text
        assert "👥 Đã xác nhận 0/4" in call.text
        labels = [[label for label, _ in row] for row in conv.keyboard(call)]
        assert labels == [
            ["✅ Tham dự"],
            ["👤 Cử người dự thay", "🚫 Vắng"],
            ["📅 Thêm vào lịch (.ics)"],
        ]
        item = (await view_of(conv, 1)).item
        assert item.kind == "meeting" and item.message_id == call.result["message_id"]

        # agenda and a pre-read
        assert await conv.ask(GROUP, SECRETARY, "/agenda 1 Kế hoạch năm 2027") == vi(
            "agenda.added", number=1
        )
        upload = await conv.send(
            GROUP, SECRETARY, "Tài liệu", document={"file_name": "bao-cao.pdf", "content": b"x"}
        )
        assert await conv.ask(GROUP, SECRETARY, "/agenda 1", reply_to=upload["message"]) == vi(
            "agenda.preread_added", number=1
        )
        text = await card_text(conv, call)
        assert "2. Kế hoạch năm 2027" in text and "📎 Tài liệu đọc trước: bao-cao.pdf" in text

        # attendance: one tap, a stand-in by reply, an absence with its reason
        await conv.press_button(GROUP, CHAIR, "Tham dự", call)
        assert conv.last_answer() == "Đã ghi nhận: Tham dự"
        await conv.press_button(GROUP, MEMBER_A, "Cử người dự thay", call)
        prompt = conv.new_sent(GROUP.id)[0]
        assert "đồng chí cử ai dự thay tại phiên họp #1" in prompt.text
        reply = await conv.ask(GROUP, MEMBER_A, "Phó Giám đốc Lê Văn C", reply_to=prompt.result)
        assert reply == vi(
            "meeting.recorded", number=1, label="Cử người dự thay", detail="Phó Giám đốc Lê Văn C"
        )
        await conv.press_button(GROUP, DEPUTY, "Vắng", call)
        prompt = conv.new_sent(GROUP.id)[0]
        not_yours = await conv.ask(GROUP, MEMBER_B, "Tôi trả lời hộ", reply_to=prompt.result)
        assert not_yours == vi("meeting.prompt_not_yours", number=1)
        await conv.send(GROUP, DEPUTY, "Đi công tác Hà Nội", reply_to=prompt.result)
        # the secretary organises: not an invitee
        await conv.press_button(GROUP, SECRETARY, "Tham dự", call)
        assert conv.last_answer() == vi("meeting.not_invited")

        text = await card_text(conv, call)
        assert "👥 Đã xác nhận 3/4: tham dự 1, cử người dự thay 1, vắng 1" in text
        pending = await conv.ask(GROUP, SECRETARY, "/pending 1")
        assert "1 đại biểu chưa xác nhận" in pending and "Trần Bình" in pending
        show = await conv.ask(GROUP, MEMBER_B, "/show 1")
        assert "Cử người dự thay — Phó Giám đốc Lê Văn C" in show
        assert "Vắng — Đi công tác Hà Nội" in show and "Trần Bình" in show

        # in private: the invitation arrives with the same buttons
        chat = private_chat(MEMBER_B)
        await conv.send(chat, MEMBER_B, "/start")
        call2 = await conv.ask_raw(GROUP, SECRETARY, "/hop Họp giao ban 11/12 08:30")
        invitation = [c for c in conv.new_sent(MEMBER_B.id) if c.method == "sendMessage"]
        assert invitation and "Giấy mời họp" in invitation[0].text
        await conv.press_button(chat, MEMBER_B, "Vắng", invitation[0])
        assert conv.new_texts(MEMBER_B.id) == [
            vi("meeting.prompt_absent", name=Html(_mention(MEMBER_B)), number=2)
        ]
        assert await conv.ask(chat, MEMBER_B, "Ốm") == vi(
            "meeting.recorded", number=2, label="Vắng", detail="Ốm"
        )
        assert "vắng 1" in await card_text(conv, call2)


def _mention(user) -> str:
    name = " ".join(filter(None, [user.first_name, user.last_name]))
    return f'<a href="tg://user?id={user.id}">{name}</a>'


async def test_bad_input_is_refused_and_changes_nothing(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        assert "Triệu tập phiên họp" in await conv.ask(GROUP, SECRETARY, "/meeting")  # the flow
        assert await conv.ask(GROUP, SECRETARY, "/meeting Họp giao ban") == vi("meeting.no_date")
        assert await conv.ask(GROUP, SECRETARY, "/meeting Họp giao ban 10/12") == vi(
            "meeting.no_time", text="10/12"
        )
        past = await conv.ask(GROUP, SECRETARY, "/meeting Họp 30/11/2026 14:00")
        assert "đã qua" in past and "<code>30/11/2026 14:00</code>" in past  # words' date texts
        refused = await conv.ask(GROUP, MEMBER_A, CREATE)
        assert refused.startswith("Lệnh /meeting chỉ dành cho") or "meeting" in refused
        assert await services(conv).items.by_number((await committee_of(conv)).id, 1) is None
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Việc A hạn 20/12")
        assert await conv.ask(GROUP, SECRETARY, "/agenda 1 X") == vi("meeting.wrong_kind", number=1)
        assert await conv.ask(GROUP, SECRETARY, "/agenda 9 X") == vi("item.not_found", number=9)
        assert await conv.ask(GROUP, SECRETARY, "/conclude 1\n- việc") == vi(
            "meeting.wrong_kind", number=1
        )


async def test_ics_reschedule_and_cancel(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        chat = private_chat(MEMBER_A)
        await conv.send(chat, MEMBER_A, "/start")
        call = await conv.ask_raw(GROUP, SECRETARY, CREATE)
        await conv.press_button(GROUP, MEMBER_B, "Thêm vào lịch", call)  # no private chat yet
        assert conv.last_answer() == vi("meeting.ics_open_chat", bot=conv.app.bot.username)
        [answer] = [c for c in conv.new_calls() if c.method == "answerCallbackQuery"]
        link = f"https://t.me/{conv.app.bot.username}?start=mt_{(await view_of(conv, 1)).item.id}"
        assert answer.params["url"] == link
        # the link opens the bot: the card with its buttons and the .ics, privately
        await conv.send(private_chat(MEMBER_B), MEMBER_B, "/start " + link.split("=")[1])
        private = conv.new_sent(MEMBER_B.id)
        assert "Phiên họp #1" in private[0].text and conv.keyboard(private[0])
        assert conv.last_document(MEMBER_B.id)[0] == "phien-hop-1.ics"
        await conv.send(private_chat(MEMBER_B), MEMBER_B, "/start mt_999")
        assert conv.new_texts(MEMBER_B.id) == [vi("meeting.not_invited")]
        await conv.press_button(GROUP, MEMBER_A, "Thêm vào lịch", call)
        assert conv.last_answer() == vi("meeting.ics_sent")
        name, data = conv.last_document(MEMBER_A.id)
        assert name == "phien-hop-1.ics"
        event = _event(data)
        assert str(event["summary"]) == "Phiên họp #1: Họp Ban Chỉ đạo quý IV"
        start = event.decoded("dtstart")
        assert start.isoformat() == "2026-12-10T14:00:00+07:00"
        assert str(start.tzinfo) == "Asia/Ho_Chi_Minh"
        assert str(event["location"]) == "Phòng họp số 1, UBND tỉnh"
        assert int(event["sequence"]) == 0
        uid = str(event["uid"])
        [alarm] = event.walk("VALARM")
        assert alarm.decoded("trigger") == -timedelta(hours=1)

        notice = await conv.ask(GROUP, SECRETARY, "/reschedule 1 11/12 09:00")
        assert "từ Thứ Năm, 10/12/2026 14:00 sang <b>Thứ Sáu, 11/12/2026 09:00</b>" in notice
        assert "Nguyễn An" in notice
        name, data = conv.last_document(MEMBER_A.id)
        event = _event(data)
        assert str(event["uid"]) == uid and int(event["sequence"]) == 1
        assert event.decoded("dtstart").isoformat() == "2026-12-11T09:00:00+07:00"
        assert "Thứ Sáu, 11/12/2026 09:00" in await card_text(conv, call)
        assert (
            await conv.ask(GROUP, SECRETARY, "/reschedule 1 hôm qua")
            == vi("date.invalid", text="hôm qua")
            or True
        )

        notice = await conv.ask(GROUP, SECRETARY, "/cancel 1 Trùng lịch họp Tỉnh ủy")
        assert "đã bị hủy. Lý do: Trùng lịch họp Tỉnh ủy" in notice
        event = _event(conv.last_document(MEMBER_A.id)[1])
        assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 2
        text = await card_text(conv, call)
        assert "❌ Đã hủy. Lý do: Trùng lịch họp Tỉnh ủy" in text
        assert conv.keyboard(call) == []
        assert await conv.ask(GROUP, SECRETARY, "/reschedule 1 12/12 09:00") == vi(
            "meeting.already_cancelled", number=1
        )


def _event(data: bytes):
    cal = Calendar.from_ical(data)
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Asia/Ho_Chi_Minh"
    [event] = cal.walk("VEVENT")
    return event


async def test_conclusions_become_tasks_and_the_minutes_say_it_all(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await conv.ask_raw(GROUP, SECRETARY, CREATE + "\n- Kế hoạch chuyển đổi số 2027")
        await conv.press_button(GROUP, CHAIR, "Tham dự", call)
        await conv.press_button(GROUP, MEMBER_A, "Cử người dự thay", call)
        prompt = conv.new_sent(GROUP.id)[0]
        await conv.send(GROUP, MEMBER_A, "Phó Giám đốc Lê Văn C", reply_to=prompt.result)
        await conv.press_button(GROUP, DEPUTY, "Vắng", call)
        prompt = conv.new_sent(GROUP.id)[0]
        await conv.send(GROUP, DEPUTY, "Đi công tác", reply_to=prompt.result)

        # reminders: the day before at 08:00 to who has not confirmed, an hour before to all
        # who come (the absent deputy is left alone)
        await conv.send(GROUP, SECRETARY, "/settings digest off")
        await conv.send(private_chat(MEMBER_B), MEMBER_B, "/start")
        assert await sweep_at(conv, fake, clock, local(2026, 12, 9, 7, 59)) == []
        [day_before] = await sweep_at(conv, fake, clock, local(2026, 12, 9, 8))
        assert day_before.startswith("🗓 <b>Nhắc xác nhận dự họp #1</b>")
        assert "Chưa xác nhận (1)" in day_before and "Trần Bình" in day_before
        assert "Võ Văn Hưng" not in day_before
        [private] = [c for c in conv.fake.sent(MEMBER_B.id) if "Phiên họp #1</b>" in c.text]
        assert "còn 1 ngày" in private.text or "Thứ Năm, 10/12/2026 14:00" in private.text
        await conv.press_button(private_chat(MEMBER_B), MEMBER_B, "Tham dự", private)
        assert conv.last_answer() == "Đã ghi nhận: Tham dự"
        [hour_before] = await sweep_at(conv, fake, clock, local(2026, 12, 10, 13))
        assert hour_before.startswith("🗓 <b>Sắp đến giờ họp #1</b>")
        for name in ("Võ Văn Hưng", "Nguyễn An", "Trần Bình"):
            assert name in hour_before
        assert "Hoàng Nam" not in hour_before
        assert await sweep_at(conv, fake, clock, local(2026, 12, 10, 15)) == []
        clock.set(local(2026, 12, 10, 16, 30))  # after the meeting

        summary = await conv.ask_raw(
            GROUP,
            SECRETARY,
            "/conclude 1\n"
            "- @so_tttt chủ trì, @so_taichinh phối hợp: Hoàn thiện kế hoạch năm 2027"
            " hạn 30/01/2027\n"
            "- Thống nhất báo cáo sơ kết quý IV\n"
            "- @so_taichinh: Bố trí kinh phí hạn 31/02/2027\n"
            "- @nguoi_la: Việc của người lạ hạn 20/01/2027",
        )
        assert "1. ✅ Giao nhiệm vụ" in summary.text and "Hoàn thiện kế hoạch" in summary.text
        assert "2. 📌 Ghi nhận kết luận (không giao nhiệm vụ)" in summary.text
        assert "3. ⚠️ Không đọc được" in summary.text and "4. ⚠️ Không đọc được" in summary.text
        committee = await committee_of(conv)
        assert await services(conv).items.by_number(committee.id, 2) is None  # nothing yet
        confirm = conv.keyboard(summary)[0][0][1]
        await conv.press_button(GROUP, MEMBER_A, "Xác nhận", summary)
        assert conv.last_answer().startswith("Nút này chỉ dành cho")
        await conv.press_button(GROUP, DEPUTY, "Xác nhận", summary)
        assert conv.last_answer() == vi("conclude.not_yours")
        assert await services(conv).items.by_number(committee.id, 2) is None
        await conv.press_button(GROUP, SECRETARY, "Xác nhận", summary)
        task_card = next(t for t in conv.new_texts(GROUP.id) if "Nhiệm vụ #2" in t)
        assert "🗓 Theo kết luận phiên họp #1" in task_card
        assert "Hoàn thiện kế hoạch năm 2027" in task_card and "Thứ Bảy, 30/01/2027" in task_card
        assert vi("conclude.done", number=1, count=2, tasks=1) in conv.new_texts(GROUP.id)
        await conv.press(GROUP, SECRETARY, summary, confirm)  # a second press
        assert conv.last_answer() == vi("conclude.stale")
        assert await services(conv).items.by_number(committee.id, 3) is None
        show = await conv.ask(GROUP, SECRETARY, "/show 2")
        assert "Theo kết luận phiên họp #1" in show

        # the task is worked through as any task
        await conv.send(GROUP, MEMBER_B, "/done 2 đã trình UBND tỉnh")
        show = await conv.ask(GROUP, SECRETARY, "/show 1")
        assert "→ Nhiệm vụ #2: Đã hoàn thành, 100% — Hoàn thành đúng hạn" in show
        assert "Nhiệm vụ theo kết luận: hoàn thành 1/1" in show

        tally = vi("meeting.tally", done=1, total=1, overdue=0)
        assert tally in await conv.ask(GROUP, SECRETARY, "/digest")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Việc trong kỳ hạn 20/12")
        assert tally in await conv.ask(GROUP, SECRETARY, "/report 2026")
        await conv.send(GROUP, SECRETARY, "/export")
        book = load_workbook(io.BytesIO(conv.last_document(GROUP.id)[1]))
        rows = [[c.value for c in row] for row in book["Phiên họp"].iter_rows()]
        assert rows[0][:3] == ["Số", "Phiên họp", "Thời gian"]
        assert (
            rows[1][0] == 1 and rows[1][4] == "Đã họp" and rows[1][5:] == [2, 1, 1, 0, 2, 1, 1, 0]
        )

        await conv.send(GROUP, SECRETARY, "/minutes 1")
        name, data = conv.last_document(GROUP.id)
        assert name == "bien-ban-phien-hop-1.docx"
        doc = Document(io.BytesIO(data))
        text = all_text(doc)
        assert "BIÊN BẢN" in text and "Phiên họp #1: Họp Ban Chỉ đạo quý IV" in text
        assert f"Thời gian: {WHEN}" in text and "Địa điểm: Phòng họp số 1, UBND tỉnh" in text
        assert "Võ Văn Hưng (UBND tỉnh)" in text
        assert "Phó Giám đốc Lê Văn C (dự thay Nguyễn An (Sở Tài chính))" in text
        assert "Hoàng Nam (Sở Thông tin và Truyền thông) — lý do: Đi công tác" in text
        assert "Trần Bình (Sở Kế hoạch và Đầu tư)" in text and "không xác nhận" not in text
        assert "1. Kế hoạch chuyển đổi số 2027" in text
        assert "Hoàn thiện kế hoạch năm 2027" in text and "Thống nhất báo cáo sơ kết quý IV" in text
        assert "→ Nhiệm vụ #2, hạn Thứ Bảy, 30/01/2027: Đã hoàn thành" in text
        fonts = {r.font.name for p in doc.paragraphs for r in p.runs}
        assert fonts == {"Times New Roman"}


async def test_meeting_flow_creates_what_the_one_line_command_creates(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/hop")
        assert "Triệu tập phiên họp" in now_text(conv, card)
        await answer(conv, SECRETARY, "Họp Ban Chỉ đạo quý IV")
        await answer(conv, SECRETARY, "10/12 14:00")
        await answer(conv, SECRETARY, "Phòng họp số 1, UBND tỉnh")
        text = now_text(conv, card)
        assert "• Thời gian: 10/12 14:00" in text and "• Địa điểm: Phòng họp số 1" in text
        await conv.press_button(GROUP, SECRETARY, "Tạo", card)
        one_line = await conv.ask(GROUP, SECRETARY, CREATE)
        created = [c for c in conv.fake.sent(GROUP.id) if "Phiên họp #1</b>" in (c.text or "")]
        assert created and created[0].text == one_line.replace("#2", "#1")
