"""Transcripts of stand-ins in `/pending` of consultations and motions and in the private
reminder (issue 17): while B stands in for A, A is waited for as `B (thay đồng chí A)`; an
answer B gives for A takes A off the list; a motion names B only where proxy votes count."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Html
from handlers.jobs import sweeper_of
from tests.chat import (
    CHAIR,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    SECRETARY,
    en,
    running,
    set_up_committee,
    vi,
)
from tests.fakes import private_chat


def mention(user_id: int, name: str) -> str:
    return f'<a href="tg://user?id={user_id}">{name}</a>'


HUNG, NAM = mention(102, "Võ Văn Hưng"), mention(103, "Hoàng Nam")
AN, BINH = mention(104, "Nguyễn An"), mention(105, "Trần Bình")


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)


async def test_consultation_pending_names_the_stand_in_in_vietnamese(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(private_chat(MEMBER_B), MEMBER_B, "/start")
        await conv.send(GROUP, MEMBER_A, "/standin @so_tttt today-10/12")
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo Quy chế hạn 10/12")
        behalf = vi("standin.on_behalf", standin=Html(BINH), member="Nguyễn An")

        def pending(*names: str) -> str:
            return vi("consult.pending", number=1, count=len(names), eligible=4,
                      names=Html(", ".join(names)))  # fmt: skip

        assert await conv.ask(GROUP, CHAIR, "/pending 1") == pending(HUNG, NAM, behalf, BINH)
        await conv.send(GROUP, MEMBER_B, "/opinion 1 disagree Cần sửa điều 3")
        assert await conv.ask(GROUP, CHAIR, "/pending 1") == pending(HUNG, NAM, behalf)

        # the morning before the deadline: Bình is told privately that An has not answered
        clock.set(local(9, 8))
        mark = len(fake.calls)
        await sweeper_of(conv.app).sweep()
        fresh = {id(c) for c in fake.calls[mark:]}
        [private] = [c.text for c in fake.sent(MEMBER_B.id) if id(c) in fresh]
        assert "Nguyễn An" in private and "người đồng chí đang làm thay" in private
        assert vi("batch.pending_consultation", number=1, title="x", deadline="x",
                  left="x").splitlines()[-1] not in private  # fmt: skip

        # Bình answers for An: An is no longer waited for
        await conv.send(GROUP, MEMBER_B, "/opinion 1 agree thay @so_taichinh")
        assert await conv.ask(GROUP, CHAIR, "/pending 1") == pending(HUNG, NAM)


async def test_motion_pending_names_the_stand_in_only_with_proxy_votes_in_english(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/lang en")
        await conv.send(GROUP, MEMBER_A, "/standin @so_tttt today-10/12")
        await conv.send(GROUP, SECRETARY, "/vote Thông qua Quy chế hạn 10/12")

        def pending(*names: str) -> str:
            return en("vote.pending", number=1, count=len(names), eligible=4,
                      names=Html(", ".join(names)))  # fmt: skip

        # the committee does not count a stand-in's ballot: An is waited for himself
        assert await conv.ask(GROUP, CHAIR, "/pending 1") == pending(HUNG, NAM, AN, BINH)
        await conv.send(GROUP, CHAIR, "/settings proxyvote on")
        behalf = en("standin.on_behalf", standin=Html(BINH), member="Nguyễn An")
        assert await conv.ask(GROUP, CHAIR, "/pending 1") == pending(HUNG, NAM, behalf, BINH)
        await conv.send(GROUP, MEMBER_B, "/vote 1 tán thành thay @so_taichinh")
        assert await conv.ask(GROUP, CHAIR, "/pending 1") == pending(HUNG, NAM, BINH)
