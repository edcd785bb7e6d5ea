"""Transcripts of a stand-in confirming meeting attendance for the member away (issue 17): the
card's buttons in the group and in private, the prompts, the card, /show, /pending, the minutes
and the audit; in Vietnamese and English."""

from __future__ import annotations

import io

from docx import Document

from handlers.cards import card_editor
from tests.chat import (
    CHAIR,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import private_chat

CREATE = "/meeting Họp Ban Chỉ đạo quý IV 10/12 14:00 tại Phòng họp số 1"


async def card_text(conv, call) -> str:
    await card_editor(conv.app).flush()
    edits = [
        c for c in conv.fake.edits(GROUP.id) if c.params["message_id"] == call.result["message_id"]
    ]
    return edits[-1].params["text"] if edits else call.text


async def attendance(conv, number: int) -> dict:
    committee = await services(conv).committees.by_chat(GROUP.id)
    view = await services(conv).meetings.view_of(committee, number)
    return {m.user_id: (view.attendance[m.id], view.acting_for(m)) for m in view.invitees
            if m.id in view.attendance}  # fmt: skip


async def test_a_stand_in_confirms_attendance_for_the_member_away(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, MEMBER_A, "/standin @so_tttt today-04/12")
        call = await conv.ask_raw(GROUP, SECRETARY, CREATE)

        # Bình's first press answers Bình's own invitation, which is still open
        await conv.press_button(GROUP, MEMBER_B, "Tham dự", call)
        assert conv.last_answer() == vi("meeting.recorded_notice", label="Tham dự")
        pending = await conv.ask(GROUP, SECRETARY, "/pending 1")
        assert "Trần Bình" in pending and "thay đồng chí" in pending and "Nguyễn An" in pending

        # then the press is for An, whom Bình stands in for today: an absence with its reason
        await conv.press_button(GROUP, MEMBER_B, "Vắng", call)
        prompt = conv.new_sent(GROUP.id)[0]
        assert "thay đồng chí" in prompt.text and "Nguyễn An" in prompt.text
        reply = await conv.ask(GROUP, MEMBER_B, "Đi công tác Hà Nội", reply_to=prompt.result)
        assert reply == vi("meeting.recorded", number=1, label="Vắng", detail="Đi công tác Hà Nội")
        answers = await attendance(conv, 1)
        assert answers[105][0].status == "attend" and answers[105][1] is None
        assert answers[104][0].status == "absent" and answers[104][1].user_id == 105

        # Bình changes An's answer; the card, /show and the minutes show both names
        await conv.press_button(GROUP, MEMBER_B, "Tham dự", call)
        assert conv.last_answer() == vi(
            "standin.meeting_recorded_notice", member="Nguyễn An", label="Tham dự"
        )
        text = await card_text(conv, call)
        assert "👥 Đã xác nhận 2/4: tham dự 2" in text
        assert "🔁 " in text and "thay đồng chí" in text and "Nguyễn An" in text
        show = await conv.ask(GROUP, CHAIR, "/show 1")
        line = next(x for x in show.splitlines() if "Nguyễn An" in x and x.startswith("✅"))
        assert "Trần Bình" in line and "thay đồng chí" in line
        await conv.send(GROUP, SECRETARY, "/minutes 1")
        _, data = conv.last_document(GROUP.id)
        doc = Document(io.BytesIO(data))
        minutes = "\n".join(p.text for p in doc.paragraphs)
        assert "Trần Bình (thay đồng chí Nguyễn An" in minutes
        entry = next(e for e in await services(conv).audit.latest(1, 20)
                 if e.action == "meeting.attendance")  # fmt: skip
        assert entry.actor_user_id == 105 and entry.details["on_behalf_name"] == "Nguyễn An"

        # An answers himself: from then on Bình's presses are his own again
        await conv.press_button(GROUP, MEMBER_A, "Tham dự", call)
        assert (await attendance(conv, 1))[104][1] is None
        await conv.press_button(GROUP, MEMBER_B, "Vắng", call)
        prompt = conv.new_sent(GROUP.id)[0]
        assert "thay đồng chí" not in prompt.text and "Trần Bình" in prompt.text


async def test_a_stand_in_confirms_in_private_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/settings language en")
        await conv.send(GROUP, CHAIR, "/lang en")
        chat = private_chat(MEMBER_B)
        await conv.send(chat, MEMBER_B, "/start")
        await conv.send(chat, MEMBER_B, "/lang en")
        await conv.send(GROUP, MEMBER_A, "/standin @so_tttt today-04/12")
        call = await conv.ask_raw(GROUP, SECRETARY, CREATE)
        invitation = next(c for c in conv.new_sent(MEMBER_B.id) if c.method == "sendMessage")
        await conv.press_button(chat, MEMBER_B, "Attend", invitation)
        assert conv.last_answer() == en("meeting.recorded_notice", label="Attending")
        await conv.press_button(chat, MEMBER_B, "Attend", invitation)
        assert conv.last_answer() == en(
            "standin.meeting_recorded_notice", member="Nguyễn An", label="Attending"
        )
        text = await card_text(conv, call)
        assert "Confirmed 2/4: attending 2" in text and "(for " in text and "Nguyễn An" in text
        show = await conv.ask(GROUP, CHAIR, "/show 1")
        line = next(x for x in show.splitlines() if "Nguyễn An" in x and x.startswith("✅"))
        assert "Trần Bình" in line and "(for " in line
        # the secretary is no stand-in of An's: a press is refused as before
        await conv.press_button(GROUP, SECRETARY, "Attend", call)
        assert conv.last_answer() == en("meeting.not_invited")


async def _close(conv, number: int, label: str) -> str:
    asked = await conv.ask_raw(GROUP, CHAIR, f"/close {number}")
    await conv.press_button(GROUP, CHAIR, label, asked)
    return conv.new_texts(GROUP.id)[0]


async def test_stand_ins_answers_and_ballots_show_both_names(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo Quy chế hạn 10/12")
        await conv.send(GROUP, SECRETARY, "/vote Thông qua Quy chế hạn 10/12")
        await conv.send(GROUP, CHAIR, "/settings proxyvote on")
        await conv.send(GROUP, MEMBER_A, "/standin @so_tttt today-04/12")
        await conv.send(GROUP, MEMBER_B, "/opinion 1 góp ý Sửa điều 2 thay @so_taichinh")
        await conv.send(GROUP, MEMBER_B, "/opinion 1 agree")
        await conv.send(GROUP, MEMBER_B, "/vote 2 tán thành thay @so_taichinh")
        behalf = "Trần Bình (thay đồng chí Nguyễn An"
        show = await conv.ask(GROUP, CHAIR, "/show 1")
        line = next(x for x in show.splitlines() if "Sửa điều 2" in x)
        assert "Trần Bình" in line and "thay đồng chí" in line and "Nguyễn An" in line
        mine = next(x for x in show.splitlines() if "Trần Bình" in x and "Sửa" not in x)
        assert "thay đồng chí" not in mine
        result = await _close(conv, 1, "Đóng ngay")
        remark = next(x for x in result.splitlines() if "Sửa điều 2" in x)
        assert "Trần Bình" in remark and "thay đồng chí" in remark
        _, data = conv.last_document(GROUP.id)
        rows = [[c.text for c in r.cells] for r in Document(io.BytesIO(data)).tables[0].rows]
        assert any(r[1].startswith(behalf) and r[4] == "Sửa điều 2" for r in rows)
        assert any(r[1] == "Trần Bình" for r in rows)
        voted = await _close(conv, 2, "Đóng ngay")
        line = next(x for x in voted.splitlines() if "Nguyễn An" in x)
        assert "Trần Bình" in line and "thay đồng chí" in line


async def test_stand_ins_answers_and_ballots_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/settings language en")
        await conv.send(GROUP, CHAIR, "/lang en")
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo Quy chế hạn 10/12")
        await conv.send(GROUP, SECRETARY, "/vote Thông qua Quy chế hạn 10/12")
        await conv.send(GROUP, CHAIR, "/settings proxyvote on")
        await conv.send(GROUP, MEMBER_A, "/standin @so_tttt today-04/12")
        await conv.send(GROUP, MEMBER_B, "/opinion 1 comment Fix article 2 for @so_taichinh")
        await conv.send(GROUP, MEMBER_B, "/vote 2 for for @so_taichinh")
        show = await conv.ask(GROUP, CHAIR, "/show 1")
        line = next(x for x in show.splitlines() if "Fix article 2" in x)
        assert "Trần Bình" in line and "(for " in line and "Nguyễn An" in line
        voted = await _close(conv, 2, "Close now")
        line = next(x for x in voted.splitlines() if "Nguyễn An" in x)
        assert "Trần Bình" in line and "(for " in line
