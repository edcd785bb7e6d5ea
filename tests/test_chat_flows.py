"""Transcripts of the guided flows (issue 12): /assign, /consult, /vote, /poll, /remind typed
without arguments, the ➕ of /tasks; author-only buttons, ✖, expiry and a restart mid-flow."""

from __future__ import annotations

import html
import re

from bot.wiring.app import build_application
from handlers import flows as flow_handlers
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    SECRETARY,
    bot_settings,
    en,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import FakeBotAPI, running_bot

AN = '<a href="tg://user?id=104">Nguyễn An</a> (Sở Tài chính)'
BINH = '<a href="tg://user?id=105">Trần Bình</a> (Sở Kế hoạch và Đầu tư)'
TASK_CARD = (
    "📌 <b>Nhiệm vụ #1</b>: Báo cáo kinh phí chuyển đổi số\n"
    f"👤 Chủ trì: {AN}\n"
    f"👥 Phối hợp: {BINH}\n"
    "📅 Hạn: Thứ Năm, 31/12/2026 23:59\n"
    "📊 Trạng thái: Chưa bắt đầu · Tiến độ: 0%"
)


def plain(text: str) -> str:
    """A catalog message as a button notice shows it: no tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def now_text(conv, call) -> str:
    """The current text of a message the bot sent (after its edits)."""
    return conv.fake.message(GROUP.id, call.result["message_id"])["text"]


def labels(conv, call) -> list[list[str]]:
    return [[label for label, _ in row] for row in conv.keyboard(call)]


def prompt_of(conv):
    """The ForceReply prompt the bot has just sent."""
    asked = [c for c in conv.new_sent(GROUP.id) if "force_reply" in str(c.params)]
    assert asked, conv.new_calls()
    return asked[-1]


async def start(conv, text: str, user=SECRETARY):
    """Type a command without arguments; return the flow's card."""
    await conv.send(GROUP, user, text)
    cards = [c for c in conv.new_sent(GROUP.id) if "inline_keyboard" in str(c.params)]
    assert cards, conv.new_calls()
    return cards[0]


async def test_assign_flow_end_to_end_creates_what_the_one_line_command_creates(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/giaoviec")
        text = now_text(conv, card)
        assert text.startswith(plain(vi("flow.title.assign")))
        assert plain(vi("flow.ask.lead")) in text
        people = [row[0] for row in labels(conv, card)[:-1]]
        assert people == [  # by agency, then name; the secretary's seat has no agency
            "Lê Thư Ký",
            "Sở Kế hoạch và Đầu tư · Trần Bình",
            "Sở Tài chính · Nguyễn An",
            "Sở Thông tin và Truyền thông · Hoàng Nam",
            "UBND tỉnh · Võ Văn Hưng",
        ]
        assert labels(conv, card)[-1] == ["✖ Hủy"]
        await conv.press_button(GROUP, SECRETARY, "Nguyễn An", card)
        assert conv.last_answer() == vi("flow.notice.ok")
        assert plain(vi("flow.ask.cooperators")) in now_text(conv, card)
        assert "Sở Tài chính · Nguyễn An" not in str(labels(conv, card))  # the lead is not offered
        await conv.press_button(GROUP, SECRETARY, "Trần Bình", card)
        assert "✅ Sở Kế hoạch và Đầu tư · Trần Bình" in str(labels(conv, card))
        await conv.press_button(GROUP, SECRETARY, "Tiếp", card)
        asked = prompt_of(conv)
        assert "Lê Thư Ký" in asked.text and asked.params["reply_markup"]
        assert "force_reply" in str(asked.params["reply_markup"])
        await conv.send(GROUP, SECRETARY, "Báo cáo kinh phí chuyển đổi số", reply_to=asked.result)
        assert plain(vi("flow.ask.deadline")) in now_text(conv, card)
        quick = [label for row in labels(conv, card) for label in row]
        assert quick[:4] == [
            "Thứ Sáu này (04/12)",
            "Thứ Sáu tuần sau (11/12)",
            "Cuối tháng (31/12)",
            "+5 ngày làm việc (08/12)",
        ]
        await conv.press_button(GROUP, SECRETARY, "Cuối tháng", card)
        summary = now_text(conv, card)
        assert plain(vi("flow.ask.confirm")) in summary
        assert "• Thời hạn: Thứ Năm, 31/12/2026 23:59" in summary
        assert "• Nội dung: Báo cáo kinh phí chuyển đổi số" in summary
        assert labels(conv, card) == [["✅ Tạo"], ["◀ Quay lại", "✖ Hủy"]]
        await conv.press_button(GROUP, SECRETARY, "Tạo", card)
        assert conv.last_answer() == vi("flow.notice.done")
        posted = [c.text for c in conv.new_sent(GROUP.id)]
        assert posted == [TASK_CARD]
        assert plain(vi("flow.ended.done")) in now_text(conv, card)
        assert conv.keyboard(card) == []
        task = await services(conv).items.by_number(1, 1)
        assert task.kind == "task" and task.title == "Báo cáo kinh phí chuyển đổi số"
        # The same task typed on one line gives the same card (#2).
        again = await conv.ask(
            GROUP,
            SECRETARY,
            "/assign @so_taichinh @so_tttt Báo cáo kinh phí chuyển đổi số hạn 31/12",
        )
        assert again == TASK_CARD.replace("#1", "#2")


async def test_assign_flow_in_english_with_back_and_a_typed_date(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/lang en")
        card = await start(conv, "/assign", CHAIR)
        assert now_text(conv, card).startswith(plain(en("flow.title.assign")))
        await conv.press_button(GROUP, CHAIR, "Nguyễn An", card)
        await conv.press_button(GROUP, CHAIR, "Back", card)
        assert plain(en("flow.ask.lead")) in now_text(conv, card)
        await conv.press_button(GROUP, CHAIR, "Trần Bình", card)
        await conv.press_button(GROUP, CHAIR, "No cooperating agency", card)
        await conv.send(GROUP, CHAIR, "Budget report", reply_to=prompt_of(conv).result)
        await conv.press_button(GROUP, CHAIR, "Type another date", card)
        asked = prompt_of(conv)
        assert plain(en("flow.prompt.date", name="x")).split(",")[1] in asked.text
        wrong = await conv.ask(GROUP, CHAIR, "someday", reply_to=asked.result)
        assert wrong == en("date.invalid", text="someday")
        await conv.send(GROUP, CHAIR, "15/12 17:00", reply_to=asked.result)
        assert "• Deadline: Tuesday, 15/12/2026 17:00" in now_text(conv, card)
        await conv.press_button(GROUP, CHAIR, "Create", card)
        task = await services(conv).items.by_number(1, 1)
        assert task.title == "Budget report"
        assert (await services(conv).tasks.view(task.id)).lead.username == "so_tttt"


async def test_only_the_author_presses_and_cancel_creates_nothing(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/assign")
        before = now_text(conv, card)
        await conv.press_button(GROUP, MEMBER_A, "Nguyễn An", card)
        assert conv.last_answer() == vi("flow.not_yours")
        await conv.press_button(GROUP, DEPUTY, "Nguyễn An", card)
        assert conv.last_answer() == vi("flow.not_yours")
        assert now_text(conv, card) == before
        await conv.press_button(GROUP, SECRETARY, "Hủy", card)
        assert conv.last_answer() == vi("flow.notice.cancelled")
        assert plain(vi("flow.ended.cancelled")) in now_text(conv, card)
        assert conv.keyboard(card) == []
        assert await services(conv).items.by_number(1, 1) is None
        # A press on the cancelled card (e.g. from a stale client) changes nothing.
        await conv.press(GROUP, SECRETARY, card, f"v1:f:1:0:p:{3}")
        assert conv.last_answer() == vi("flow.closed")


async def test_a_flow_expires_after_30_minutes_with_a_note(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/assign")
        clock.advance(minutes=29)
        await conv.press_button(GROUP, SECRETARY, "Nguyễn An", card)  # a step: 30 more minutes
        clock.advance(minutes=29)
        assert await flow_handlers.expire(conv.app) == 0
        clock.advance(minutes=2)
        assert await flow_handlers.expire(conv.app) == 1
        assert plain(vi("flow.ended.expired", command="giaoviec")) in now_text(conv, card)
        assert conv.keyboard(card) == []
        # Touched after its time but before the sweep: the press is told, the card says so.
        second = await start(conv, "/vote", CHAIR)
        clock.advance(minutes=31)
        await conv.send(GROUP, CHAIR, "Thông qua Quy chế", reply_to=prompt_of_card(conv, second))
        assert conv.new_texts(GROUP.id)[-1] == vi("flow.expired")
        assert plain(vi("flow.ended.expired", command="bieuquyet")) in now_text(conv, second)
        assert await services(conv).items.by_number(1, 1) is None


def prompt_of_card(conv, card):
    """The prompt sent with the card (right after it)."""
    calls = conv.fake.sent(GROUP.id)
    index = next(
        i for i, c in enumerate(calls) if c.result["message_id"] == card.result["message_id"]
    )
    return calls[index + 1].result


async def test_a_restart_mid_flow_goes_on_where_it_was(tmp_path, clock):
    async with FakeBotAPI() as fake:
        settings = bot_settings(fake, tmp_path / "bot.db")
        async with running_bot(build_application(settings, clock, throttle=False), fake) as conv:
            await set_up_committee(conv, fake)
            card = await start(conv, "/assign")
            await conv.press_button(GROUP, SECRETARY, "Nguyễn An", card)
        async with running_bot(build_application(settings, clock, throttle=False), fake) as conv:
            assert plain(vi("flow.ask.cooperators")) in now_text(conv, card)
            await conv.press_button(GROUP, SECRETARY, "Trần Bình", card)
            await conv.press_button(GROUP, SECRETARY, "Tiếp", card)
            asked = prompt_of(conv)
        async with running_bot(build_application(settings, clock, throttle=False), fake) as conv:
            await conv.send(
                GROUP, SECRETARY, "Báo cáo kinh phí chuyển đổi số", reply_to=asked.result
            )
            await conv.press_button(GROUP, SECRETARY, "Cuối tháng", card)
            await conv.press_button(GROUP, SECRETARY, "Tạo", card)
            assert [c.text for c in conv.new_sent(GROUP.id)] == [TASK_CARD]


async def test_the_plus_button_of_tasks_starts_the_flow_for_managers_only(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        listing = await conv.ask_raw(GROUP, DEPUTY, "/tasks")
        assert labels(conv, listing) == [["➕ Giao nhiệm vụ mới"]]
        member_list = await conv.ask_raw(GROUP, MEMBER_A, "/tasks")
        assert conv.keyboard(member_list) == []
        await conv.press_button(GROUP, MEMBER_A, "Giao nhiệm vụ", listing)
        roles = "Trưởng ban, Phó Trưởng ban Thường trực, Phó Trưởng ban, Thư ký"
        assert conv.last_answer() == vi("common.forbidden_button", roles=roles)
        await conv.press_button(GROUP, DEPUTY, "Giao nhiệm vụ", listing)
        assert conv.last_answer() == vi("flow.notice.started")
        card = next(c for c in conv.new_sent(GROUP.id) if "inline_keyboard" in str(c.params))
        assert "Hoàng Nam" in now_text(conv, card)  # addressed to the deputy who pressed
        assert plain(vi("flow.ask.lead")) in now_text(conv, card)
        await conv.send(GROUP, CHAIR, "/lang en")
        english = await conv.ask_raw(GROUP, CHAIR, "/tasks")
        assert labels(conv, english) == [["➕ Assign a new task"]]
        await conv.press_button(GROUP, CHAIR, "Assign a new task", english)
        assert conv.last_answer() == en("flow.notice.started")
        card = next(c for c in conv.new_sent(GROUP.id) if "inline_keyboard" in str(c.params))
        assert now_text(conv, card).startswith(plain(en("flow.title.assign")))


async def answer(conv, user, text):
    """Reply to the prompt the bot has just sent."""
    await conv.send(GROUP, user, text, reply_to=prompt_of(conv).result)


async def test_consult_flow_keeps_the_replied_document(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        upload = await conv.send(
            GROUP, SECRETARY, "Dự thảo", document={"file_name": "du-thao.docx", "content": b"x"}
        )
        await conv.send(GROUP, SECRETARY, "/xinykien", reply_to=upload["message"])
        card = next(c for c in conv.new_sent(GROUP.id) if "inline_keyboard" in str(c.params))
        assert "• Tài liệu: du-thao.docx" in now_text(conv, card)
        await answer(conv, SECRETARY, "Dự thảo Quy chế")
        await conv.press_button(GROUP, SECRETARY, "+5 ngày làm việc", card)
        assert "• Thời hạn: Thứ Ba, 08/12/2026 23:59" in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Tạo", card)
        one_line = await conv.ask(
            GROUP, SECRETARY, "/consult Dự thảo Quy chế hạn 08/12", reply_to=upload["message"]
        )
        created = [c for c in conv.fake.sent(GROUP.id) if "#1</b>" in (c.text or "")]
        assert created and created[0].text == one_line.replace("#2", "#1")
        item = await services(conv).items.by_number(1, 1)
        assert item.kind == "consultation" and item.document_name == "du-thao.docx"


async def test_vote_flow_in_both_languages(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/bieuquyet", CHAIR)
        assert now_text(conv, card).startswith(plain(vi("flow.title.vote")))
        await answer(conv, CHAIR, "Thông qua Quy chế")
        await conv.press_button(GROUP, CHAIR, "Thứ Sáu này", card)
        await conv.press_button(GROUP, CHAIR, "Tạo", card)
        motion = await services(conv).items.by_number(1, 1)
        assert (motion.kind, motion.title) == ("vote", "Thông qua Quy chế")
        await conv.send(GROUP, DEPUTY, "/lang en")
        card = await start(conv, "/vote", DEPUTY)
        assert now_text(conv, card).startswith(plain(en("flow.title.vote")))
        await answer(conv, DEPUTY, "Adopt the plan")
        await conv.press_button(GROUP, DEPUTY, "Friday next week", card)
        assert "• Deadline: Friday, 11/12/2026 23:59" in now_text(conv, card)
        await conv.press_button(GROUP, DEPUTY, "Create", card)
        assert plain(en("flow.ended.done")) in now_text(conv, card)
        assert (await services(conv).items.by_number(1, 2)).title == "Adopt the plan"


async def test_poll_flow_takes_one_option_a_line_and_no_deadline(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/thamdo")
        await answer(conv, SECRETARY, "Chọn địa điểm họp")
        await conv.send(GROUP, SECRETARY, "Hà Nội", reply_to=prompt_of(conv).result)
        assert conv.new_texts(GROUP.id)[-1] == vi("flow.count", low=2, high=10, n=1)
        await conv.send(GROUP, SECRETARY, "Hà Nội\nQuảng Trị", reply_to=card.result)  # the card too
        assert "• Phương án: Hà Nội; Quảng Trị" in now_text(conv, card)
        assert labels(conv, card)[:3] == [
            ["☐ Được chọn nhiều phương án"],
            ["☐ Ẩn danh"],
            ["Tiếp ➜"],
        ]
        await conv.press_button(GROUP, SECRETARY, "Ẩn danh", card)
        await conv.press_button(GROUP, SECRETARY, "nhiều phương án", card)
        await conv.press_button(GROUP, SECRETARY, "nhiều phương án", card)  # off again
        assert labels(conv, card)[1] == ["✅ Ẩn danh"]
        await conv.press_button(GROUP, SECRETARY, "Tiếp", card)
        await conv.press_button(GROUP, SECRETARY, "Không đặt hạn", card)
        assert "• Thời hạn: không đặt hạn" in now_text(conv, card)
        assert "• Cách thăm dò: Ẩn danh" in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Tạo", card)
        polls = conv.fake.calls_of("sendPoll")
        assert polls and polls[-1].params["question"] == "#1 Chọn địa điểm họp"
        options = [o["text"] if isinstance(o, dict) else o for o in polls[-1].params["options"]]
        assert options == ["Hà Nội", "Quảng Trị"]
        assert polls[-1].params["is_anonymous"] in (True, "true", "True")
        assert polls[-1].params.get("allows_multiple_answers") in (None, False, "false", "False")


async def test_remind_flow_reminds_that_morning_or_at_a_typed_time(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/nhac")
        await answer(conv, SECRETARY, "Nộp báo cáo tháng")
        assert plain(vi("flow.ask.remind_at")) in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Thứ Sáu này", card)
        assert "• Nhắc lúc: sáng Thứ Sáu, 04/12/2026" in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Tạo", card)
        assert conv.new_texts(GROUP.id)[0] == vi(
            "remind.done", number=1, when="Thứ Sáu, 04/12/2026 08:00", text="Nộp báo cáo tháng"
        )
        await conv.send(GROUP, SECRETARY, "/lang en")
        card = await start(conv, "/remind")
        await answer(conv, SECRETARY, "Call the department")
        await conv.press_button(GROUP, SECRETARY, "Type another date", card)
        await answer(conv, SECRETARY, "+2h")
        assert "• Remind at: Tuesday, 01/12/2026 11:00" in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Create", card)
        assert conv.new_texts(GROUP.id)[0] == en(
            "remind.done", number=2, when="Tuesday, 01/12/2026 11:00", text="Call the department"
        )


async def test_a_refused_confirmation_keeps_the_flow_at_its_summary(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/vote", DEPUTY)
        await answer(conv, DEPUTY, "Thông qua Quy chế")
        await conv.press_button(GROUP, DEPUTY, "Thứ Sáu này", card)
        await conv.send(GROUP, SECRETARY, "/role @pho_ban member")
        await conv.press_button(GROUP, DEPUTY, "Tạo", card)
        assert conv.last_answer() == plain(vi("flow.no_longer_allowed", command="vote"))
        assert await services(conv).items.by_number(1, 1) is None
        await conv.send(GROUP, SECRETARY, "/role @pho_ban deputy")
        await conv.press_button(GROUP, DEPUTY, "Tạo", card)
        assert (await services(conv).items.by_number(1, 1)).title == "Thông qua Quy chế"


async def test_author_only_cancel_and_expiry_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for user in (SECRETARY, MEMBER_A):
            await conv.send(GROUP, user, "/lang en")
        card = await start(conv, "/consult")
        await conv.send(GROUP, MEMBER_A, "A title", reply_to=prompt_of_card(conv, card))
        assert conv.new_texts(GROUP.id) == [en("flow.not_yours")]
        await conv.press_button(GROUP, MEMBER_A, "Cancel", card)
        assert conv.last_answer() == en("flow.not_yours")
        await conv.press_button(GROUP, SECRETARY, "Cancel", card)
        assert conv.last_answer() == en("flow.notice.cancelled")
        assert plain(en("flow.ended.cancelled")) in now_text(conv, card)
        card = await start(conv, "/poll")
        clock.advance(minutes=31)
        assert await flow_handlers.expire(conv.app) == 1
        assert plain(en("flow.ended.expired", command="poll")) in now_text(conv, card)
        assert await services(conv).items.by_number(1, 1) is None


async def test_a_bare_assign_replying_to_a_member_starts_with_them_as_lead(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        said = await conv.send(GROUP, MEMBER_A, "Sở Tài chính xin nhận việc này")
        await conv.send(GROUP, SECRETARY, "/giaoviec", reply_to=said["message"])
        card = next(c for c in conv.new_sent(GROUP.id) if "inline_keyboard" in str(c.params))
        text = now_text(conv, card)
        assert plain(vi("flow.got.lead", name="Nguyễn An (Sở Tài chính)")) in text
        assert plain(vi("flow.ask.cooperators")) in text
        assert "Bước 2/5" in text
