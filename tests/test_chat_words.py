"""Transcripts (issue 12): answers, ballots, percentages and dates in plain words, in Vietnamese
with and without diacritics and in NFD, and in English."""

from __future__ import annotations

import unicodedata

from tests.chat import (
    CHAIR,
    DEPUTY,
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
from tests.fakes import User

AGREE, COMMENTS, DISAGREE = "Đồng ý", "Đồng ý, có ý kiến", "Không đồng ý"
OPINIONS = [
    ("đồng ý", AGREE, ""),
    ("Đồng Ý", AGREE, ""),
    ("  dong   y  ", AGREE, ""),
    ("nhất trí", AGREE, ""),
    ("nhat tri", AGREE, ""),
    ("tán thành", AGREE, ""),
    ("agree", AGREE, ""),
    ("đồng ý có ý kiến Đề nghị bổ sung Điều 5", COMMENTS, "Đề nghị bổ sung Điều 5"),
    ("đồng ý, có ý kiến: sửa Điều 2", COMMENTS, "sửa Điều 2"),
    ("góp ý Sửa tên dự thảo", COMMENTS, "Sửa tên dự thảo"),
    ("gop y sua ten", COMMENTS, "sua ten"),
    ("đồng ý nhưng đề nghị rút gọn", COMMENTS, "nhưng đề nghị rút gọn"),  # words: comments
    ("không đồng ý vì chưa đủ căn cứ", DISAGREE, "vì chưa đủ căn cứ"),
    ("KHÔNG NHẤT TRÍ vì trùng lặp", DISAGREE, "vì trùng lặp"),
    ("khong dong y vi thieu so lieu", DISAGREE, "vi thieu so lieu"),
    ("disagree too costly", DISAGREE, "too costly"),
]


async def current_opinion(conv, number: int, user_id: int):
    item = await services(conv).items.by_number(1, number)
    standing = await services(conv).consultations.standing(item)
    [row] = [r for r in standing.rows if r.member.user_id == user_id]
    return row.opinion


async def test_opinions_in_every_natural_spelling(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/consult Góp ý dự thảo Quy chế hạn 18/12")
        for typed in OPINIONS:
            for form in {typed[0], unicodedata.normalize("NFD", typed[0])}:
                for command in ("/opinion", "/ykien"):
                    _, label, comment = typed
                    reply = await conv.ask(GROUP, MEMBER_A, f"{command} 1 {form}")
                    expected = vi("consult.recorded", name="Nguyễn An", number=1, answer=label)
                    assert reply == expected, form
                    opinion = await current_opinion(conv, 1, MEMBER_A.id)
                    got = unicodedata.normalize("NFC", opinion.text)
                    assert got == comment, form
        assert await conv.ask(GROUP, MEMBER_A, "/ykien 1 có lẽ") == vi("opinion.usage")
        assert await conv.ask(GROUP, MEMBER_A, "/ykien 1 góp ý") == vi("opinion.empty", number=1)
        await conv.send(GROUP, MEMBER_B, "/lang en")
        reply = await conv.ask(GROUP, MEMBER_B, "/opinion 1 không đồng ý vì tốn kém")
        assert reply == en("consult.recorded", name="Trần Bình", number=1, answer="Disagree")


async def test_members_vote_with_words_and_managers_still_open_motions(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/vote Thông qua Kế hoạch năm 2027 hạn 18/12")
        for_, against, abstain = (vi(f"vote.choice.{c}") for c in ("for", "against", "abstain"))
        done = "vote.cast_done"
        ask = conv.ask
        assert await ask(GROUP, MEMBER_A, "/vote 1 tán thành") == vi(done, choice=for_, number=1)
        assert await ask(GROUP, MEMBER_A, "/vote 1 tan thanh") == vi("vote.cast_same", choice=for_)
        nfd = unicodedata.normalize("NFD", "/bieuquyet 1 Không Tán Thành")
        assert await ask(GROUP, MEMBER_A, nfd) == vi(done, choice=against, number=1)
        reply = await ask(GROUP, MEMBER_A, "/bieuquyet #1 không biểu quyết")
        assert reply == vi(done, choice=abstain, number=1)
        assert await ask(GROUP, DEPUTY, "/vote 1 for") == vi(done, choice=for_, number=1)
        assert await ask(GROUP, CHAIR, "/vote 1 đồng ý") == vi(done, choice=for_, number=1)
        tally = await services(conv).votes.tally(await services(conv).votes.get(1))
        assert sorted(tally.choices.values()) == ["abstain", "for", "for"]
        # A member may not open a motion; the reply says how to vote instead.
        reply = await ask(GROUP, MEMBER_B, "/vote Thông qua Quy chế hạn 20/12")
        assert reply == vi("vote.create_forbidden")
        reply = await ask(GROUP, MEMBER_B, "/vote 1 tán thành vì hợp lý")
        assert reply == vi("vote.ballot_extra", number=1, text="vì hợp lý")
        assert await ask(GROUP, SECRETARY, "/vote 1 tán thành") == vi("vote.not_voter")
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo hạn 18/12")
        assert await ask(GROUP, MEMBER_B, "/vote 2 for") == vi("vote.not_motion", number=2)
        await conv.send(GROUP, MEMBER_B, "/lang en")
        reply = await ask(GROUP, MEMBER_B, "/vote 1 against")
        assert reply == en(done, choice=en("vote.choice.against"), number=1)
        assert await ask(GROUP, MEMBER_B, "/vote Motion due 20/12") == en("vote.create_forbidden")


async def test_progress_percent_in_words(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 31/12")
        for typed, percent in [
            ("/progress 1 70 phần trăm đã xong số liệu", 70),
            ("/tiendo 1 75% đã rà soát", 75),
            ("/tiendo 1 80 % gần xong", 80),
            (unicodedata.normalize("NFD", "/tiendo 1 85 Phần Trăm"), 85),
            ("/tiendo 1 90 phan tram", 90),
        ]:
            reply = await conv.ask(GROUP, MEMBER_A, typed)
            assert reply == vi("progress.done", number=1, percent=percent), typed
        task = await services(conv).tasks.get((await services(conv).items.by_number(1, 1)).id)
        assert task.progress == 90
        reply = await conv.ask(GROUP, MEMBER_A, "/tiendo 1 150 phần trăm")
        assert reply == vi("progress.bad_percent", value="150 phan tram")
        await conv.send(GROUP, MEMBER_A, "/lang en")
        reply = await conv.ask(GROUP, MEMBER_A, "/progress 1 95 % nearly done")
        assert reply == en("progress.done", number=1, percent=95)


DUE = "📅 Hạn: {}"


async def test_deadlines_as_people_write_them(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):  # Tuesday 01/12/2026 09:00
        await set_up_committee(conv, fake)
        for typed, shown in [
            ("hạn thứ sáu tuần sau", "Thứ Sáu, 11/12/2026 23:59"),
            ("han thu sau tuan sau", "Thứ Sáu, 11/12/2026 23:59"),
            (unicodedata.normalize("NFD", "hạn Thứ Sáu Tuần Sau"), "Thứ Sáu, 11/12/2026 23:59"),
            ("trước ngày 15/12", "Thứ Ba, 15/12/2026 23:59"),
            ("chậm nhất 15/12 17 giờ", "Thứ Ba, 15/12/2026 17:00"),
            ("hạn cuối tháng", "Thứ Năm, 31/12/2026 23:59"),
            ("hạn chiều thứ năm", "Thứ Năm, 03/12/2026 17:00"),
            ("hạn 3 ngày nữa", "Thứ Sáu, 04/12/2026 23:59"),
            ("hạn 15/01", "Thứ Sáu, 15/01/2027 23:59"),  # more than two months back: next year
        ]:
            reply = await conv.ask(GROUP, SECRETARY, f"/assign @so_taichinh Báo cáo {typed}")
            assert DUE.format(shown) in reply, (typed, reply)
        reply = await conv.ask(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo hạn 30/11")
        assert reply == vi("date.past", text="30/11", when="30/11/2026")
        reply = await conv.ask(GROUP, MEMBER_A, "/giahan 1 30/11 chờ số liệu")
        assert reply == vi("date.past", text="30/11", when="30/11/2026")
        reply = await conv.ask(
            GROUP, SECRETARY, "/assign @so_taichinh Báo cáo hạn thứ sáu tuần sao"
        )
        assert reply == vi("date.unread", text="thứ sáu tuần sao", part="tuần sao")
        await conv.send(GROUP, SECRETARY, "/lang en")
        reply = await conv.ask(GROUP, SECRETARY, "/assign @so_taichinh Report due 30/11")
        assert reply == en("date.past", text="30/11", when="30/11/2026")
        reply = await conv.ask(GROUP, SECRETARY, "/consult Draft due next friday")
        assert "11/12/2026 23:59" in reply


async def test_reminders_and_votes_read_the_same_words(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        reply = await conv.ask(GROUP, SECRETARY, "/remind sáng mai Họp giao ban")
        assert "02/12/2026 12:00" in reply, reply
        reply = await conv.ask(GROUP, SECRETARY, "/remind thứ sáu tuần sau Nộp báo cáo")
        assert "11/12/2026 08:00" in reply, reply  # a day alone: that day's morning
        reply = await conv.ask(GROUP, SECRETARY, "/vote Thông qua Quy chế chậm nhất 15/12")
        assert "15/12/2026 23:59" in reply, reply


AN = '<a href="tg://user?id=104">Nguyễn An</a> (Sở Tài chính)'
BINH = '<a href="tg://user?id=105">Trần Bình</a> (Sở Kế hoạch và Đầu tư)'
CUONG = User(106, "Phạm", last_name="Cường")  # no username


async def test_people_named_with_commas_and_words_by_reply_or_text_mention(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for number, people in enumerate(
            ["@so_taichinh, @so_tttt", "@so_taichinh và @so_tttt", "@so_taichinh;@so_tttt",
             "@so_taichinh va @so_tttt", "@so_taichinh , @so_tttt"], start=1
        ):  # fmt: skip
            reply = await conv.ask(GROUP, SECRETARY, f"/assign {people} Báo cáo hạn 31/12")
            assert reply.startswith(f"📌 <b>Nhiệm vụ #{number}</b>: Báo cáo\n"), (people, reply)
            assert f"👤 Chủ trì: {AN}\n👥 Phối hợp: {BINH}\n" in reply, (people, reply)
        # A reply to a person's message names that person as the lead.
        said = fake.inject_message(GROUP, MEMBER_B, "Sở KH&ĐT xin nhận việc này")
        reply = await conv.ask(
            GROUP, SECRETARY, "/giaoviec Tổng hợp số liệu hạn 15/12", reply_to=said["message"]
        )
        assert reply.startswith("📌 <b>Nhiệm vụ #6</b>: Tổng hợp số liệu\n"), reply
        assert f"👤 Chủ trì: {BINH}\n" in reply
        # A member without a username, by text mention.
        await conv.send(GROUP, CUONG, "/join Sở Nội vụ")
        label = "Phạm Cường"
        mention = {"type": "text_mention", "offset": 8, "length": len(label)}
        mention["user"] = {
            "id": CUONG.id,
            "is_bot": False,
            "first_name": "Phạm",
            "last_name": "Cường",
        }
        reply = await conv.ask(
            GROUP, SECRETARY, f"/assign {label}, @so_tttt Rà soát hạn 15/12", entities=[mention]
        )
        cuong = '<a href="tg://user?id=106">Phạm Cường</a> (Sở Nội vụ)'
        assert f"👤 Chủ trì: {cuong}\n👥 Phối hợp: {BINH}\n" in reply, reply
        assert await conv.ask(GROUP, SECRETARY, "/assign Việc hạn 15/12") == vi("assign.usage")
        await conv.send(GROUP, SECRETARY, "/lang en")
        assert await conv.ask(GROUP, SECRETARY, "/assign Job due 15/12") == en("assign.usage")
