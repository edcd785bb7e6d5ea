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

from bot.documents import collection_files
from bot.wiring.app import build_application
from handlers import collection_compile
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
    """The collection reminder blocks among what a sweep posted: a message of its own, or a
    block of the moment's batched post (the Monday digest's last section)."""
    needle = "📥 <b>Nhắc nộp báo cáo #1</b>"
    return [t[t.index(needle) :].split("\n\n")[0] for t in texts if needle in t]


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

        # The digest: periodic reports per agency; a missing one turns the light red.
        digest = await conv.ask(GROUP, MEMBER_A, "/digest")
        assert (
            "🔴 Sở Nội vụ: 0 đúng hạn, 0 trễ hoặc quá hạn, 0 đang trong hạn"
            + vi("periodic.agency", on_time=0, late=0, missing=1)
            in digest
        )
        assert "🟢 Sở Tài chính: 0 đúng hạn" in digest

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

        # The review report counts them too, by agency.
        report = await conv.ask(GROUP, SECRETARY, "/report Q4 2026")
        assert vi("periodic.agency", on_time=0, late=1, missing=0) in report
        assert "Sở Nội vụ" in report and "🔴" in report

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


def group_documents(fake) -> list[tuple[str, bytes]]:
    sent = [c for c in fake.sent(GROUP.id) if c.method == "sendDocument"]
    return [
        (c.result["document"]["file_name"], fake.files[c.result["document"]["file_id"]].data)
        for c in sent
    ]


async def test_an_early_close_asks_first_and_big_files_are_listed_not_lost(
    tmp_path, clock, monkeypatch
):
    monkeypatch.setattr(collection_files, "PART_LIMIT", 2500)  # to see the archive split
    async with FakeBotAPI() as fake, bot_on(fake, tmp_path, clock) as conv:
        await committee_of_five(conv, fake)
        await conv.send(GROUP, SECRETARY, "/collect Báo cáo nhanh hạn 20/12")
        me = {u.id: private_chat(u) for u in (CHAIR, MEMBER_A, MEMBER_B, MEMBER_C)}
        for user in (MEMBER_A, MEMBER_B, MEMBER_C):
            await conv.send(me[user.id], user, "/start")
            name = f"{user.username}.pdf"
            await conv.send(me[user.id], user, "#1", document=doc(name, bytes([user.id]) * 1200))
        big = {"file_name": "video.mp4", "mime_type": "video/mp4", "file_size": 25 * 1024 * 1024}
        reply = await conv.ask(me[CHAIR.id], CHAIR, "#1", document=big)
        assert "25.0 MB" in reply

        # Before the deadline /close asks; "Để mở" keeps it open.
        question = await conv.ask_raw(GROUP, SECRETARY, "/close 1")
        assert question.text.startswith("⚠️ <b>Đóng đợt thu báo cáo #1 trước hạn?</b>")
        assert "Còn 1/5 đồng chí chưa nộp" in question.text
        await conv.press_button(GROUP, MEMBER_A, "Đóng ngay", question.result)
        assert conv.last_answer() == vi("common.forbidden_button", roles="Trưởng ban, Thư ký")
        await conv.press_button(GROUP, SECRETARY, "Để mở", question.result)
        assert "#1 vẫn mở" in fake.message(GROUP.id, question.result["message_id"])["text"]
        assert (await services(conv).items.get(1)).status == "open"

        question = await conv.ask_raw(GROUP, SECRETARY, "/close 1")
        await conv.press_button(GROUP, SECRETARY, "Đóng ngay", question.result)
        await card_editor(conv.app).flush()
        texts = conv.new_texts(GROUP.id)
        assert texts[0].startswith("📋 <b>Kết quả thu báo cáo #1</b>")
        assert "đúng hạn: 4, muộn: 0, chưa nộp: 1" in texts[0]
        left_out = next(t for t in texts if t.startswith("⚠️"))
        assert "video.mp4" in left_out and "quá 20 MB" in left_out
        files = group_documents(fake)
        assert [name for name, _ in files] == [
            "bao-cao-1-phan-1-2.zip",
            "bao-cao-1-phan-2-2.zip",
            "so-theo-doi-bao-cao-1.xlsx",
        ]
        packed = {}
        for _, data in files[:2]:
            archive = zipfile.ZipFile(io.BytesIO(data))
            packed |= {name: archive.read(name) for name in archive.namelist()}
        assert packed == {
            f"{AGENCY[u.id]} - {u.username}.pdf": bytes([u.id]) * 1200
            for u in (MEMBER_A, MEMBER_B, MEMBER_C)
        }
        book = load_workbook(io.BytesIO(files[2][1]))
        where = {r[1]: r[8] for r in book.active.iter_rows(min_row=5, values_only=True) if r[1]}
        assert where["UBND tỉnh"] == vi("collect.left_out.too_big")
        assert where["Sở Tài chính"] == "bao-cao-1-phan-1-2.zip"

        # Closed: nothing more is taken, /pending says so, /close again is refused.
        again = await conv.ask(me[MEMBER_A.id], MEMBER_A, "#1", document=doc("x.pdf", b"x"))
        assert again == vi("collect.private_not_found", number=1)
        assert await conv.ask(GROUP, MEMBER_A, "/pending 1") == vi(
            "collect.pending_closed", number=1
        )
        assert await conv.ask(GROUP, SECRETARY, "/close 1") == vi(
            "collect.already_closed", number=1
        )


async def test_only_the_named_are_asked_and_a_text_is_not_a_report(tmp_path, clock):
    async with FakeBotAPI() as fake, bot_on(fake, tmp_path, clock) as conv:
        await committee_of_five(conv, fake)
        card_call = await conv.ask_raw(
            GROUP, SECRETARY, "/thubaocao Báo cáo riêng hạn 20/12 @so_taichinh @so_tttt"
        )
        assert "Đã nộp: 0/2" in card_call.text
        await conv.press_button(GROUP, MEMBER_C, "Nộp báo cáo", card_call.result)
        assert conv.last_answer() == vi("collect.not_asked", number=1)
        await conv.press_button(GROUP, MEMBER_A, "Nộp báo cáo", card_call.result)
        prompt = conv.new_sent(GROUP.id)[0]
        # Someone else's file on A's prompt is not A's report.
        other = await conv.ask(GROUP, MEMBER_B, None, reply_to=prompt, document=doc("b.pdf", b"b"))
        assert other.startswith("Lời mời này dành cho")
        assert "Đã nộp: 0/2" in await current_card(conv, card_call)
        # The deep link in the prompt: the next private file is for #1.
        me_a = private_chat(MEMBER_A)
        committee = await services(conv).committees.by_chat(GROUP.id)
        item = await services(conv).items.by_number(committee.id, 1)
        said = await conv.ask(me_a, MEMBER_A, f"/start bc_{item.id}")
        assert said == vi("collect.prompt_private", number=1, title="Báo cáo riêng")
        refused = await conv.ask(me_a, MEMBER_A, "gửi sau")
        assert refused == vi("collect.need_file", number=1)
        done = await conv.ask(me_a, MEMBER_A, None, document=doc("tc.xlsx", b"tc"))
        assert done.startswith("✅ Đã nhận báo cáo #1")
        assert "Đã nộp: 1/2" in await current_card(conv, card_call)
        # Bad input changes nothing and says the right form.
        assert await conv.ask(GROUP, SECRETARY, "/collect Thiếu hạn") == vi("collect.usage")
        stranger = await conv.ask(GROUP, SECRETARY, "/collect X hạn 20/12 @nguoi_la")
        assert stranger == vi("roster.not_a_member", name="@nguoi_la")
        assert (await services(conv).items.get(2)) is None


async def test_a_crash_before_compiling_is_caught_up_once_after_the_restart(tmp_path, clock):
    async with FakeBotAPI() as fake:
        async with bot_on(fake, tmp_path, clock) as conv:
            await committee_of_five(conv, fake)
            await conv.send(GROUP, SECRETARY, "/collect Báo cáo tháng hạn 10/12 hằng tháng")
            await conv.send(private_chat(MEMBER_B), MEMBER_B, "#1", document=doc("b.pdf", b"B"))
            fake.fail_next("getFile", 502, times=5)  # Telegram is down at the close
            texts = await sweep_at(conv, fake, clock, local(2026, 12, 18, 8))
            assert any(t.startswith("📋") for t in texts)  # the result, with the close
            assert any("<b>Báo cáo #2</b>" in t for t in texts)  # next month's, with it too
            assert group_documents(fake) == []  # not compiled: nothing skipped silently
        fake.clear_faults()
        async with bot_on(fake, tmp_path, clock) as conv:  # the start-up catch-up compiles it
            await fake.wait_for(lambda: len(group_documents(fake)) == 2)
            await sweep_at(conv, fake, clock, local(2026, 12, 18, 9))
        async with bot_on(fake, tmp_path, clock) as conv:
            await sweep_at(conv, fake, clock, local(2026, 12, 18, 10))
            committee = await services(conv).committees.by_chat(GROUP.id)
            items = await services(conv).items.open_of_kind(committee.id, "collection")
            assert [(i.number, i.deadline) for i in items] == [(2, local(2027, 1, 11, 23, 59))]
        [name_zip, name_xlsx] = [name for name, _ in group_documents(fake)]
        assert (name_zip, name_xlsx) == ("bao-cao-1.zip", "so-theo-doi-bao-cao-1.xlsx")


async def test_collect_without_arguments_is_the_guided_flow_and_history_reads(tmp_path, clock):
    async with FakeBotAPI() as fake, bot_on(fake, tmp_path, clock) as conv:
        await committee_of_five(conv, fake)
        await conv.send(GROUP, SECRETARY, "/thubaocao")
        flow_card = next(c for c in conv.new_sent(GROUP.id) if "inline_keyboard" in str(c.params))
        assert "Thu báo cáo" in flow_card.text
        prompt = next(c for c in conv.new_sent(GROUP.id) if "force_reply" in str(c.params))
        await conv.send(GROUP, SECRETARY, "Báo cáo tháng 12", reply_to=prompt.result)
        await conv.press_button(GROUP, SECRETARY, "+5 ngày làm việc", flow_card)
        await conv.press_button(GROUP, SECRETARY, "Tạo", flow_card)
        card = next(t for t in conv.new_texts(GROUP.id) if t.startswith("📥"))
        assert "<b>Báo cáo #1</b>: Báo cáo tháng 12" in card and "Đã nộp: 0/5" in card
        await conv.send(private_chat(MEMBER_A), MEMBER_A, "/start")
        await conv.send(private_chat(MEMBER_A), MEMBER_A, "#1", document=doc("a.pdf", b"a"))
        history = await conv.ask(GROUP, SECRETARY, "/history 1")
        assert "mở đợt thu báo cáo «Báo cáo tháng 12»" in history
        assert "nộp báo cáo: tệp «a.pdf»" in history
        help_text = await conv.ask(GROUP, SECRETARY, "/help")
        assert "/thubaocao" in help_text.split(vi("help.group.report"))[1]
        await conv.send(GROUP, SECRETARY, "/export")
        book = load_workbook(io.BytesIO(group_documents(fake)[-1][1]))
        sheet = book["Báo cáo định kỳ"]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(rows) == 5
        sent = [r for r in rows if r[7] == "a.pdf"]
        assert sent[0][:2] == (1, "Báo cáo tháng 12") and sent[0][4] == "Sở Tài chính"
        assert sent[0][6] == "Đúng hạn" and sent[0][3] == "Đang nhận báo cáo"


async def test_a_monthly_task_recurs_when_done_and_when_its_month_is_over(tmp_path, clock):
    async with FakeBotAPI() as fake:
        async with bot_on(fake, tmp_path, clock) as conv:
            await committee_of_five(conv, fake)
            card = await conv.ask(
                GROUP, SECRETARY, "/assign @so_taichinh Báo cáo tiến độ tháng hạn 31/12 hằng tháng"
            )
            assert "#1" in card and "Báo cáo tiến độ tháng" in card and "hằng tháng" not in card
            await conv.send(GROUP, MEMBER_A, "/done 1")
            following = [t for t in conv.new_texts(GROUP.id) if "#2" in t]
            assert following and "Thứ Hai, 01/02/2027 23:59" in following[0]  # 31/01 is a Sunday
            assert link(MEMBER_A) in following[0] or "Nguyễn An" in following[0]
            await conv.send(GROUP, MEMBER_A, "/done 1")  # done again: refused, nothing new
            committee = await services(conv).committees.by_chat(GROUP.id)
            assert await services(conv).items.by_number(committee.id, 3) is None
        clock.set(local(2027, 2, 2, 9))  # #2 was not done by its deadline: March's comes anyway
        async with bot_on(fake, tmp_path, clock) as conv:
            third = await services(conv).items.by_number(committee.id, 3)
            assert (third.kind, third.title) == ("task", "Báo cáo tiến độ tháng")
            assert third.deadline == local(2027, 3, 1, 23, 59)  # 28/02 is a Sunday
            await conv.send(GROUP, MEMBER_A, "/recurring")
            listing = next(t for t in conv.new_texts(GROUP.id) if t.startswith("🔁"))
            assert "#3" in listing and "hằng tháng" in listing
            stopped = await conv.ask(GROUP, SECRETARY, "/stop 3")
            assert stopped == vi("stop.done", number=3, title="Báo cáo tiến độ tháng")
            await conv.send(GROUP, MEMBER_A, "/done 3")
            assert await services(conv).items.by_number(committee.id, 4) is None
            assert await conv.ask(GROUP, MEMBER_A, "/recurring") == vi("recurring.none")


async def test_a_monthly_reminder_plans_its_next_one_once_it_has_gone_out(tmp_path, clock):
    async with FakeBotAPI() as fake:
        async with bot_on(fake, tmp_path, clock) as conv:
            await committee_of_five(conv, fake)
            done = await conv.ask(
                GROUP, SECRETARY, "/remind 15/12 09:00 Nộp số liệu giải ngân hằng tháng"
            )
            assert vi("recurring.reminder_started", every="hằng tháng") in done
            texts = await sweep_at(conv, fake, clock, local(2026, 12, 15, 9))
            assert any("Nộp số liệu giải ngân" in t for t in texts)
            await collection_compile.catch_up(conv.app)
            await collection_compile.catch_up(conv.app)  # twice: still one next reminder
            committee = await services(conv).committees.by_chat(GROUP.id)
            rows = await services(conv).reminders.scheduled(committee)
            adhoc = [(r.seq, r.due_at) for r, _ in rows if r.kind == "adhoc"]
            assert adhoc == [(2, local(2027, 1, 15, 9))]
        async with bot_on(fake, tmp_path, clock) as conv:  # a restart plans nothing again
            rows = await services(conv).reminders.scheduled(committee)
            assert [r.seq for r, _ in rows if r.kind == "adhoc"] == [2]
            await conv.send(GROUP, SECRETARY, "/recurring")
            listing = next(t for t in conv.new_texts(GROUP.id) if t.startswith("🔁"))
            assert "Nộp số liệu giải ngân" in listing and "15/01/2027 09:00" in listing
            await conv.send(GROUP, SECRETARY, "/unremind 2")
            await collection_compile.catch_up(conv.app)
            assert await conv.ask(GROUP, SECRETARY, "/recurring") == vi("recurring.none")
