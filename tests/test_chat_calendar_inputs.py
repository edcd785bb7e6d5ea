"""Transcripts: "N ngày làm việc" typed in /remind and /meeting counts on the committee's own
calendar (issue 17): a committee day off inside the range moves the date, a make-up Saturday
counts — exactly as /assign reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tests.chat import CHAIR, GROUP, SECRETARY, en, running, services, set_up_committee, vi

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


async def meeting_start(conv, number: int) -> datetime:
    item = await services(conv).items.by_number(1, number)
    return item.deadline


# The clock starts on Tuesday 01/12/2026 09:00 in Hà Nội.


async def test_remind_and_meeting_count_the_committees_days_in_vietnamese(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        # Without changes: two working days after Tuesday is Thursday.
        reply = await conv.ask(GROUP, SECRETARY, "/remind +2 ngày làm việc 09:00 Gửi số liệu")
        assert reply == vi(
            "remind.done", number=1, when="Thứ Năm, 03/12/2026 09:00", text="Gửi số liệu"
        )
        await conv.send(GROUP, SECRETARY, "/holiday add 03/12/2026 Nghỉ bù")
        # Thursday is now a day off: the same words mean Friday.
        reply = await conv.ask(GROUP, SECRETARY, "/remind +2 ngày làm việc 09:00 Gửi số liệu")
        assert reply == vi(
            "remind.done", number=2, when="Thứ Sáu, 04/12/2026 09:00", text="Gửi số liệu"
        )
        reply = await conv.ask(GROUP, SECRETARY, "/remind 3 ngày làm việc nữa Nộp báo cáo")
        assert reply == vi(
            "remind.done", number=3, when="Thứ Hai, 07/12/2026 08:00", text="Nộp báo cáo"
        )  # Wed, Fri, Mon: a day alone is reminded at 08:00
        await conv.send(GROUP, SECRETARY, "/workday add 05/12/2026 Làm bù")
        # The make-up Saturday counts as the third working day, and is a working morning.
        reply = await conv.ask(GROUP, SECRETARY, "/remind 3 ngày làm việc nữa Nộp báo cáo")
        assert reply == vi(
            "remind.done", number=4, when="Thứ Bảy, 05/12/2026 08:00", text="Nộp báo cáo"
        )

        call = await conv.ask_raw(GROUP, SECRETARY, "/meeting Họp giao ban +2 ngày làm việc 14:00")
        assert "🕑 Thời gian: Thứ Sáu, 04/12/2026 14:00" in call.text
        assert await meeting_start(conv, 1) == local(2026, 12, 4, 14)
        call = await conv.ask_raw(
            GROUP, SECRETARY, "/meeting Họp bàn kế hoạch 3 ngày làm việc nữa lúc 14:00"
        )
        assert "🕑 Thời gian: Thứ Bảy, 05/12/2026 14:00" in call.text
        assert await meeting_start(conv, 2) == local(2026, 12, 5, 14)
        # /reschedule reads the same way.
        await conv.send(GROUP, SECRETARY, "/reschedule 1 4 ngày làm việc nữa 09:00")
        assert await meeting_start(conv, 1) == local(2026, 12, 7, 9)

        # Bad input: a clear reply, nothing saved.
        assert await conv.ask(GROUP, SECRETARY, "/remind 3 ngày làm việc nữa") == vi("remind.usage")
        assert await conv.ask(GROUP, SECRETARY, "/meeting Họp 2 ngày làm việc nữa") == vi(
            "meeting.no_time", text="2 ngày làm việc nữa"
        )
        rows = await services(conv).reminders.scheduled(await services(conv).committees.get(1))
        assert sorted(r.seq for r, _ in rows if r.kind == "adhoc") == [1, 2, 3, 4]
        assert (await services(conv).items.by_number(1, 3)) is None


async def test_remind_and_meeting_count_the_committees_days_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/settings language en")
        await conv.send(GROUP, SECRETARY, "/lang en")
        await conv.send(GROUP, CHAIR, "/lang en")
        await conv.send(GROUP, SECRETARY, "/holiday add 02/12/2026-03/12/2026 Provincial event")
        reply = await conv.ask(GROUP, CHAIR, "/remind in 2 working days 9:00 Send the figures")
        assert reply == en(
            "remind.done", number=1, when="Monday, 07/12/2026 09:00", text="Send the figures"
        )  # Wednesday and Thursday are off: Friday, then Monday
        await conv.send(GROUP, SECRETARY, "/workday add 05/12/2026")
        reply = await conv.ask(GROUP, CHAIR, "/remind in 2 working days Check the portal")
        assert reply == en(
            "remind.done", number=2, when="Saturday, 05/12/2026 08:00", text="Check the portal"
        )
        call = await conv.ask_raw(GROUP, CHAIR, "/meeting Weekly briefing in 2 working days 14:00")
        assert "🕑 Time: Saturday, 05/12/2026 14:00" in call.text
        assert await meeting_start(conv, 1) == local(2026, 12, 5, 14)
        call = await conv.ask_raw(GROUP, CHAIR, "/meeting Review +3 working days 10:00")
        assert "🕑 Time: Monday, 07/12/2026 10:00" in call.text
        assert await meeting_start(conv, 2) == local(2026, 12, 7, 10)
