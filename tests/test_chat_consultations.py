"""Transcripts of a consultation: open, answer (buttons, prompts, /opinion), chase, close."""

from __future__ import annotations

import io

from docx import Document

from handlers.cards import card_editor
from handlers.registry import AUTO_CLOSERS
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    OTHER_GROUP,
    OUTSIDER,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import private_chat

DEADLINE = "Thứ Ba, 08/12/2026 23:59"  # 5 working days after Tuesday 1 December 2026
EVIL = "<b>x</b> & <script>"
ESCAPED = "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;"


def card(number=1, title="Dự thảo Quy chế", answered=0, *, document="", silence=True, **kw):
    text = vi(
        "consult.card",
        number=number,
        title=title,
        document=vi("consult.card_document", document=document) if document else "",
        deadline=kw.get("deadline", DEADLINE),
        silence=vi("consult.silence_agree" if silence else "consult.silence_none"),
        answered=answered,
        eligible=4,
    )
    if "closed_at" in kw:
        return text + vi("consult.card_closed", closed_at=kw["closed_at"])
    return text + vi("consult.card_open_hint")


def mention(user) -> str:
    name = " ".join(filter(None, [user.first_name, user.last_name]))
    return f'<a href="tg://user?id={user.id}">{name}</a>'


async def open_consultation(conv, text="/consult Dự thảo Quy chế"):
    call = await conv.ask_raw(GROUP, SECRETARY, text)
    return call


async def last_card_text(conv, card_call) -> str:
    await card_editor(conv.app).flush()
    edits = [
        c
        for c in conv.fake.edits(GROUP.id)
        if c.params["message_id"] == card_call.result["message_id"]
    ]
    return edits[-1].params["text"] if edits else card_call.text


async def test_consult_posts_the_card_with_three_buttons(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await open_consultation(conv)
        assert call.text == card()
        assert [[label for label, _ in row] for row in conv.keyboard(call)] == [
            ["✅ Đồng ý"],
            ["📝 Đồng ý, có ý kiến", "❌ Không đồng ý"],
        ]
        item = await services(conv).items.by_number(
            (await services(conv).committees.by_chat(GROUP.id)).id, 1
        )
        assert item.message_id == call.result["message_id"] and item.kind == "consultation"
        alias = await conv.ask(GROUP, CHAIR, "/xinykien Dự thảo 2 hạn 10/12 imlang=khong")
        assert alias == card(2, "Dự thảo 2", deadline="Thứ Năm, 10/12/2026 23:59", silence=False)


async def test_consult_attaches_a_replied_document_and_keeps_a_link(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        upload = await conv.send(
            GROUP, SECRETARY, "Dự thảo", document={"file_name": "du-thao.docx", "content": b"x"}
        )
        reply = await conv.ask(
            GROUP, SECRETARY, "/consult Dự thảo Quy chế", reply_to=upload["message"]
        )
        assert reply == card(document="du-thao.docx")
        linked = await conv.ask(GROUP, DEPUTY, "/consult Kế hoạch https://example.gov.vn/kh.pdf")
        assert linked == card(2, "Kế hoạch", document="https://example.gov.vn/kh.pdf")
        committee = await services(conv).committees.by_chat(GROUP.id)
        first = await services(conv).items.by_number(committee.id, 1)
        assert first.document_name == "du-thao.docx" and first.document_file_id


async def test_consult_refusals_change_nothing(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        # Bare /consult starts the guided flow (issue 12: tests/test_chat_flows.py); no title:
        assert await conv.ask(GROUP, SECRETARY, "/consult imlang=khong") == vi("consult.usage")
        assert await conv.ask(GROUP, SECRETARY, "/consult " + "x" * 301) == vi(
            "common.too_long", limit=300
        )
        assert await conv.ask(GROUP, SECRETARY, "/consult A silence=maybe") == vi(
            "consult.bad_silence", value="maybe"
        )
        assert await conv.ask(GROUP, MEMBER_A, "/consult A") == vi(
            "common.forbidden",
            command="consult",
            roles="Trưởng ban, Phó Trưởng ban Thường trực, Phó Trưởng ban, Thư ký",
        )
        committee = await services(conv).committees.by_chat(GROUP.id)
        assert await services(conv).items.by_number(committee.id, 1) is None


async def test_agree_is_one_tap_and_the_counter_is_edited_in_place(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await open_consultation(conv)
        await conv.press_button(GROUP, MEMBER_A, "✅ Đồng ý", call)
        assert conv.last_answer() == "Đã ghi nhận: Đồng ý"
        [edit] = conv.new_edits(GROUP.id)  # the first change shows at once
        assert edit.params["text"] == card(answered=1)
        await conv.press_button(GROUP, MEMBER_A, "✅ Đồng ý", call)  # again: still one answer
        await conv.press_button(GROUP, CHAIR, "✅ Đồng ý", call)
        assert await last_card_text(conv, call) == card(answered=2)
        assert len(conv.keyboard(call)) == 2  # the buttons stay while open


async def test_a_burst_of_answers_is_coalesced_into_one_edit(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card_editor(conv.app).intervals["consultation"] = 60  # a window no test outlives
        call = await open_consultation(conv)
        for user in (MEMBER_A, MEMBER_B, DEPUTY, CHAIR):
            await conv.press_button(GROUP, user, "✅ Đồng ý", call)
        edits = fake.edits(GROUP.id)
        assert [e.params["text"] for e in edits] == [card(answered=1)]
        await card_editor(conv.app).flush()
        assert [e.params["text"] for e in fake.edits(GROUP.id)] == [
            card(answered=1),
            card(answered=4),
        ]


async def test_comment_by_reply_prompt_only_from_that_member(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await open_consultation(conv)
        item_id = (await _item(conv)).id
        await conv.press_button(GROUP, MEMBER_A, "Đồng ý, có ý kiến", call)
        assert conv.last_answer() == vi("consult.prompt_notice")
        [prompt] = conv.new_sent(GROUP.id)
        link = f"https://t.me/CommitteeTestBot?start=op_{item_id}_comment"
        assert prompt.text == vi(
            "consult.prompt",
            name=_html(mention(MEMBER_A)),
            number=1,
            answer="Đồng ý, có ý kiến",
            link=link,
        )
        assert prompt.params["reply_markup"]["force_reply"] is True
        assert prompt.params["reply_markup"]["selective"] is True
        other = await conv.ask(GROUP, MEMBER_B, "Tôi cũng góp ý", reply_to=prompt)
        assert other == vi("consult.prompt_not_yours", name="Nguyễn An", number=1)
        assert await services(conv).consultations.history(await _item(conv)) == []
        first = await conv.ask(GROUP, MEMBER_A, "Bổ sung Điều 5", reply_to=prompt)
        assert first == vi(
            "consult.recorded", name="Nguyễn An", number=1, answer="Đồng ý, có ý kiến"
        )
        await conv.press_button(GROUP, MEMBER_A, "Không đồng ý", call)
        prompt = conv.new_sent(GROUP.id)[0]
        reply = await conv.ask(GROUP, MEMBER_A, f"Không đồng ý {EVIL}", reply_to=prompt)
        assert reply == vi("consult.recorded", name="Nguyễn An", number=1, answer="Không đồng ý")
        history = await services(conv).consultations.history(await _item(conv))
        assert [(o.answer, o.text) for o in history] == [
            ("agree_with_comments", "Bổ sung Điều 5"),
            ("disagree", f"Không đồng ý {EVIL}"),
        ]
        assert await last_card_text(conv, call) == card(answered=1)
        # The prompt is used up: a further reply is an ordinary message.
        await conv.send(GROUP, MEMBER_A, "thêm", reply_to=prompt)
        assert conv.new_sent(GROUP.id) == []


async def test_private_answer_through_the_deep_link(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await open_consultation(conv)
        item = await _item(conv)
        dm = private_chat(MEMBER_B)
        reply = await conv.ask(dm, MEMBER_B, f"/start op_{item.id}_disagree")
        assert reply == vi(
            "consult.prompt_private", number=1, title="Dự thảo Quy chế", answer="Không đồng ý"
        )
        done = await conv.ask(dm, MEMBER_B, "Đề nghị làm rõ Điều 4")
        assert done == vi("consult.recorded", name="Trần Bình", number=1, answer="Không đồng ý")
        assert await last_card_text(conv, call) == card(answered=1)
        await conv.send(dm, MEMBER_B, "Cảm ơn")  # no prompt any more: not taken as a comment
        assert len(await services(conv).consultations.history(item)) == 1
        assert await conv.ask(
            private_chat(SECRETARY), SECRETARY, f"/start op_{item.id}_comment"
        ) == (vi("consult.secretary"))


async def test_opinion_command_in_the_group(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await open_consultation(conv)
        assert await conv.ask(GROUP, MEMBER_A, "/opinion 1 dongy") == vi(
            "consult.recorded", name="Nguyễn An", number=1, answer="Đồng ý"
        )
        assert await conv.ask(GROUP, DEPUTY, "/ykien #1 gopy Bổ sung\nĐiều 5") == vi(
            "consult.recorded", name="Hoàng Nam", number=1, answer="Đồng ý, có ý kiến"
        )
        assert await conv.ask(GROUP, MEMBER_A, "/opinion 1 khongdongy") == vi(
            "opinion.empty", number=1
        )
        assert await conv.ask(GROUP, MEMBER_A, "/opinion 1 maybe") == vi("opinion.usage")
        assert await conv.ask(GROUP, MEMBER_A, "/opinion") == vi("opinion.usage")
        assert await conv.ask(GROUP, MEMBER_A, "/opinion 9 agree") == vi("item.not_found", number=9)
        assert await conv.ask(GROUP, MEMBER_A, "/opinion 1 disagree " + "y" * 2001) == vi(
            "common.too_long", limit=2000
        )
        history = await services(conv).consultations.history(await _item(conv))
        assert [(o.answer, o.text) for o in history] == [
            ("agree", ""),
            ("agree_with_comments", "Bổ sung\nĐiều 5"),
        ]
        assert await last_card_text(conv, call) == card(answered=2)


async def test_opinion_on_a_task_is_refused(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        svc = services(conv)
        committee = await svc.committees.by_chat(GROUP.id)
        async with svc.db.transaction():
            number = await svc.committees.take_number(committee.id)
            await svc.items.insert(
                committee_id=committee.id, number=number, kind="task", title="Việc",
                status="open", deadline=None, created_by=None, now=clock.now(),
            )  # fmt: skip
        assert await conv.ask(GROUP, MEMBER_A, "/opinion 1 agree") == vi(
            "consult.wrong_kind", number=1
        )


async def test_who_may_not_answer_is_told_why(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await open_consultation(conv)
        assert await conv.ask(GROUP, SECRETARY, "/opinion 1 agree") == vi("consult.secretary")
        await conv.press_button(GROUP, SECRETARY, "✅ Đồng ý", call)
        assert conv.last_answer() == _plain(vi("consult.secretary"))
        await conv.press_button(GROUP, OUTSIDER, "Không đồng ý", call)
        assert conv.last_answer() == _plain(vi("common.not_member"))
        assert await conv.ask(GROUP, OUTSIDER, "/opinion 1 agree") == vi("common.not_member")
        assert conv.new_sent(GROUP.id)[0].text == vi("common.not_member")
        assert await services(conv).consultations.history(await _item(conv)) == []
        assert conv.fake.edits(GROUP.id) == []


async def test_private_opinion_resolves_the_number_across_committees(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        dm = private_chat(MEMBER_A)
        await conv.send(dm, MEMBER_A, "/start")
        assert await conv.ask(dm, MEMBER_A, "/opinion 1 agree") == vi(
            "opinion.not_found_private", number=1
        )
        await open_consultation(conv)
        assert await conv.ask(dm, MEMBER_A, "/opinion 1 agree") == vi(
            "consult.recorded", name="Nguyễn An", number=1, answer="Đồng ý"
        )
        await set_up_committee(conv, fake, OTHER_GROUP)
        await conv.send(OTHER_GROUP, SECRETARY, "/consult Dự thảo khác")
        assert await conv.ask(dm, MEMBER_A, "/opinion 1 disagree Không") == vi(
            "opinion.ambiguous",
            number=1,
            committees="Ban Chỉ đạo Chuyển đổi số, Ban Chỉ đạo Chuyển đổi số",
        )


async def test_pending_mentions_who_has_not_answered(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await open_consultation(conv)
        await conv.send(GROUP, MEMBER_A, "/opinion 1 agree")
        await conv.send(GROUP, CHAIR, "/opinion 1 agree")
        assert await conv.ask(GROUP, MEMBER_B, "/pending 1") == vi(
            "consult.pending",
            number=1,
            count=2,
            eligible=4,
            names=_html(f"{mention(DEPUTY)}, {mention(MEMBER_B)}"),
        )
        await conv.send(GROUP, DEPUTY, "/opinion 1 agree")
        await conv.send(GROUP, MEMBER_B, "/opinion 1 agree")
        assert await conv.ask(GROUP, MEMBER_B, "/chuatraloi 1") == vi(
            "consult.pending_none", number=1, eligible=4
        )
        await card_editor(conv.app).flush()  # else leaving waits for the coalesced edit


async def test_close_before_the_deadline_asks_first_and_records_no_answer(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await open_consultation(conv, f"/consult {EVIL}")
        await conv.send(GROUP, MEMBER_A, "/opinion 1 agree")
        await conv.send(GROUP, DEPUTY, f"/opinion 1 comment Sửa {EVIL}")
        await conv.send(GROUP, MEMBER_B, "/opinion 1 disagree Chưa phù hợp")
        assert await conv.ask(GROUP, MEMBER_A, "/close 1") == vi(
            "common.forbidden", command="close", roles="Trưởng ban, Thư ký"
        )
        clock.advance(hours=2)
        asked = await conv.ask_raw(GROUP, CHAIR, "/close 1")
        assert asked.text == vi(
            "close.confirm.consultation", number=1, title=_html(ESCAPED), pending=1,
            eligible=4, needed=0, deadline=DEADLINE,
        )  # fmt: skip
        assert "1/4 thành viên chưa trả lời" in asked.text and "không trả lời" in asked.text
        assert [label for label, _ in conv.keyboard(asked)[0]] == ["🔒 Đóng ngay", "↩️ Để mở"]
        assert (await _item(conv)).status == "open"  # nothing closed yet
        close_data = conv.keyboard(asked)[0][0][1]
        # Only the closer confirms: the secretary may close too, but this card is the chair's.
        await conv.press(GROUP, SECRETARY, asked, close_data)
        assert conv.last_answer() == _plain(vi("close.confirm_card.not_yours", name="Võ Văn Hưng"))
        await conv.press(GROUP, MEMBER_A, asked, close_data)
        assert conv.last_answer() == vi("common.forbidden_button", roles="Trưởng ban, Thư ký")
        assert (await _item(conv)).status == "open"
        await conv.press(GROUP, CHAIR, asked, close_data)
        result = conv.new_texts(GROUP.id)[0]
        assert result == _expected_result(ESCAPED)
        assert f"Sửa {ESCAPED}" in result and "<script>" not in result
        assert "Coi như đồng ý" not in result
        assert conv.last_answer() == vi("close.confirm_card.closed_notice", number=1)
        assert fake.message(GROUP.id, asked.result["message_id"])["text"] == _plain(
            vi("close.confirm_card.closed", number=1, name="Võ Văn Hưng")
        )
        assert conv.keyboard(asked) == []
        filename, data = conv.last_document(GROUP.id)
        assert filename == "tong-hop-y-kien-1.docx"
        docx = Document(io.BytesIO(data))
        rows = [[c.text for c in r.cells] for r in docx.tables[0].rows]
        assert [r[1:5] for r in rows[1:]] == [
            ["Võ Văn Hưng", "UBND tỉnh", "Không trả lời", ""],
            ["Hoàng Nam", "Sở Thông tin và Truyền thông", "Đồng ý, có ý kiến", f"Sửa {EVIL}"],
            ["Nguyễn An", "Sở Tài chính", "Đồng ý", ""],
            ["Trần Bình", "Sở Kế hoạch và Đầu tư", "Không đồng ý", "Chưa phù hợp"],
        ]
        assert rows[3][5] == "01/12/2026 09:00"
        paragraphs = [p.text for p in docx.paragraphs]
        assert "Không trả lời: 1" in paragraphs and "Coi như đồng ý: 1" not in paragraphs
        assert _plain(vi("consult.docx.early", count=1, deadline=DEADLINE)) in paragraphs
        stored = {o.member_id: o.answer for o in await services(conv).consultations.history(
            await _item(conv)) if o.auto}  # fmt: skip
        assert list(stored.values()) == ["no_answer"]
        closed = vi("consult.card", number=1, title=_html(ESCAPED), document="",
                    deadline=DEADLINE, silence=vi("consult.silence_agree"), answered=3,
                    eligible=4) + vi("consult.card_closed_early",
                                     closed_at="Thứ Ba, 01/12/2026 11:00")  # fmt: skip
        assert await last_card_text(conv, call) == closed
        assert conv.keyboard(call) == []
        # Closed: answers, buttons, a second close and the old confirmation are refused.
        before = len(await services(conv).consultations.history(await _item(conv)))
        assert await conv.ask(GROUP, CHAIR, "/opinion 1 disagree Đổi ý") == vi(
            "consult.closed", number=1
        )
        await conv.press(GROUP, CHAIR, call, f"v1:c:a:{(await _item(conv)).id}:y")
        assert conv.last_answer() == _plain(vi("consult.closed", number=1))
        assert await conv.ask(GROUP, SECRETARY, "/close 1") == vi(
            "consult.already_closed", number=1
        )
        await conv.press(GROUP, CHAIR, asked, close_data)
        assert conv.last_answer() == _plain(vi("common.stale_button"))
        assert len(await services(conv).consultations.history(await _item(conv))) == before


async def test_keep_open_changes_nothing_and_the_card_speaks_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await open_consultation(conv)
        await conv.send(GROUP, MEMBER_A, "/opinion 1 agree")
        await conv.send(GROUP, CHAIR, "/lang en")
        asked = await conv.ask_raw(GROUP, CHAIR, "/close 1")
        assert asked.text == en(
            "close.confirm.consultation", number=1, title="Dự thảo Quy chế", pending=3,
            eligible=4, needed=0, deadline="Tuesday, 08/12/2026 23:59",
        )  # fmt: skip
        assert "3 of 4 members have not answered yet" in asked.text
        assert [label for label, _ in conv.keyboard(asked)[0]] == ["🔒 Close now", "↩️ Keep open"]
        await conv.press_button(GROUP, CHAIR, "Keep open", asked)
        assert conv.last_answer() == en("close.confirm_card.kept_notice", number=1)
        assert fake.message(GROUP.id, asked.result["message_id"])["text"] == en(
            "close.confirm_card.kept", number=1, deadline="Tuesday, 08/12/2026 23:59"
        )
        assert conv.keyboard(asked) == [] and (await _item(conv)).status == "open"
        assert conv.new_texts(GROUP.id) == []  # no result posted
        # Everybody answered: nothing to confirm, /close closes at once.
        await conv.send(GROUP, CHAIR, "/lang vi")
        for user in (CHAIR, DEPUTY, MEMBER_B):
            await conv.send(GROUP, user, "/opinion 1 agree")
        result = await conv.ask(GROUP, CHAIR, "/close 1")
        assert result.startswith("📋 <b>Kết quả xin ý kiến #1</b>")
        await card_editor(conv.app).flush()


async def test_close_after_the_deadline_deems_the_silent_agreed_without_asking(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await open_consultation(conv, "/consult Dự thảo Quy chế due +2h")
        await conv.send(GROUP, MEMBER_A, "/opinion 1 agree")
        clock.advance(hours=3)  # past the deadline, before the sweep closed it
        result = await conv.ask(GROUP, SECRETARY, "/close 1")
        assert vi("consult.result_deemed", count=3) in result
        assert "Đóng trước hạn" not in result
        docx = Document(io.BytesIO(conv.last_document(GROUP.id)[1]))
        paragraphs = [p.text for p in docx.paragraphs]
        assert "Coi như đồng ý: 3" in paragraphs
        assert not any(p.startswith("Đóng trước hạn") for p in paragraphs)
        await card_editor(conv.app).flush()


async def test_auto_close_at_the_deadline_posts_what_close_posts(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/settings silence none")
        call = await open_consultation(conv, "/consult Dự thảo Quy chế due +24h")
        await conv.send(GROUP, MEMBER_A, "/opinion 1 agree")
        [closer] = [c for c in AUTO_CLOSERS if c.__module__ == "handlers.consultations"]
        sent = len(fake.sent(GROUP.id))
        await closer(conv.app, clock.now())  # not due yet: nothing happens
        assert len(fake.sent(GROUP.id)) == sent
        clock.advance(days=1, minutes=1)
        await closer(conv.app, clock.now())
        texts = [c.text for c in fake.sent(GROUP.id)[-2:]]
        result = (
            vi(
                "consult.result",
                number=1,
                title="Dự thảo Quy chế",
                eligible=4,
                answered=1,
                agree=1,
                comments=0,
                disagree=0,
                silent=vi("consult.result_no_answer", count=3),
            )
            + "\n"
            + vi("consult.result_no_remarks")
        )
        assert texts == [result, vi("consult.docx_caption", number=1)]
        assert conv.last_document(GROUP.id)[0] == "tong-hop-y-kien-1.docx"
        assert conv.keyboard(call) == []
        count = len(fake.sent(GROUP.id))
        await closer(conv.app, clock.now())  # nothing left to close
        assert len(fake.sent(GROUP.id)) == count


async def test_show_gives_card_answers_and_history(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await open_consultation(conv)
        await conv.send(GROUP, MEMBER_A, "/opinion 1 agree")
        clock.advance(minutes=5)
        await conv.send(GROUP, MEMBER_A, "/opinion 1 disagree Chưa rõ")
        shown = await conv.ask(GROUP, MEMBER_B, "/show 1")
        assert shown.startswith(card(answered=1))
        assert (
            "• Nguyễn An (Sở Tài chính): Không đồng ý (Thứ Ba, 01/12/2026 09:05) — Chưa rõ" in shown
        )
        assert vi("consult.show_pending", names="Võ Văn Hưng, Hoàng Nam, Trần Bình") in shown
        assert shown.endswith(
            "\n".join(
                [
                    vi("consult.show_history"),
                    "• Thứ Ba, 01/12/2026 09:00 — Lê Thư Ký mở xin ý kiến",
                    "• Thứ Ba, 01/12/2026 09:00 — Nguyễn An: Đồng ý",
                    "• Thứ Ba, 01/12/2026 09:05 — Nguyễn An: Không đồng ý — Chưa rõ",
                ]
            )
        )
        await card_editor(conv.app).flush()  # else leaving waits for the coalesced edit
        await conv.send(GROUP, MEMBER_B, "/lang en")
        english = await conv.ask(GROUP, MEMBER_B, "/show 1")
        assert english.startswith(en("consult.card", number=1, title="Dự thảo Quy chế",
            document="", deadline="Tuesday, 08/12/2026 23:59",
            silence=en("consult.silence_agree"), answered=1, eligible=4))  # fmt: skip


# ---------------------------------------------------------------- helpers
async def _item(conv):
    svc = services(conv)
    committee = await svc.committees.by_chat(GROUP.id)
    return await svc.items.by_number(committee.id, 1)


def _html(text: str):
    from bot.i18n import Html

    return Html(text)


def _plain(text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _expected_result(title: str) -> str:
    return "\n".join(
        [
            vi(
                "consult.result",
                number=1,
                title=_html(title),
                eligible=4,
                answered=3,
                agree=1,
                comments=1,
                disagree=1,
                silent=vi("consult.result_no_answer", count=1),
            ),
            vi("consult.result_early", count=1, deadline=DEADLINE),
            vi("consult.result_remarks"),
            vi(
                "consult.result_remark",
                name="Hoàng Nam (Sở Thông tin và Truyền thông)",
                answer="Đồng ý, có ý kiến",
                text=f"Sửa {EVIL}",
            ),
            vi(
                "consult.result_remark",
                name="Trần Bình (Sở Kế hoạch và Đầu tư)",
                answer="Không đồng ý",
                text="Chưa phù hợp",
            ),
        ]
    )
