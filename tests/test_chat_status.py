"""/status in the group: what the secretary sees about the bot itself (version, sweep, rights)."""

from __future__ import annotations

from bot.ops import bot_version
from tests.chat import GROUP, MEMBER_A, SECRETARY, running, set_up_committee, vi
from tests.fakes import User, group
from tests.fakes.shapes import BOT_ID

BOT = User(BOT_ID, "Committee", username="CommitteeTestBot", is_bot=True)


async def test_status_shows_version_last_sweep_and_rights(tmp_path, clock):
    from handlers.jobs import sweeper_of

    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        asked = len(fake.calls_of("getChatMember"))
        first = await conv.ask(GROUP, SECRETARY, "/status")
        assert len(fake.calls_of("getChatMember")) == asked + 1  # spent only when asked
        assert first.splitlines() == [
            vi("status.header"),
            vi("status.version", version=bot_version()),
            vi("status.swept", when="Thứ Ba, 01/12/2026 09:00"),  # the catch-up sweep at start
            vi("status.not_admin"),
        ]
        clock.advance(hours=2)
        await sweeper_of(conv.app).sweep()
        fake.set_chat_member(GROUP.id, BOT, "administrator")
        second = await conv.ask(GROUP, SECRETARY, "/trangthai")
        assert vi("status.swept", when="Thứ Ba, 01/12/2026 11:00") in second.splitlines()
        assert second.splitlines()[-1] == vi("status.admin")
        fake.set_chat_member(GROUP.id, BOT, "restricted")
        assert (await conv.ask(GROUP, SECRETARY, "/status")).splitlines()[-1] == vi("status.muted")


async def test_status_is_for_the_secretary_only_and_costs_nothing_otherwise(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        asked = len(fake.calls_of("getChatMember"))
        assert await conv.ask(GROUP, MEMBER_A, "/status") == vi(
            "common.forbidden", command="status", roles="Thư ký"
        )
        assert len(fake.calls_of("getChatMember")) == asked


async def test_status_tells_when_the_committees_topic_is_closed(tmp_path, clock):
    forum = group(-1005550001, "Diễn đàn các Ban", is_forum=True)
    async with running(tmp_path, clock) as (conv, fake):
        fake.register_chat(forum)
        fake.set_chat_member(forum.id, SECRETARY, "administrator")
        await conv.send(forum, SECRETARY, "/setup Ban Chỉ đạo CĐS", message_thread_id=7)
        shown = await conv.ask(forum, SECRETARY, "/status", message_thread_id=7)
        assert shown.splitlines()[-1] == vi("status.topic_ok")
        [action] = fake.calls_of("sendChatAction")
        assert action.params["message_thread_id"] == 7
        fake.fail_next("sendChatAction", 400, description="Bad Request: TOPIC_CLOSED")
        closed = await conv.ask(forum, SECRETARY, "/status", message_thread_id=7)
        assert closed.splitlines()[-1] == vi(
            "status.topic_closed",
            reason="Topic_closed",  # as PTB words Telegram's error
        )
