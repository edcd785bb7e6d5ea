"""Transcripts of the programme step of the guided flows (issue 17): the committee's programmes
as buttons after the deadline, "Không thuộc chương trình", going back, a stale press, no step
without programmes; /assign, /consult, /vote, /meeting and /collect, in Vietnamese and English."""

from __future__ import annotations

from bot.i18n import Html
from tests.chat import CHAIR, DEPUTY, GROUP, SECRETARY, en, running, services, set_up_committee, vi
from tests.test_chat_flows import answer, labels, now_text, plain, prompt_of, start

KH125 = ("KH125", "Kế hoạch 125/KH-UBND")
CQS = ("CQS", "Chính quyền số")


def programme(code: str, name: str, lang: str = "vi") -> Html:
    return (vi if lang == "vi" else en)("programme.name", code=code, name=name)


async def with_programmes(conv, fake) -> None:
    await set_up_committee(conv, fake)
    for code, name in (KH125, CQS):
        await conv.send(GROUP, SECRETARY, f"/programme add {code} {name}")


async def assign_until_programme(conv, title: str, user=SECRETARY):
    card = await start(conv, "/giaoviec", user)
    await conv.press_button(GROUP, user, "Nguyễn An", card)
    await conv.press_button(GROUP, user, "Không có đơn vị phối hợp", card)
    await conv.send(GROUP, user, title, reply_to=prompt_of(conv).result)
    await conv.press_button(GROUP, user, "Cuối tháng", card)
    return card


async def tag_of(conv, number: int):
    item = await services(conv).items.by_number(1, number)
    tags, _ = await services(conv).programmes.tags_of([item.id])
    return tags.get(item.id)


async def test_assign_flow_tags_the_task_with_the_chosen_programme(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await with_programmes(conv, fake)
        card = await assign_until_programme(conv, "Số hóa hồ sơ một cửa")
        text = now_text(conv, card)
        assert plain(vi("flow.ask.programme")) in text and "Bước 5/6" in text
        assert labels(conv, card) == [
            ["CQS · Chính quyền số"],
            ["KH125 · Kế hoạch 125/KH-UBND"],
            ["Không thuộc chương trình"],
            ["◀ Quay lại", "✖ Hủy"],
        ]
        deadline_step = conv.keyboard(card)[0][0][1].replace(":4:c:", ":3:q:").rsplit(":", 1)[0]
        await conv.press_button(GROUP, SECRETARY, "KH125", card)
        summary = now_text(conv, card)
        chosen = plain(vi("flow.got.programme", programme=programme(*KH125)))
        assert chosen == "• Chương trình: KH125 — Kế hoạch 125/KH-UBND" and chosen in summary
        assert "Bước 6/6" in summary
        # a press on the deadline step's old card is told, the card is shown again
        await conv.press(GROUP, SECRETARY, card, deadline_step + ":eom")
        assert conv.last_answer() == vi("flow.moved")
        # back: the choice is marked and can be changed
        await conv.press_button(GROUP, SECRETARY, "Quay lại", card)
        assert labels(conv, card)[1] == ["✅ KH125 · Kế hoạch 125/KH-UBND"]
        await conv.press_button(GROUP, SECRETARY, "Quay lại", card)
        assert plain(vi("flow.ask.deadline")) in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Cuối tháng", card)
        await conv.press_button(GROUP, SECRETARY, "KH125", card)
        await conv.press_button(GROUP, SECRETARY, "Tạo", card)
        [posted] = [c.text for c in conv.new_sent(GROUP.id)]
        assert posted.splitlines()[0] == vi(
            "task.card.header", number=1, title="Số hóa hồ sơ một cửa"
        )
        assert vi("programme.card", programme=programme(*KH125)) in posted.splitlines()
        assert plain(vi("flow.got.programme", programme=programme(*KH125))) in now_text(conv, card)
        # the same task typed on one line gives the same card
        again = await conv.ask(
            GROUP, SECRETARY, "/assign @so_taichinh Số hóa hồ sơ một cửa ct:KH125 hạn 31/12"
        )
        assert again == posted.replace("#1", "#2")
        # "Không thuộc chương trình": no tag
        card = await assign_until_programme(conv, "Họp giao ban")
        await conv.press_button(GROUP, SECRETARY, "Không thuộc chương trình", card)
        assert "• Chương trình: không có" in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Tạo", card)
        [plain_card] = [c.text for c in conv.new_sent(GROUP.id)]
        assert "📚" not in plain_card and await tag_of(conv, 3) is None
        listed = await conv.ask(GROUP, SECRETARY, "/tasks ct:KH125")
        assert listed.splitlines()[0] == vi("programme.tasks", programme=programme(*KH125), count=2)
        assert "#1" in listed and "#2" in listed and "#3" not in listed


async def test_consult_and_vote_flows_with_a_programme_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await with_programmes(conv, fake)
        await conv.send(GROUP, SECRETARY, "/lang en")
        card = await start(conv, "/consult")
        await answer(conv, SECRETARY, "Draft e-government rules")
        await conv.press_button(GROUP, SECRETARY, "+5 working days", card)
        text = now_text(conv, card)
        assert plain(en("flow.ask.programme")) in text and "Step 3/4" in text
        assert labels(conv, card)[2] == ["No programme"]
        await conv.press_button(GROUP, SECRETARY, "CQS", card)
        assert "• Programme: CQS — Chính quyền số" in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Create", card)
        assert plain(en("flow.ended.done")) in now_text(conv, card)
        assert (await tag_of(conv, 1)).code == "CQS"
        one_line = await conv.ask(
            GROUP, SECRETARY, "/consult Draft e-government rules ct:CQS due 08/12"
        )
        created = [c for c in conv.fake.sent(GROUP.id) if "#1</b>" in (c.text or "")]
        assert created and created[0].text == one_line.replace("#2", "#1")
        # a vote in Vietnamese by the chair; "No programme" in English by a deputy
        card = await start(conv, "/bieuquyet", CHAIR)
        await answer(conv, CHAIR, "Thông qua Kế hoạch 125")
        await conv.press_button(GROUP, CHAIR, "Thứ Sáu này", card)
        await conv.press_button(GROUP, CHAIR, "KH125", card)
        assert "• Chương trình: KH125 — Kế hoạch 125/KH-UBND" in now_text(conv, card)
        await conv.press_button(GROUP, CHAIR, "Tạo", card)
        assert (await tag_of(conv, 3)).code == "KH125"
        await conv.send(GROUP, DEPUTY, "/lang en")
        card = await start(conv, "/vote", DEPUTY)
        await answer(conv, DEPUTY, "Adopt the plan")
        await conv.press_button(GROUP, DEPUTY, "Friday next week", card)
        await conv.press_button(GROUP, DEPUTY, "No programme", card)
        assert "• Programme: none" in now_text(conv, card)
        await conv.press_button(GROUP, DEPUTY, "Create", card)
        assert await tag_of(conv, 4) is None
        listed = (await conv.ask(GROUP, SECRETARY, "/programmes")).splitlines()
        assert listed[1] == en("programmes.line", programme=programme(*CQS, "en"), count=2)
        assert listed[2] == en("programmes.line", programme=programme(*KH125, "en"), count=1)


async def test_no_programme_step_without_programmes(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await start(conv, "/bieuquyet", CHAIR)
        await answer(conv, CHAIR, "Thông qua Quy chế")
        await conv.press_button(GROUP, CHAIR, "Thứ Sáu này", card)
        text = now_text(conv, card)
        assert plain(vi("flow.ask.confirm")) in text and "Bước 3/3" in text
        assert "Chương trình" not in text
        await conv.press_button(GROUP, CHAIR, "Quay lại", card)  # back to the deadline
        assert plain(vi("flow.ask.deadline")) in now_text(conv, card)
        await conv.press_button(GROUP, CHAIR, "Thứ Sáu này", card)
        await conv.press_button(GROUP, CHAIR, "Tạo", card)
        assert await tag_of(conv, 1) is None
        # a programme added meanwhile: the next flow asks for it
        await conv.send(GROUP, SECRETARY, "/programme add CQS Chính quyền số")
        card = await start(conv, "/bieuquyet", CHAIR)
        await answer(conv, CHAIR, "Thông qua Kế hoạch")
        await conv.press_button(GROUP, CHAIR, "Thứ Sáu này", card)
        assert labels(conv, card)[:2] == [["CQS · Chính quyền số"], ["Không thuộc chương trình"]]


async def test_meeting_and_collection_flows_end_with_the_programme(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await with_programmes(conv, fake)
        card = await start(conv, "/hop")
        await answer(conv, SECRETARY, "Họp Ban Chỉ đạo quý IV")
        await answer(conv, SECRETARY, "10/12 14:00")
        await answer(conv, SECRETARY, "Phòng họp số 1")
        assert plain(vi("flow.ask.programme")) in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "CQS", card)
        assert "• Chương trình: CQS — Chính quyền số" in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Tạo", card)
        assert (await tag_of(conv, 1)).code == "CQS"
        one_line = await conv.ask(
            GROUP,
            SECRETARY,
            "/meeting Họp Ban Chỉ đạo quý IV 10/12 14:00 tại Phòng họp số 1 ct:CQS",
        )
        created = [c for c in conv.fake.sent(GROUP.id) if "Phiên họp #1</b>" in (c.text or "")]
        assert created and created[0].text == one_line.replace("#2", "#1")
        assert vi("programme.card", programme=programme(*CQS)) in one_line.splitlines()
        await conv.send(GROUP, SECRETARY, "/lang en")
        card = await start(conv, "/collect")
        await answer(conv, SECRETARY, "Monthly report")
        await conv.press_button(GROUP, SECRETARY, "+5 working days", card)
        await conv.press_button(GROUP, SECRETARY, "KH125", card)
        assert "• Programme: KH125 — Kế hoạch 125/KH-UBND" in now_text(conv, card)
        await conv.press_button(GROUP, SECRETARY, "Create", card)
        assert (await tag_of(conv, 3)).code == "KH125"


async def test_many_programmes_are_paged_like_the_roster(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for n in range(10):
            await conv.send(GROUP, SECRETARY, f"/programme add P{n:02d} Programme {n}")
        await conv.send(GROUP, CHAIR, "/lang en")
        card = await start(conv, "/vote", CHAIR)
        await answer(conv, CHAIR, "Adopt the plan")
        await conv.press_button(GROUP, CHAIR, "Friday next week", card)
        rows = labels(conv, card)
        assert [r[0] for r in rows[:8]] == [f"P{n:02d} · Programme {n}" for n in range(8)]
        assert rows[8:] == [["Page 1/2", "▶"], ["No programme"], ["◀ Back", "✖ Cancel"]]
        await conv.press_button(GROUP, CHAIR, "▶", card)
        rows = labels(conv, card)
        assert rows[:3] == [["P08 · Programme 8"], ["P09 · Programme 9"], ["◀", "Page 2/2"]]
        await conv.press_button(GROUP, CHAIR, "P09", card)
        assert "• Programme: P09 — Programme 9" in now_text(conv, card)
        await conv.press_button(GROUP, CHAIR, "Create", card)
        assert (await tag_of(conv, 1)).code == "P09"
