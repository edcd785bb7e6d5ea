"""Transcripts of the foundation: setup, roster, roles, settings, help, languages, refusals."""

from __future__ import annotations

from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    OUTSIDER,
    SECRETARY,
    en,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import group, private_chat


async def test_only_a_group_admin_can_set_up(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        assert await conv.ask(GROUP, MEMBER_A, "/setup Ban X") == vi("setup.not_admin")
        assert await services(conv).committees.by_chat(GROUP.id) is None
        fake.set_chat_member(GROUP.id, SECRETARY, "creator")
        reply = await conv.ask(GROUP, SECRETARY, "/setup Ban Chỉ đạo Chuyển đổi số")
        assert reply == vi("setup.done", title="Ban Chỉ đạo Chuyển đổi số", name="Lê Thư Ký")
        assert len(fake.calls_of("getChatMember")) == 2
        again = await conv.ask(GROUP, SECRETARY, "/setup")
        assert again == vi("setup.already", title="Ban Chỉ đạo Chuyển đổi số")


async def test_commands_before_setup_explain_setup(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, _):
        assert await conv.ask(GROUP, MEMBER_A, "/members") == vi("common.no_committee")
        assert await conv.ask(GROUP, MEMBER_A, "/join Sở Tài chính") == vi("common.no_committee")


async def test_join_members_and_pre_registration_binding(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        roster = await conv.ask(GROUP, MEMBER_A, "/members")
        assert "👥 <b>Ban Chỉ đạo Chuyển đổi số</b>: 5 thành viên" in roster
        assert "<b>Trưởng ban</b> (1)\n• Võ Văn Hưng (UBND tỉnh)" in roster
        assert "<b>Thư ký</b> (1)\n• Lê Thư Ký" in roster
        assert "⏳" not in roster.split("\n\n")[1]  # the chair wrote, so the seat is bound
        chair = await services(conv).members.by_username(
            (await services(conv).committees.by_chat(GROUP.id)).id, "chutich_qt"
        )
        assert chair.user_id == CHAIR.id and chair.role == "chair"


async def test_pre_registered_seat_binds_when_the_person_first_writes(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        fake.set_chat_member(GROUP.id, SECRETARY, "administrator")
        await conv.send(GROUP, SECRETARY, "/setup Ban")
        reply = await conv.ask(GROUP, SECRETARY, "/add @so_tttt member Sở TT&TT")
        assert reply == vi("add.created", name="@so_tttt", role="Thành viên", agency="Sở TT&TT")
        assert "• @so_tttt (Sở TT&amp;TT) ⏳" in await conv.ask(GROUP, SECRETARY, "/members")
        await conv.send(GROUP, MEMBER_B, "/help")
        roster = await conv.ask(GROUP, MEMBER_B, "/members")
        assert "Trần Bình (Sở TT&amp;TT)" in roster and "⏳\n" not in roster


async def test_roles_are_enforced_and_refusals_change_nothing(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        refused = await conv.ask(GROUP, MEMBER_A, "/add @nguoi_la member Sở Y tế")
        assert refused == vi("common.forbidden", command="add", roles="Trưởng ban, Thư ký")
        assert "Người Lạ" not in await conv.ask(GROUP, SECRETARY, "/members")
        assert await conv.ask(GROUP, OUTSIDER, "/members") == vi("common.not_member")
        assert await conv.ask(GROUP, SECRETARY, "/add @nguoi_la boss X") == vi("add.usage")
        assert await conv.ask(GROUP, SECRETARY, "/role @pho_ban chair") == vi(
            "roster.chair_taken", name="Võ Văn Hưng"
        )
        assert await conv.ask(GROUP, CHAIR, "/role @so_taichinh deputy") == vi(
            "role.done", name="Nguyễn An", role="Phó Trưởng ban"
        )
        assert await conv.ask(GROUP, SECRETARY, "/remove @khong_co_ai") == vi(
            "roster.not_a_member", name="@khong_co_ai"
        )


async def test_remove_leave_and_the_last_manager(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        assert await conv.ask(GROUP, CHAIR, "/remove @so_tttt") == vi(
            "remove.done", name="Trần Bình"
        )
        assert await conv.ask(GROUP, MEMBER_B, "/members") == vi("common.not_member")
        assert await conv.ask(GROUP, MEMBER_A, "/leave") == vi("leave.done", name="Nguyễn An")
        assert await conv.ask(GROUP, CHAIR, "/leave") == vi("leave.done", name="Võ Văn Hưng")
        assert await conv.ask(GROUP, SECRETARY, "/leave") == vi("roster.last_manager")


async def test_help_is_role_aware_and_in_the_readers_language(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        member_help = await conv.ask(GROUP, MEMBER_A, "/help")
        secretary_help = await conv.ask(GROUP, SECRETARY, "/help")
        assert "/members" in member_help and "/add" not in member_help
        assert "/add" in secretary_help and "/settings" in secretary_help
        assert await conv.ask(GROUP, MEMBER_A, "/lang en") == en("lang.done")
        english = await conv.ask(GROUP, MEMBER_A, "/help")
        assert english.startswith(en("help.header"))
        assert await conv.ask(GROUP, MEMBER_A, "/help join") == en("help.usage.join")
        assert await conv.ask(GROUP, MEMBER_A, "/help nosuch") == en(
            "help.unknown", command="nosuch"
        )
        assert await conv.ask(GROUP, MEMBER_B, "/help members") == vi("help.usage.members")


async def test_settings_view_change_and_refusal(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        view = await conv.ask(GROUP, MEMBER_A, "/settings")
        assert "Múi giờ (<code>timezone</code>): Asia/Ho_Chi_Minh" in view
        assert await conv.ask(GROUP, MEMBER_A, "/settings quiet off") == vi("settings.forbidden")
        changed = await conv.ask(GROUP, SECRETARY, "/settings quiet 22:00-06:30")
        assert changed.startswith(vi("settings.changed")) and "22:00–06:30" in changed
        assert await conv.ask(GROUP, SECRETARY, "/settings timezone Mars/Base") == vi(
            "settings.bad_timezone", value="Mars/Base"
        )
        assert await conv.ask(GROUP, SECRETARY, "/settings colour red") == vi(
            "settings.unknown_key", key="colour"
        )
        await conv.send(GROUP, CHAIR, "/settings language en")
        assert (await conv.ask(GROUP, MEMBER_A, "/settings")).startswith("⚙️ <b>Settings of")
        await conv.send(GROUP, SECRETARY, "/settings workdays mon-sat")
        await conv.send(GROUP, SECRETARY, "/settings reminders 2h,30m")
        await conv.send(GROUP, SECRETARY, "/settings digest fri 16:30")
        await conv.send(GROUP, SECRETARY, "/settings silence none")
        c = await services(conv).committees.by_chat(GROUP.id)
        assert (c.workdays, c.reminder_offsets, c.digest_weekday, c.digest_time) == (
            "0,1,2,3,4,5",
            "2h,30m",
            4,
            "16:30",
        )
        assert c.silence_agree is False and c.quiet_start == "22:00" and c.language == "en"


async def test_start_in_private_lists_committees(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        reply = await conv.ask(private_chat(MEMBER_A), MEMBER_A, "/start")
        assert reply.startswith(vi("start.private", name="Nguyễn An"))
        assert "• Ban Chỉ đạo Chuyển đổi số" in reply
        prefs = await services(conv).users.get(MEMBER_A.id)
        assert prefs.can_dm
        assert await conv.ask(private_chat(MEMBER_A), MEMBER_A, "/members") == vi(
            "common.group_only", command="members"
        )
        assert await conv.ask(GROUP, OUTSIDER, "/start") == vi(
            "start.group", title="Ban Chỉ đạo Chuyển đổi số"
        )


async def test_bot_added_to_a_group_introduces_itself(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await conv.deliver(fake.inject_my_chat_member(GROUP, SECRETARY, "left", "member"))
        assert conv.new_texts(GROUP.id) == [vi("intro.new", bot="CommitteeTestBot")]


async def test_supergroup_migration_keeps_the_committee(tmp_path, clock):
    old = group(-4001, "Ban cũ", type="group")
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake, old)
        new = group(-1004001, "Ban cũ")
        for update in fake.inject_migration(old.id, new.id):
            await conv.deliver(update)
        assert await services(conv).committees.by_chat(old.id) is None
        assert "Nguyễn An" in await conv.ask(new, MEMBER_A, "/members")


async def test_commands_for_another_bot_are_ignored(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, MEMBER_A, "/members@SomeOtherBot")
        assert conv.new_sent() == []
        assert "Nguyễn An" in await conv.ask(GROUP, MEMBER_A, "/members@CommitteeTestBot")


async def test_edited_command_does_not_run_again(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, DEPUTY, "/members", edited=True)
        assert conv.new_sent() == []


async def test_unexpected_error_gets_an_apology_and_the_bot_keeps_going(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        db = services(conv).db
        await db.execute("ALTER TABLE members RENAME TO members_gone")
        assert await conv.ask(GROUP, MEMBER_A, "/members") == vi("error.apology")
        await db.execute("ALTER TABLE members_gone RENAME TO members")
        assert "Nguyễn An" in await conv.ask(GROUP, MEMBER_A, "/members")


async def test_menus_registered_per_language_and_scope(tmp_path, clock):
    async with running(tmp_path, clock) as (_, fake):
        menus = fake.calls_of("setMyCommands")
        seen = {(c.params.get("language_code"), c.params["scope"]["type"]) for c in menus}
        assert seen == {
            (lang, scope)
            for lang in ("vi", "en", None)
            for scope in ("all_group_chats", "all_private_chats")
        }
        vi_group = next(
            c
            for c in menus
            if c.params.get("language_code") == "vi"
            and c.params["scope"]["type"] == "all_group_chats"
        )
        assert {"command": "members", "description": "Danh sách thành viên"} in vi_group.params[
            "commands"
        ]
