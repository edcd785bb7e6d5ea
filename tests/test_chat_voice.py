"""Transcripts of the bot's voice (issue 12): /help grouped by activity, per role and chat type,
Vietnamese aliases first in Vietnamese; one changed setting answered with its new value; and the
Vietnamese catalogs address people as "đồng chí", never "bạn"."""

from __future__ import annotations

import re

from bot.i18n import catalog
from handlers import registry
from tests.chat import CHAIR, GROUP, MEMBER_A, SECRETARY, en, running, set_up_committee, vi
from tests.fakes import private_chat


def headings(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if line.startswith(("📝", "💬", "🗳", "⏰", "📊", "👥", "🔎", "⚙️", "🙋"))
    ]


async def test_help_is_grouped_by_activity_with_the_vietnamese_alias_first(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        # the whole reply: a long /help is split under Telegram's 100 entities a message
        await conv.send(GROUP, SECRETARY, "/help")
        secretary = "\n".join(conv.new_texts(GROUP.id))
        assert headings(secretary) == [
            vi(f"help.group.{g}")
            for g in (
                "tasks",
                "consult",
                "vote",
                "remind",
                "report",
                "members",
                "items",
                "settings",
                "personal",
            )
        ]
        assert "/giaoviec (/assign) — giao nhiệm vụ" in secretary.splitlines()
        assert (
            "/xinykien (/consult) — xin ý kiến thành viên về một dự thảo" in secretary.splitlines()
        )
        assert "/them (/add) — thêm hoặc cập nhật thành viên" in secretary.splitlines()
        tasks_part = secretary.split(vi("help.group.consult"))[0]
        assert "/giaoviec" in tasks_part and "/giahan" in tasks_part and "/caidat" not in tasks_part
        member = await conv.ask(GROUP, MEMBER_A, "/help")
        assert "/giaoviec" not in member and "/them" not in member and "/dong (" not in member
        assert "/ykien (/opinion)" in member and "/tiendo (/progress)" in member
        assert "/ykien" not in secretary  # the secretary does not answer consultations
        assert vi("help.group.vote") not in member  # a member opens no vote (ballots: buttons)


async def test_help_in_english_and_in_a_private_chat(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, CHAIR, "/lang en")
        chair = await conv.ask(GROUP, CHAIR, "/help")
        assert chair.startswith(en("help.header"))
        assert en("help.group.tasks") in chair and "/assign — assign a task" in chair.splitlines()
        assert "giaoviec" not in chair
        private = await conv.ask(private_chat(MEMBER_A), MEMBER_A, "/help")
        assert private.startswith(vi("help.header_private"))
        group_only = [c for c in registry.commands() if not c.works_in("private")]
        assert all(f"(/{c.name})" not in private for c in group_only)
        assert "/viectoi (/mytasks)" in private and "/ykien (/opinion)" in private
        assert headings(private) == [
            vi("help.group.tasks"),
            vi("help.group.consult"),
            vi("help.group.personal"),
        ]
        english = await conv.ask(private_chat(CHAIR), CHAIR, "/help")
        assert english.startswith(en("help.header_private")) and "/assign" not in english


def test_every_command_declares_a_help_group_with_a_heading():
    for cmd in registry.commands():
        assert f"help.group.{cmd.group}" in catalog("vi"), cmd.name


async def test_changing_one_setting_answers_with_its_new_value(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        assert await conv.ask(GROUP, SECRETARY, "/caidat quiet 22:00-06:30") == vi(
            "settings.changed_one", label="Giờ yên lặng", key="quiet", value="22:00–06:30"
        )
        assert await conv.ask(GROUP, SECRETARY, "/settings workdays mon-sat") == vi(
            "settings.changed_one", label="Ngày làm việc", key="workdays", value="T2–T7"
        )
        await conv.send(GROUP, CHAIR, "/lang en")
        assert await conv.ask(GROUP, CHAIR, "/settings nhacnho 2d,0d") == en(
            "settings.changed_one",
            label="Reminders before deadlines",
            key="reminders",
            value="2d,0d",
        )
        assert await conv.ask(GROUP, CHAIR, "/settings digest off") == en(
            "settings.changed_one", label="Weekly digest", key="digest", value="off"
        )


def test_vietnamese_catalogs_say_dong_chi_and_never_ban():
    texts = catalog("vi")
    assert [k for k, v in texts.items() if re.search(r"(?<!\w)bạn(?!\w)", v, re.IGNORECASE)] == []
    # one form of address: not "anh/chị", "quý vị" or "ông/bà" beside "đồng chí"
    other = re.compile(r"anh\s*/\s*chị|anh chị|quý vị|ông\s*/\s*bà", re.IGNORECASE)
    assert [k for k, v in texts.items() if other.search(v)] == []
    assert sum("đồng chí" in v.lower() for v in texts.values()) > 20
