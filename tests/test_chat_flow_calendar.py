"""Transcripts of the guided flows' quick deadline buttons and typed working days against the
committee's calendar (issue 17): a public holiday Friday (01/01/2027, Tết Dương lịch), a
committee's day off, "N ngày làm việc"; in Vietnamese and English."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.workcalendar import is_public_holiday
from tests.chat import CHAIR, GROUP, SECRETARY, running, set_up_committee
from tests.test_chat_flows import labels, now_text, prompt_of, start

MONDAY = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)  # Thứ Hai, 28/12/2026 09:00 in Hà Nội


async def quick_buttons(conv, user, command: str, skip: str, title: str) -> list[str]:
    card = await start(conv, command, user)
    await conv.press_button(GROUP, user, "Nguyễn An", card)
    await conv.press_button(GROUP, user, skip, card)
    await conv.send(GROUP, user, title, reply_to=prompt_of(conv).result)
    return [label for row in labels(conv, card) for label in row][:4], card


async def test_quick_deadlines_move_off_a_holiday_friday_and_a_day_off(tmp_path, clock):
    assert MONDAY.date().weekday() == 0 and datetime(2027, 1, 1).weekday() == 4
    assert is_public_holiday(datetime(2027, 1, 1).date())  # the library's calendar
    clock.set(MONDAY)
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/holiday add 08/01/2027 Nghỉ của Ban")
        quick, card = await quick_buttons(
            conv, SECRETARY, "/giaoviec", "Không có đơn vị phối hợp", "Báo cáo năm"
        )
        assert quick == [
            "Thứ Sáu này (31/12)",  # Friday 01/01/2027 is a public holiday
            "Thứ Sáu tuần sau (07/01)",  # Friday 08/01/2027 is the committee's day off
            "Cuối tháng (31/12)",
            "+5 ngày làm việc (05/01)",
        ]
        await conv.press_button(GROUP, SECRETARY, "Thứ Sáu này", card)
        assert "• Thời hạn: Thứ Năm, 31/12/2026 23:59" in now_text(conv, card)
        # typed working days skip the committee's day off too (and the holiday)
        await conv.send(GROUP, SECRETARY, "/holiday add 30/12/2026 Nghỉ của Ban")
        card = await conv.ask(
            GROUP, SECRETARY, "/assign @so_taichinh Báo cáo quý hạn 3 ngày làm việc"
        )
        assert "📅 Hạn: Thứ Hai, 04/01/2027 23:59" in card


async def test_quick_deadlines_in_english(tmp_path, clock):
    clock.set(MONDAY)
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/settings language en")
        await conv.send(GROUP, CHAIR, "/lang en")
        await conv.send(GROUP, CHAIR, "/holiday add 08/01/2027")
        quick, card = await quick_buttons(conv, CHAIR, "/assign", "No cooperating agency", "Report")
        assert quick[:2] == ["This Friday (31/12)", "Friday next week (07/01)"]
        card = await conv.ask(GROUP, CHAIR, "/assign @so_taichinh Report due 8 working days")
        assert "📅 Due: Monday, 11/01/2027 23:59" in card
