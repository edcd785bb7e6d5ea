"""Transcripts of collections (issue 16): a quarterly report across five members — on time, late,
a replaced file, one never sent — its reminders on the injected clock, the close with the .zip
and the .xlsx register opened and checked, and the next quarter's occurrence created once, also
across a restart at the moment of rollover."""

from __future__ import annotations

import io
import zipfile
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.i18n import Html
from bot.wiring.app import build_application
from handlers.cards import card_editor
from handlers.jobs import sweeper_of
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    SECRETARY,
    bot_settings,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import FakeBotAPI, User, private_chat, running_bot

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MEMBER_C = User(106, "Phạm Cường", username="so_noivu")
AGENCY = {
    CHAIR.id: "UBND tỉnh",
    DEPUTY.id: "Sở Thông tin và Truyền thông",
    MEMBER_A.id: "Sở Tài chính",
    MEMBER_B.id: "Sở Kế hoạch và Đầu tư",
    MEMBER_C.id: "Sở Nội vụ",
}


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


def link(user) -> str:
    name = " ".join(filter(None, (user.first_name, user.last_name)))
    return f'<a href="tg://user?id={user.id}">{name}</a>'


def doc(name: str, content: bytes) -> dict:
    return {"file_name": name, "mime_type": "application/pdf", "content": content}


async def sweep_at(conv, fake, clock, when) -> list[str]:
    """Move the clock, run the sweep as the job does, return the new texts in the group."""
    clock.set(when)
    mark = len(fake.calls)
    await sweeper_of(conv.app).sweep()
    await card_editor(conv.app).flush()
    fresh = {id(c) for c in fake.calls[mark:]}
    return [c.text for c in fake.sent(GROUP.id) if id(c) in fresh]


def reminders(texts: list[str]) -> list[str]:
    """The collection reminders among what a sweep posted (the weekly digest aside)."""
    return [t for t in texts if t.startswith("📥 <b>Nhắc nộp báo cáo #1</b>")]


async def committee_of_five(conv, fake) -> None:
    await set_up_committee(conv, fake)
    await conv.send(GROUP, MEMBER_C, "/join Sở Nội vụ")
    for user in (CHAIR, MEMBER_B):  # they opened a private chat with the bot
        await conv.send(private_chat(user), user, "/start")


async def current_card(conv, card_call) -> str:
    await card_editor(conv.app).flush()
    message = conv.fake.message(GROUP.id, card_call.result["message_id"])
    return message["text"]


@asynccontextmanager
async def bot_on(fake, tmp_path, clock):
    """The bot on the database in `tmp_path` (a second one is a restart on the same data)."""
    app = build_application(bot_settings(fake, tmp_path / "bot.db"), clock, throttle=False)
    async with running_bot(app, fake) as conv:
        yield conv


async def test_a_quarterly_collection_from_open_to_the_next_quarter(tmp_path, clock):
    async with FakeBotAPI() as fake:
        await quarter_then_restart(fake, tmp_path, clock)


async def quarter_then_restart(fake, tmp_path, clock):
    async with bot_on(fake, tmp_path, clock) as conv:
        await committee_of_five(conv, fake)
        card_call = await conv.ask_raw(
            GROUP, SECRETARY, "/collect Báo cáo chuyển đổi số quý IV hạn 15/12 hằng quý"
        )
        assert "<b>Báo cáo #1</b>" in card_call.text
        assert "Đã nộp: 0/5" in card_call.text
        assert "Thứ Ba, 15/12/2026 23:59" in card_call.text
        assert "hằng quý" in card_call.text
        assert conv.keyboard(card_call)[0][0][0] == "📤 Nộp báo cáo"

        # A: the button's prompt, answered with a file — on time.
        await conv.press_button(GROUP, MEMBER_A, "Nộp báo cáo", card_call.result)
        prompt = conv.new_sent(GROUP.id)[0]
        assert prompt.params["reply_markup"]["force_reply"] is True
        assert link(MEMBER_A) in prompt.text
        reply = await conv.ask(
            GROUP, MEMBER_A, None, reply_to=prompt, document=doc("bc-tc.pdf", b"A" * 1000)
        )
        assert "đúng hạn" in reply and "Đã nộp 1/5" in reply
        assert "Đã nộp: 1/5" in await current_card(conv, card_call)

        # A text-only answer to a prompt is refused with what to do.
        await conv.press_button(GROUP, DEPUTY, "Nộp báo cáo", card_call.result)
        deputy_prompt = conv.new_sent(GROUP.id)[0]
        refused = await conv.ask(GROUP, DEPUTY, "em gửi sau ạ", reply_to=deputy_prompt)
        assert refused == vi("collect.need_file", number=1)

        # B: privately with the caption #1, then a replacement.
        me_b = private_chat(MEMBER_B)
        first = await conv.ask(me_b, MEMBER_B, "#1", document=doc("kh-v1.docx", b"B1"))
        assert "đúng hạn" in first
        second = await conv.ask(me_b, MEMBER_B, "#1 bản sửa", document=doc("kh-v2.docx", b"B2"))
        assert vi("collect.recorded_replaced") in second

        # The chair: a private file without a caption; the bot asks which collection.
        me_chair = private_chat(CHAIR)
        question = await conv.ask_raw(me_chair, CHAIR, None, document=doc("ubnd.pdf", b"C" * 5))
        assert "ubnd.pdf" in question.text
        await conv.press_button(me_chair, CHAIR, "#1", question.result)
        assert "đúng hạn" in conv.new_texts(me_chair.id)[0]
        assert "Đã nộp: 3/5" in await current_card(conv, card_call)

        pending = await conv.ask(GROUP, MEMBER_A, "/pending 1")
        assert pending.startswith("⏳ Chưa nộp báo cáo #1 (2/5)")
        assert link(DEPUTY) in pending and link(MEMBER_C) in pending

        # Reminders: the committee's offsets (3d, 1d → Monday 14/12; 0d → 15/12), then every
        # working morning after the deadline, naming only those who have not sent.
        assert await sweep_at(conv, fake, clock, local(2026, 12, 14, 7, 59)) == []
        monday = reminders(await sweep_at(conv, fake, clock, local(2026, 12, 14, 8)))
        assert len(monday) == 1
        assert link(DEPUTY) in monday[0] and link(MEMBER_C) in monday[0]
        assert link(MEMBER_A) not in monday[0]
        assert len(reminders(await sweep_at(conv, fake, clock, local(2026, 12, 15, 8)))) == 1

        # The deputy sends late, on the morning after the deadline.
        overdue = reminders(await sweep_at(conv, fake, clock, local(2026, 12, 16, 8)))
        assert len(overdue) == 1 and link(DEPUTY) in overdue[0]
        clock.set(local(2026, 12, 16, 10))
        late = await conv.ask(
            GROUP, DEPUTY, None, reply_to=deputy_prompt, document=doc("tttt.pdf", b"D" * 300)
        )
        assert "nộp muộn" in late
        thursday = reminders(await sweep_at(conv, fake, clock, local(2026, 12, 17, 8)))
        assert len(thursday) == 1 and link(DEPUTY) not in thursday[0]
        assert link(MEMBER_C) in thursday[0]
        assert await sweep_at(conv, fake, clock, local(2026, 12, 19, 8)) == []  # Saturday

        # The close: five working days after the deadline (Tuesday 22/12 23:59); quiet hours
        # hold it to Wednesday 07:00.
        texts = await sweep_at(conv, fake, clock, local(2026, 12, 23, 7))
        result = next(t for t in texts if t.startswith("📋"))
        assert "đúng hạn: 3, muộn: 1, chưa nộp: 1" in result
        assert "Phạm Cường (Sở Nội vụ)" in result.split("Chưa nộp")[1]
        closed_card = await current_card(conv, card_call)
        assert "Đã đóng lúc" in closed_card
        assert conv.keyboard(card_call.result) == []

        documents = [c for c in fake.sent(GROUP.id) if c.method == "sendDocument"]
        assert [c.result["document"]["file_name"] for c in documents] == [
            "bao-cao-1.zip",
            "so-theo-doi-bao-cao-1.xlsx",
        ]
        archive = zipfile.ZipFile(
            io.BytesIO(fake.files[documents[0].result["document"]["file_id"]].data)
        )
        assert {name: archive.read(name) for name in archive.namelist()} == {
            "UBND tỉnh - ubnd.pdf": b"C" * 5,
            "Sở Thông tin và Truyền thông - tttt.pdf": b"D" * 300,
            "Sở Tài chính - bc-tc.pdf": b"A" * 1000,
            "Sở Kế hoạch và Đầu tư - kh-v2.docx": b"B2",
        }
        book = load_workbook(
            io.BytesIO(fake.files[documents[1].result["document"]["file_id"]].data)
        )
        rows = [r for r in book.active.iter_rows(min_row=5, values_only=True) if r[0]]
        by_agency = {r[1]: r for r in rows if isinstance(r[0], int)}
        assert by_agency["Sở Nội vụ"][3] == "Chưa nộp"
        assert by_agency["Sở Thông tin và Truyền thông"][3] == "Muộn"
        assert by_agency["Sở Kế hoạch và Đầu tư"][4:6] == ("kh-v2.docx", 2)
        assert by_agency["Sở Kế hoạch và Đầu tư"][7] == 2  # two files sent, the last counts

        # The next quarter: #2, due 15/03/2027, its own card.
        next_card = next(t for t in texts if t.startswith("📥"))
        assert "<b>Báo cáo #2</b>" in next_card and "15/03/2027 23:59" in next_card
        assert "Đã nộp: 0/5" in next_card

    # A restart at the same moment creates nothing twice.
    async with bot_on(fake, tmp_path, clock) as conv:
        assert await sweep_at(conv, fake, clock, local(2026, 12, 23, 7, 1)) == []
        committee = await services(conv).committees.by_chat(GROUP.id)
        numbers = [
            i.number for i in await services(conv).items.open_of_kind(committee.id, "collection")
        ]
        assert numbers == [2]
        lines = await services(conv).series.running(committee)
        assert [line.latest.number for line in lines] == [2]
        listing = await conv.ask(GROUP, MEMBER_A, "/recurring")
        assert "#2" in listing and "hằng quý" in listing


__all__ = ["AGENCY", "Html"]
