"""Transcripts of programmes on every item's card (issue 17): consultations, motions, polls,
meetings and collections show their programme under the header the way a task's card does,
on the card and in /show; `ct:<code>` on /meeting and /collect; `/tag N` edits a card once."""

from __future__ import annotations

from handlers.cards import card_editor
from tests.chat import (
    CHAIR,
    GROUP,
    MEMBER_A,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)

MEETING = "/meeting Họp Ban Chỉ đạo quý IV 10/12 14:00 tại Phòng họp số 1 ct:CQS"


def line_vi(code: str = "CQS", name: str = "Chính quyền số") -> str:
    return vi("programme.card", programme=vi("programme.name", code=code, name=name))


def line_en(code: str = "CQS", name: str = "Digital government") -> str:
    return en("programme.card", programme=en("programme.name", code=code, name=name))


async def test_every_card_and_show_names_the_programme_in_vietnamese(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/programme add CQS Chính quyền số")
        line = line_vi()
        consult = await conv.ask(GROUP, SECRETARY, "/consult Dự thảo Quy chế ct:CQS hạn 10/12")
        assert "#1" in consult.splitlines()[0] and consult.splitlines()[1] == line
        motion = await conv.ask(GROUP, SECRETARY, "/vote Thông qua Quy chế ct:CQS hạn 10/12")
        assert motion.splitlines()[1] == line and "#2" in motion.splitlines()[0]
        await conv.send(GROUP, SECRETARY, "/poll Chọn địa điểm | Hà Nội | Quảng Trị ct:CQS")
        opened = [c.text for c in conv.new_sent(GROUP.id) if c.method == "sendMessage"][-1]
        assert opened.splitlines()[1] == line and "#3" in opened.splitlines()[0]
        meeting = await conv.ask(GROUP, SECRETARY, MEETING)
        assert meeting.splitlines()[:2] == [
            vi("meeting.card.header", number=4, title="Họp Ban Chỉ đạo quý IV"),
            line,
        ]
        collect = await conv.ask(GROUP, SECRETARY, "/collect Báo cáo tháng ct:cqs hạn 20/12")
        assert collect.splitlines()[1] == line and "#5" in collect.splitlines()[0]
        committee = await services(conv).committees.get(1)
        assert (await services(conv).programmes.list(committee))[0].items == 5
        for number in range(1, 6):  # /show: the same line under the header
            shown = await conv.ask(GROUP, MEMBER_A, f"/show {number}")
            assert shown.splitlines()[1] == line, number
        # unknown code: nothing is created
        assert await conv.ask(GROUP, SECRETARY, "/collect Báo cáo khác ct:XYZ hạn 20/12") == vi(
            "programme.unknown", code="XYZ"
        )
        assert await conv.ask(GROUP, SECRETARY, MEETING.replace("CQS", "XYZ")) == vi(
            "programme.unknown", code="XYZ"
        )
        assert await services(conv).items.by_number(1, 6) is None


async def test_tag_edits_each_card_once_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/settings language en")
        await conv.send(GROUP, CHAIR, "/lang en")
        await conv.send(GROUP, CHAIR, "/programme add CQS Digital government")
        await conv.send(GROUP, SECRETARY, "/consult Draft rules due 10/12")
        await conv.send(GROUP, SECRETARY, "/vote Adopt the rules due 10/12")
        await conv.send(GROUP, SECRETARY, MEETING.removesuffix(" ct:CQS"))
        await conv.send(GROUP, SECRETARY, "/collect Monthly report due 20/12")
        conv.new_edits(GROUP.id)
        for number in range(1, 5):
            assert await conv.ask(GROUP, CHAIR, f"/tag {number} cqs") == en(
                "tag.done", number=number,
                programme=en("programme.name", code="CQS", name="Digital government"),
            )  # fmt: skip
            await card_editor(conv.app).flush()
            [edit] = conv.new_edits(GROUP.id)
            assert edit.params["text"].splitlines()[1] == line_en(), number
            # the same tag again: the card shows it already, nothing is edited
            await conv.send(GROUP, CHAIR, f"/tag {number} CQS")
            await card_editor(conv.app).flush()
            assert conv.new_edits(GROUP.id) == []
        shown = await conv.ask(GROUP, CHAIR, "/show 2")
        assert shown.splitlines()[1] == line_en()


async def test_a_recurring_item_keeps_its_programme_in_vietnamese(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/programme add CQS Chính quyền số")
        await conv.send(
            GROUP, SECRETARY, "/assign @so_taichinh Báo cáo tiến độ ct:CQS hạn 31/12 hằng tháng"
        )
        await conv.send(GROUP, MEMBER_A, "/done 1")  # the next month's task, #2, in CQS too
        shown = await conv.ask(GROUP, MEMBER_A, "/show 2")
        assert "Báo cáo tiến độ" in shown.splitlines()[0]
        assert shown.splitlines()[1] == line_vi()
        # a monthly collection (#3) closed early: its next occurrence (#4) is in CQS too
        await conv.send(GROUP, SECRETARY, "/collect Báo cáo tháng ct:CQS hạn 10/12 hằng tháng")
        question = await conv.ask_raw(GROUP, SECRETARY, "/close 3")
        await conv.press_button(GROUP, SECRETARY, "Đóng ngay", question.result)
        shown = await conv.ask(GROUP, MEMBER_A, "/show 4")
        assert "Báo cáo tháng" in shown.splitlines()[0] and shown.splitlines()[1] == line_vi()
        # an archived programme is not carried on to new occurrences
        await conv.send(GROUP, SECRETARY, "/programme remove CQS")
        await conv.send(GROUP, MEMBER_A, "/done 2")
        assert "📚" not in await conv.ask(GROUP, MEMBER_A, "/show 5")
