"""Transcripts: task lists and their order, /mytasks, documents, literal text, every refusal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.roster import Person
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    OTHER_GROUP,
    OUTSIDER,
    SECRETARY,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import private_chat

AN = "Nguyễn An (Sở Tài chính)"
BINH = "Trần Bình (Sở Kế hoạch và Đầu tư)"


async def state(conv) -> list[tuple]:
    """Everything a refusal must leave untouched: items, tasks, assignees, notes, requests."""
    db = services(conv).db
    rows = []
    for table in ("items", "tasks", "task_assignees", "task_notes", "extension_requests"):
        rows.append([tuple(r) for r in await db.fetchall(f"SELECT * FROM {table}")])
    rows.append(
        await db.fetchval("SELECT next_number FROM committees WHERE chat_id = ?", (GROUP.id,))
    )
    return rows


async def test_lists_overdue_first_then_by_deadline_with_marks(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for text in (
            "/assign @so_taichinh Tổng kết năm due 31/12",
            "/assign @so_tttt @so_taichinh Số liệu quý IV due 05/12",
            "/assign @so_tttt Kế hoạch vốn due 03/12 17:00",
            "/assign @so_taichinh Rà soát thủ tục hạn 02/12",
            "/assign @pho_ban Hạ tầng số due 20/12",
        ):
            await conv.send(GROUP, SECRETARY, text)
        await conv.send(GROUP, DEPUTY, "/done 5")
        clock.set(datetime(2026, 12, 4, 2, 0, tzinfo=UTC))  # Fri 04/12 09:00
        listing = await conv.ask(GROUP, MEMBER_A, "/nhiemvu")
        assert listing == "\n".join(
            [
                "📋 <b>Nhiệm vụ đang mở</b> (4)",
                "🔴 <b>#4</b> Rà soát thủ tục",
                f"      {AN} · hạn 02/12 23:59 · Chưa bắt đầu 0% · quá hạn 1 ngày 9 giờ",
                "🔴 <b>#3</b> Kế hoạch vốn",
                f"      {BINH} · hạn 03/12 17:00 · Chưa bắt đầu 0% · quá hạn 16 giờ",
                "🟢 <b>#2</b> Số liệu quý IV",
                f"      {BINH} · hạn 05/12 23:59 · Chưa bắt đầu 0%",
                "🟢 <b>#1</b> Tổng kết năm",
                f"      {AN} · hạn 31/12 23:59 · Chưa bắt đầu 0%",
                "",
                vi("task.list.legend"),
            ]
        )
        mine = await conv.ask(GROUP, MEMBER_A, "/tasks cuatoi")
        assert mine.startswith(vi("task.list.mine", name="Nguyễn An", count=3))
        assert [line.split()[1] for line in mine.split("\n") if "<b>#" in line] == [
            "<b>#4</b>",
            "<b>#2</b>",
            "<b>#1</b>",
        ]
        overdue = await conv.ask(GROUP, MEMBER_A, "/tasks quá hạn")
        assert overdue.startswith(vi("task.list.overdue", count=2)) and "#2" not in overdue
        of_binh = await conv.ask(GROUP, MEMBER_A, "/tasks @so_tttt")
        assert of_binh.startswith(vi("task.list.mine", name="Trần Bình", count=2))
        done = await conv.ask(GROUP, MEMBER_A, "/tasks xong")
        assert done.split("\n")[1:3] == [
            "✅ <b>#5</b> Hạ tầng số",
            "      Hoàng Nam (Sở Thông tin và Truyền thông) · hạn 20/12 23:59 · 01/12 09:00",
        ]
        assert await conv.ask(GROUP, MEMBER_A, "/tasks soon") == vi("task.list.usage")
        assert await conv.ask(GROUP, MEMBER_A, "/tasks @nguoi_la") == vi(
            "roster.not_a_member", name="@nguoi_la"
        )
        in_group = await conv.ask(GROUP, MEMBER_B, "/viectoi")
        assert in_group.startswith(vi("task.list.mine", name="Trần Bình", count=2))
        assert await conv.ask(GROUP, OUTSIDER, "/mytasks") == vi("common.not_member")


async def test_mytasks_in_private_spans_committees(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        fake.set_chat_member(OTHER_GROUP.id, CHAIR, "creator")
        await conv.send(OTHER_GROUP, CHAIR, "/setup Ban An toàn thông tin")
        await conv.send(OTHER_GROUP, MEMBER_A, "/join Sở Tài chính")
        await conv.send(OTHER_GROUP, CHAIR, "/assign @so_taichinh Diễn tập ứng cứu due 10/12")
        await conv.send(GROUP, SECRETARY, "/assign @so_tttt @so_taichinh Số liệu due 05/12")
        chat = private_chat(MEMBER_A)
        await conv.send(chat, MEMBER_A, "/start")
        assert await conv.ask(chat, MEMBER_A, "/mytasks") == "\n".join(
            [
                vi("task.list.private"),
                "",
                "<b>Ban An toàn thông tin</b> (1)",
                "🟢 <b>#1</b> Diễn tập ứng cứu",
                f"      {AN} · hạn 10/12 23:59 · Chưa bắt đầu 0%",
                "",
                "<b>Ban Chỉ đạo Chuyển đổi số</b> (1)",
                "🟢 <b>#1</b> Số liệu",
                f"      {BINH} · hạn 05/12 23:59 · Chưa bắt đầu 0%",
                "",
                vi("task.list.legend"),
            ]
        )
        outsider = private_chat(OUTSIDER)
        await conv.send(outsider, OUTSIDER, "/start")
        assert await conv.ask(outsider, OUTSIDER, "/mytasks") == vi("task.list.private_empty")


async def test_replying_to_a_document_attaches_it(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        doc = fake.inject_message(
            GROUP,
            CHAIR,
            "Dự thảo kế hoạch",
            document={"file_name": "ke_hoach_2027.docx", "content": b"PK"},
        )
        await conv.deliver(doc)
        card = await conv.ask(
            GROUP,
            SECRETARY,
            "/assign @so_taichinh Góp ý kế hoạch due 10/12",
            reply_to=doc["message"],
        )
        assert "\n📎 Tài liệu: ke_hoach_2027.docx" in card
        item = await services(conv).items.by_number(1, 1)
        assert item.document_file_id == doc["message"]["document"]["file_id"]
        linked = await conv.ask(
            GROUP, SECRETARY, "/assign @so_tttt Xem https://vb.gov.vn/a?b=1&c=2 due 10/12"
        )
        assert "📎 Tài liệu: https://vb.gov.vn/a?b=1&amp;c=2" in linked


async def test_user_text_is_shown_literally(tmp_path, clock):
    evil = "<b>x</b> & <script>"
    shown = "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;"
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await conv.ask(GROUP, SECRETARY, f"/assign @so_taichinh {evil} due 31/12\n{evil}")
        assert card.startswith(f"📌 <b>Nhiệm vụ #1</b>: {shown}\n") and f"📝 {shown}" in card
        await conv.send(GROUP, MEMBER_A, f"/progress 1 10 {evil}")
        assert f"<b>#1</b> {shown}\n" in await conv.ask(GROUP, MEMBER_A, "/tasks")
        assert f"cập nhật tiến độ 10% — “{shown}”" in await conv.ask(GROUP, MEMBER_A, "/show 1")
        request = await conv.ask(GROUP, MEMBER_A, f"/extend 1 05/01/2027 {evil}")
        assert f"Lý do: {shown}\n" in request


async def test_long_lists_are_split_under_the_limit(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        tasks, committee = services(conv).tasks, await services(conv).committees.by_chat(GROUP.id)
        secretary = await services(conv).members.by_user(committee.id, SECRETARY.id)
        for n in range(30):
            title = f"Nhiệm vụ số {n:02} " + "rất dài " * 35
            await tasks.create(
                committee, secretary, [Person(username="so_tttt")], f"{title} due +{n + 1}d"
            )
        await conv.send(GROUP, SECRETARY, "/tasks")
        texts = conv.new_texts(GROUP.id)
        assert len(texts) >= 3 and all(len(t) <= 4096 for t in texts)
        assert "".join(texts).count("🟢 <b>#") == 30


S, A, B, D, X = SECRETARY, MEMBER_A, MEMBER_B, DEPUTY, OUTSIDER
MANAGERS = "Trưởng ban, Phó Trưởng ban Thường trực, Phó Trưởng ban, Thư ký"
LONG_TITLE, LONG_NOTE = "x" * 301, "n" * 2001
BAD_INPUT = [
    (S, "/assign @so_taichinh @nguoi_la Việc due 31/12", "roster.not_a_member",
     {"name": "@nguoi_la"}),
    (S, "/assign @so_taichinh due 31/12", "assign.no_title", {}),
    (S, "/assign Việc không người due 31/12", "assign.usage", {}),
    (S, "/assign @so_taichinh Việc không hạn", "assign.no_deadline", {}),
    (S, "/assign @so_taichinh Việc due 32/13", "date.impossible", {"text": "32/13"}),
    (S, "/assign @so_taichinh Việc due 31/02", "date.impossible", {"text": "31/02"}),
    (S, "/assign @so_taichinh Việc due 30/11/2026", "date.past",
     {"text": "30/11/2026", "when": "30/11/2026"}),
    (S, "/assign @so_taichinh Việc hạn mai kia", "date.unread", {"text": "mai kia", "part": "kia"}),
    (S, f"/assign @so_taichinh {LONG_TITLE} due 31/12", "task.title_too_long",
     {"limit": 300, "length": 301}),
    (A, "/assign @so_tttt Việc due 31/12", "common.forbidden",
     {"command": "assign", "roles": MANAGERS}),
    (A, "/progress 9 50", "item.not_found", {"number": 9}),
    (A, "/progress 1 150", "progress.bad_percent", {"value": "150"}),
    (A, "/progress 1 -5", "progress.usage", {}),
    (A, "/progress 1", "progress.usage", {}),
    (A, "/progress một 50", "progress.usage", {}),
    (A, f"/progress 1 50 {LONG_NOTE}", "task.note_too_long", {"limit": 2000, "length": 2001}),
    (D, "/progress 1 50", "task.not_assignee", {"number": 1}),
    (B, "/done 1", "done.forbidden", {"number": 1}),
    (A, "/done 2", "task.wrong_kind", {"number": 2}),
    (A, "/extend 1", "extend.usage", {}),
    (A, "/extend 1 hôm qua vì bận", "date.invalid", {"text": "hôm qua vì bận"}),
    (A, "/extend 1 30/11/2026 vì bận", "date.past", {"text": "30/11/2026", "when": "30/11/2026"}),
    (A, "/extend 1 15/01/2027", "extend.no_reason", {"number": 1}),
    (A, "/extend 1 20/12 sớm hơn", "extend.not_later", {"number": 1}),
    (S, "/approve 1", "extension.none_pending", {"number": 1}),
    (S, "/reassign 1 @nguoi_la", "roster.not_a_member", {"name": "@nguoi_la"}),
    (S, "/reassign 1 @so_taichinh", "reassign.same", {"number": 1, "name": "Nguyễn An"}),
    (S, "/reassign 1", "reassign.usage", {}),
    (S, "/reopen 1", "reopen.not_closed", {"number": 1}),
    (S, "/cancel", "cancel.usage", {}),
    (X, "/tasks", "common.not_member", {}),
]  # fmt: skip


@pytest.mark.parametrize(("user", "text", "key", "params"), BAD_INPUT)
async def test_bad_input_is_refused_and_changes_nothing(tmp_path, clock, user, text, key, params):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo due 31/12")
        async with services(conv).db.transaction():  # item #2 is not a task
            number = await services(conv).committees.take_number(1)
            await services(conv).items.insert(
                committee_id=1,
                number=number,
                kind="vote",
                title="Biểu quyết",
                status="open",
                deadline=None,
                created_by=SECRETARY.id,
                now=clock.now(),
            )
        before = await state(conv)
        assert await conv.ask(GROUP, user, text) == vi(key, **params)
        assert conv.new_edits() == []
        assert await state(conv) == before
