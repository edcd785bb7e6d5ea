"""Transcripts of stand-ins (issue 17): /standin for oneself and by the secretary, /standin off,
/members, progress reported on the member's behalf and shown as "B (thay đồng chí A)", and the
range ending by itself; in Vietnamese and English."""

from __future__ import annotations

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

AN, BINH = "Nguyễn An", "Trần Bình"


async def test_a_stand_in_reports_progress_for_the_member_away(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 31/12")
        # not a stand-in yet: Bình is no assignee of #1
        assert await conv.ask(GROUP, MEMBER_B, "/progress 1 50") == vi(
            "task.not_assignee", number=1
        )
        named = await conv.ask(GROUP, MEMBER_A, "/standin @so_tttt 02/12/2026-04/12/2026")
        assert named == vi(
            "standin.named", standin=BINH, member=AN, first="02/12/2026", last="04/12/2026"
        )
        members = await conv.ask(GROUP, MEMBER_A, "/members")
        assert members.splitlines()[-2:] == [
            vi("standin.members_heading"),
            vi("standin.members_line", standin=BINH, member=AN, first="02/12/2026",
               last="04/12/2026"),
        ]  # fmt: skip
        assert await conv.ask(GROUP, MEMBER_B, "/progress 1 50") == vi(
            "task.not_assignee", number=1
        )  # the range starts tomorrow
        clock.advance(days=1)  # Wednesday 02/12
        assert await conv.ask(GROUP, MEMBER_B, "/progress 1 50 đã có số liệu") == vi(
            "progress.done", number=1, percent=50
        )
        shown = await conv.ask(GROUP, MEMBER_A, "/show 1")
        assert vi("standin.on_behalf", standin=BINH, member="Nguyễn An") in shown
        entry = (await services(conv).audit.for_item(1))[-1]
        assert entry.details["on_behalf_name"] == "Nguyễn An" and entry.actor_user_id == 105
        clock.advance(days=3)  # Saturday 05/12: the range is over by itself
        assert await conv.ask(GROUP, MEMBER_B, "/progress 1 60") == vi(
            "task.not_assignee", number=1
        )
        assert vi("standin.members_heading") not in await conv.ask(GROUP, MEMBER_A, "/members")


async def test_the_secretary_names_and_ends_stand_ins_and_bad_input(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        assert await conv.ask(GROUP, MEMBER_A, "/standin") == vi("standin.usage")
        assert await conv.ask(GROUP, MEMBER_A, "/standin @so_taichinh 02/12-04/12") == vi(
            "standin.self"
        )
        assert await conv.ask(GROUP, MEMBER_A, "/standin @so_tttt @chutich_qt 02/12") == vi(
            "standin.for_other_forbidden"
        )
        assert await conv.ask(GROUP, MEMBER_A, "/standin @so_tttt 01/01/2026") == vi("standin.past")
        assert await conv.ask(GROUP, MEMBER_A, "/standin off") == vi(
            "standin.none", name="Nguyễn An"
        )
        named = await conv.ask(GROUP, SECRETARY, "/standin @so_taichinh @so_tttt 07/12-11/12")
        assert named == vi(
            "standin.named", standin=BINH, member=AN, first="07/12/2026", last="11/12/2026"
        )
        assert await conv.ask(GROUP, SECRETARY, "/standin @so_taichinh @chutich_qt 10/12") == vi(
            "standin.overlap", name="Nguyễn An", first="07/12/2026", last="11/12/2026"
        )
        assert await conv.ask(GROUP, MEMBER_A, "/standin off") == vi(
            "standin.ended", member=AN, standin=BINH
        )
        history = [e.action for e in await services(conv).audit.latest(1, 5)]
        assert history[:2] == ["standin.end", "standin.add"]
        trail = await conv.ask(GROUP, SECRETARY, "/history")
        assert "cử Trần Bình làm thay đồng chí Nguyễn An từ" in trail
        assert "kết thúc ủy quyền: Trần Bình thôi làm thay đồng chí Nguyễn An" in trail


async def test_stand_ins_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/lang en")
        chair = "Võ Văn Hưng"
        named = await conv.ask(GROUP, CHAIR, "/standin @so_tttt today-03/12")
        assert named == en(
            "standin.named", standin=BINH, member=chair, first="01/12/2026", last="03/12/2026"
        )
        members = await conv.ask(GROUP, CHAIR, "/members")
        assert members.splitlines()[-1] == en(
            "standin.members_line", standin=BINH, member=chair, first="01/12/2026",
            last="03/12/2026",
        )  # fmt: skip
        assert await conv.ask(GROUP, CHAIR, "/standin off") == en(
            "standin.ended", member=chair, standin=BINH
        )


async def test_a_stand_in_answers_and_votes_for_the_member_away(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo Quy chế hạn 10/12")
        await conv.send(GROUP, SECRETARY, "/vote Thông qua Quy chế hạn 10/12")
        await conv.send(GROUP, MEMBER_A, "/standin @so_tttt today-04/12")
        recorded = await conv.ask(GROUP, MEMBER_B, "/opinion 1 agree thay @so_taichinh")
        behalf = vi("standin.on_behalf", standin=BINH, member=AN)
        assert recorded == vi(
            "consult.recorded", name=behalf, number=1, answer=vi("consult.answer.agree")
        )
        mine = await conv.ask(GROUP, MEMBER_B, "/opinion 1 disagree Cần sửa điều 3")
        assert mine.startswith(vi("consult.recorded", name=BINH, number=1, answer="")[:30])
        current = await services(conv).consultations.repo.current(
            (await services(conv).items.by_number(1, 1)).id
        )
        answers = {m: o.answer for m, o in current.items()}
        seats = {m.user_id: m.id for m in await services(conv).members.list(1)}
        assert answers[seats[104]] == "agree" and answers[seats[105]] == "disagree"
        entry = [e for e in await services(conv).audit.latest(1, 10)
                 if e.action == "consultation.answer"][-1]  # fmt: skip
        assert entry.actor_user_id == 105 and entry.details["on_behalf_name"] == "Nguyễn An"
        # someone who is not the stand-in cannot act for A
        assert await conv.ask(GROUP, CHAIR, "/opinion 1 agree thay @so_taichinh") == vi(
            "standin.not_for", name="Nguyễn An"
        )
        # a ballot by a stand-in: politely refused unless the committee allows it
        motion = (await services(conv).items.by_number(1, 2)).id
        assert await conv.ask(GROUP, MEMBER_B, "/vote 2 tán thành thay @so_taichinh") == vi(
            "standin.proxy_off", name="Nguyễn An"
        )
        assert 104 not in await services(conv).votes.repo.current(motion)
        changed = await conv.ask(GROUP, CHAIR, "/settings proxyvote on")
        assert changed == vi(
            "settings.changed_one",
            label=vi("settings.label.proxyvote"),
            key="proxyvote",
            value=vi("settings.proxyvote_on"),
        )
        assert await conv.ask(GROUP, MEMBER_B, "/vote 2 tán thành thay @so_taichinh") == vi(
            "vote.cast_done", choice=vi("vote.choice.for"), number=2
        )
        assert (await services(conv).votes.repo.current(motion))[104].choice == "for"
        assert await conv.ask(GROUP, MEMBER_B, "/vote 1 for thay @so_taichinh") == vi(
            "vote.not_motion", number=1
        )
        assert await conv.ask(GROUP, CHAIR, "/settings proxyvote maybe") == vi(
            "settings.usage_proxyvote"
        )


async def test_the_stand_in_gets_the_members_reminders(tmp_path, clock):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.i18n import Html
    from handlers.jobs import sweeper_of
    from tests.fakes import private_chat

    def local(d, h):
        return datetime(2026, 12, d, h, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)

    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(private_chat(MEMBER_B), MEMBER_B, "/start")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 04/12")
        await conv.send(GROUP, MEMBER_A, "/standin @so_tttt 02/12-04/12")
        clock.set(local(3, 8))  # Thursday: the 1d reminder of #1
        mark = len(fake.calls)
        await sweeper_of(conv.app).sweep()
        fresh = {id(c) for c in fake.calls[mark:]}
        [post] = [c.text for c in fake.sent(GROUP.id) if id(c) in fresh]
        binh = Html('<a href="tg://user?id=105">Trần Bình</a>')
        line = vi(
            "standin.reminder_line",
            names=vi("standin.on_behalf", standin=binh, member="Nguyễn An"),
        )
        assert line in post.splitlines()
        private = [c.text for c in fake.sent(MEMBER_B.id) if id(c) in fresh]
        assert len(private) == 1
        assert vi("standin.private_role", member="Nguyễn An") in private[0]
