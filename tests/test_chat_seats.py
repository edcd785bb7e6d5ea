"""One person, one seat (issue 19): a seat follows its user id, never a username; Telegram's
service senders (anonymous admins, channels, 777000, bots) never get or use a seat; usernames
that change hands never crash.
"""

from __future__ import annotations

from bot.i18n import Html
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    SECRETARY,
    iso,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import ANONYMOUS_ADMIN, CHANNEL_BOT, Chat, User, group
from tests.workload import apologies

# The secretary removed their @username; a stranger then claimed it.
SECRETARY_NO_HANDLE = User(101, "Lê Thư", last_name="Ký")
STRANGER = User(301, "Kẻ Giả", username="thuky_qt")
CHANNEL = Chat(-1002223334445, "channel", title="Kênh Tin Tỉnh")
OTHER_CHANNEL = Chat(-1002223334446, "channel", title="Kênh Khác")
HELPER_BOT = User(5550001, "Trợ lý", username="trolybot", is_bot=True)


async def seat_of(conv, user_id: int):
    committee = await services(conv).committees.by_chat(GROUP.id)
    return await services(conv).members.by_user(committee.id, user_id)


async def seats(conv) -> list:
    committee = await services(conv).committees.by_chat(GROUP.id)
    return await services(conv).members.list(committee.id, active_only=False)


# ------------------------------------------------------------------ point 1: freed usernames
async def test_a_freed_username_never_moves_the_secretary_seat(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        # The stranger writes first: the secretary has not written since dropping the username.
        reply = await conv.ask(GROUP, STRANGER, "/join Sở Giả")
        assert reply == vi("join.done", name="Kẻ Giả", agency="Sở Giả")
        secretary = await seat_of(conv, SECRETARY.id)
        assert secretary.role == "secretary" and secretary.active
        assert secretary.username is None  # the hint moved with the username
        stranger = await seat_of(conv, STRANGER.id)
        assert stranger.role == "member" and stranger.username == "thuky_qt"
        refused = await conv.ask(GROUP, STRANGER, "/settings language en")
        assert refused == vi("settings.forbidden")
        refused = await conv.ask(GROUP, STRANGER, "/remove @chutich_qt")
        assert refused == vi("common.forbidden", command="remove", roles="Trưởng ban, Thư ký")
        assert (await seat_of(conv, CHAIR.id)).active
        # The real secretary, now without a username, is still the secretary.
        roster = await conv.ask(GROUP, SECRETARY_NO_HANDLE, "/members")
        assert "<b>Thư ký</b> (1)\n• Lê Thư Ký" in roster
        done = await conv.ask(GROUP, SECRETARY_NO_HANDLE, "/settings quiet off")
        assert done not in apologies() and "settings.forbidden" not in done
        assert (await seat_of(conv, SECRETARY.id)).role == "secretary"


async def test_a_renamed_chair_keeps_the_seat_when_the_old_username_is_taken(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        renamed = User(CHAIR.id, CHAIR.first_name, last_name=CHAIR.last_name, username="hung_moi")
        await conv.send(GROUP, renamed, "/help")
        heir = User(302, "Người Khác", username="chutich_qt")
        assert await conv.ask(GROUP, heir, "/join Sở Lạ") == vi(
            "join.done", name="Người Khác", agency="Sở Lạ"
        )
        assert (await seat_of(conv, heir.id)).role == "member"
        chair = await seat_of(conv, CHAIR.id)
        assert chair.role == "chair" and chair.username == "hung_moi"
        # @chutich_qt now names the heir; the chair answers to @hung_moi.
        reply = await conv.ask(GROUP, SECRETARY, "/role @chutich_qt deputy")
        assert reply == vi("role.done", name="Người Khác", role="Phó Trưởng ban")
        assert (await seat_of(conv, CHAIR.id)).role == "chair"


async def test_a_dropped_username_is_cleared_from_the_seat(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY_NO_HANDLE, "/help")
        assert (await seat_of(conv, SECRETARY.id)).username is None
        reply = await conv.ask(GROUP, CHAIR, "/role @thuky_qt member")
        assert reply == vi("roster.not_a_member", name="@thuky_qt")
        assert (await seat_of(conv, SECRETARY.id)).role == "secretary"


# ------------------------------------------------------------------ point 4: collisions
async def test_two_members_swapping_usernames_is_no_crash(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        a = User(MEMBER_A.id, MEMBER_A.first_name, username="so_tttt")
        b = User(MEMBER_B.id, MEMBER_B.first_name, username="so_taichinh")
        for user in (a, b, a, b):
            reply = await conv.ask(GROUP, user, "/members")
            assert reply not in apologies()
        assert (await seat_of(conv, MEMBER_A.id)).username == "so_tttt"
        assert (await seat_of(conv, MEMBER_B.id)).username == "so_taichinh"
        card = await conv.ask(GROUP, SECRETARY, "/assign @so_tttt Việc thử hạn 20/12")
        assert "Nguyễn An" in card and "Trần Bình" not in card


async def test_taking_a_username_held_by_a_pre_registered_seat_is_no_crash(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/add @so_moi member Sở Mới")
        renamed = User(MEMBER_A.id, MEMBER_A.first_name, username="so_moi")
        reply = await conv.ask(GROUP, renamed, "/members")
        assert reply not in apologies()
        assert (await seat_of(conv, MEMBER_A.id)).username == "so_moi"
        leftovers = [s for s in await seats(conv) if s.user_id is None and s.active]
        assert leftovers == []  # one person, one seat: the pre-registration is retired
        assert await conv.ask(GROUP, renamed, "/join Sở Tài chính") == vi(
            "join.updated", name="Nguyễn An", agency="Sở Tài chính"
        )


# ------------------------------------------------------------------ point 3: service senders
async def test_an_anonymous_admin_gets_one_clear_line_and_no_seat(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        before = len(await seats(conv))
        await conv.deliver(fake.inject_anonymous(GROUP, "/join Văn phòng"))
        assert conv.new_texts(GROUP.id) == [vi("sender.anonymous", chat=GROUP.title)]
        await conv.deliver(fake.inject_anonymous(GROUP, "/assign @so_taichinh Việc hạn 20/12"))
        assert conv.new_texts(GROUP.id) == [vi("sender.anonymous", chat=GROUP.title)]
        assert len(await seats(conv)) == before
        assert await seat_of(conv, ANONYMOUS_ADMIN.id) is None


async def test_an_anonymous_setup_makes_nobody_secretary(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        new_group = group(-1005550002, "Nhóm mới")
        fake.set_chat_member(new_group.id, ANONYMOUS_ADMIN, "administrator")
        await conv.deliver(fake.inject_anonymous(new_group, "/setup Ban mới"))
        assert conv.new_texts(new_group.id) == [vi("sender.anonymous", chat="Nhóm mới")]
        assert await services(conv).committees.by_chat(new_group.id) is None


async def test_channels_and_telegram_get_no_seat_and_share_no_opinion(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        before = len(await seats(conv))
        for channel in (CHANNEL, OTHER_CHANNEL):
            await conv.deliver(fake.inject_as_channel(GROUP, channel, "/join Kênh"))
            assert conv.new_texts(GROUP.id) == [vi("sender.channel", chat=channel.title)]
        await conv.deliver(fake.inject_auto_forward(GROUP, CHANNEL, "/join Kênh liên kết"))
        assert conv.new_texts(GROUP.id) == [vi("sender.linked_channel", chat=CHANNEL.title)]
        await conv.send(GROUP, HELPER_BOT, "/join Bot")
        assert conv.new_texts(GROUP.id) == [vi("sender.bot", name="@trolybot")]
        assert len(await seats(conv)) == before
        # Opening a consultation: the base is the five people, nobody else.
        await conv.send(GROUP, SECRETARY, "/consult Góp ý thử hạn 20/12")
        await conv.deliver(fake.inject_as_channel(GROUP, CHANNEL, "/opinion 1 disagree kênh"))
        assert conv.new_texts(GROUP.id) == [vi("sender.channel", chat=CHANNEL.title)]
        pending = await conv.ask(GROUP, SECRETARY, "/pending 1")
        assert "Kênh" not in pending and "Channel" not in pending


async def test_a_service_account_is_never_added_to_the_roster(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        anon = fake.inject_anonymous(GROUP, "Tôi là quản trị viên ẩn danh")
        await conv.deliver(anon)
        reply = await conv.ask(GROUP, SECRETARY, "/add deputy Văn phòng", reply_to=anon["message"])
        assert reply == vi("roster.service_account", name=GROUP.title)
        reply = await conv.ask(GROUP, SECRETARY, "/add @GroupAnonymousBot deputy Văn phòng")
        assert reply == vi("roster.service_account", name="@groupanonymousbot")
        assert await seat_of(conv, ANONYMOUS_ADMIN.id) is None
        assert await seat_of(conv, CHANNEL_BOT.id) is None


# ------------------------------------------------------------------ point 5: 100 entities
async def test_pending_with_more_than_100_mentions_notifies_everyone(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        # One-letter names: over 100 mentions fit in one message's 4096 characters.
        crowd = [User(10_000 + i, chr(ord("A") + i % 26)) for i in range(130)]
        for person in crowd:
            await conv.send(GROUP, person, f"/join Xã {person.id}")
        await conv.send(GROUP, SECRETARY, "/consult Góp ý dự thảo hạn 20/12")
        await conv.send(GROUP, SECRETARY, "/pending 1")
        parts = conv.new_sent(GROUP.id)
        assert len(parts) >= 2
        assert all(len(p.result.get("entities") or []) <= 100 for p in parts)
        everyone = {p.id for p in crowd} | {CHAIR.id, MEMBER_A.id, MEMBER_B.id}
        notified = set()
        for part in parts:
            notified |= {
                e["user"]["id"] for e in part.result["entities"] if e["type"] == "text_mention"
            }
        assert everyone <= notified


# ------------------------------------------------------------------ point 2: pre-registration
async def test_a_pre_registered_member_seat_binds_with_an_announcement(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/add @so_moi member Sở Mới")
        newcomer = User(310, "Đào Mới", username="so_moi")
        await conv.send(GROUP, newcomer, "/help")
        announcement = conv.new_texts(GROUP.id)[0]
        assert announcement == vi(
            "seat.bound",
            username="so_moi",
            name="Đào Mới",
            id=310,
            role=Html(vi("roles.member")),
            agency="Sở Mới",
        )
        assert (await seat_of(conv, 310)).role == "member"


async def test_a_pre_registered_deputy_waits_for_the_secretary_button(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/add @ptb_moi deputy Sở Mới")
        claimant = User(311, "Ai Đó", username="ptb_moi")
        texts = [await conv.ask(GROUP, claimant, "/join Sở Mới"), *conv.new_texts(GROUP.id)[1:]]
        assert "id 311" in texts[0] and vi("roles.deputy") in texts[0]
        assert texts[1] == vi("join.awaiting", username="@ptb_moi")
        assert await seat_of(conv, 311) is None  # nothing bound yet
        card = conv.new_sent(GROUP.id)[0]
        assert [label for label, _ in conv.keyboard(card)[0]] == [
            vi("seat.confirm_button"),
            vi("seat.reject_button"),
        ]
        # Neither the claimant, nor a member, nor the deputy may confirm.
        for user in (claimant, MEMBER_A, DEPUTY):
            await conv.press_button(GROUP, user, "Xác nhận", card)
            assert await seat_of(conv, 311) is None
        # Not this person: the seat keeps waiting; the claimant is told when writing again.
        await conv.press_button(GROUP, CHAIR, "Không phải người này", card)
        assert await seat_of(conv, 311) is None
        assert await conv.ask(GROUP, claimant, "/join Sở Mới") == vi(
            "join.not_this_person", username="@ptb_moi"
        )
        assert len([t for t in conv.new_texts(GROUP.id) if "id 311" in t]) == 0  # asked once


async def test_the_secretary_confirms_a_pre_registered_chair(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        fake.set_chat_member(GROUP.id, SECRETARY, "administrator")
        await conv.send(GROUP, SECRETARY, "/setup Ban")
        await conv.send(GROUP, SECRETARY, "/add @chutich_qt chair UBND tỉnh")
        await conv.send(GROUP, CHAIR, "/help")
        card = conv.new_sent(GROUP.id)[0]
        confirm = conv.keyboard(card)[0][0][1]
        await conv.press(GROUP, SECRETARY, card, confirm)
        assert conv.last_answer() == vi("seat.confirmed_notice")
        edited = fake.message(GROUP.id, card.result["message_id"])
        assert edited["text"].startswith("✅") and "reply_markup" not in edited
        chair = await seat_of(conv, CHAIR.id)
        assert chair.role == "chair" and chair.agency == "UBND tỉnh"
        assert conv.keyboard(card) == []  # the buttons are gone from the message …
        await conv.press(GROUP, SECRETARY, card, confirm)
        assert conv.last_answer() == vi("claim.decided")  # … and an old press changes nothing


# ------------------------------------------------------------------ point 7: names that lie
RLO = "\u202e"


async def test_a_right_to_left_override_in_a_name_or_agency_is_isolated(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        liar = User(320, f"An{RLO}gnoV", username="so_dao")
        await conv.send(GROUP, liar, f"/join Sở {RLO}Giả")
        card = await conv.ask(GROUP, SECRETARY, "/assign @so_dao Báo cáo hạn 20/12")
        assert RLO not in card
        assert iso("AngnoV") in card and iso("Sở Giả") in card
        listing = await conv.ask(GROUP, SECRETARY, "/members")
        assert RLO not in listing and iso("AngnoV") in listing
        # A title echoed next to its deadline, and a right-to-left name.
        card = await conv.ask(GROUP, SECRETARY, f"/assign @so_dao {RLO}Kế hoạch hạn 21/12")
        assert RLO not in card and iso("Kế hoạch") in card and "21/12/2026" in card
        hebrew = User(323, "שרה", username="so_sara")
        assert await conv.ask(GROUP, hebrew, "/join Sở Mới") == vi(
            "join.done", name="שרה", agency="Sở Mới"
        )
        assert iso("שרה") in conv.last_text(GROUP.id)
        # Left-to-right text cannot move its neighbours: shown as typed, no marks.
        assert "\u2068" not in await conv.ask(GROUP, MEMBER_A, "/join Sở Tài chính")


async def test_an_invisible_name_falls_back_to_username_or_user_number(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        blank = User(321, "\u3164", username="so_trong")
        nameless = User(322, "\u200b\u3164")
        assert await conv.ask(GROUP, blank, "/join Sở A") == vi(
            "join.done", name=Html("@so_trong"), agency="Sở A"
        )
        assert await conv.ask(GROUP, nameless, "/join Sở B") == vi(
            "join.done", name=Html(vi("common.user_number", id=322)), agency="Sở B"
        )
        await conv.send(GROUP, SECRETARY, "/consult Góp ý hạn 20/12")
        pending = await conv.ask(GROUP, SECRETARY, "/pending 1")
        assert '<a href="tg://user?id=322">người dùng #322</a>' in pending
        assert '<a href="tg://user?id=321">@so_trong</a>' in pending


async def test_adding_an_already_seen_username_as_deputy_still_waits_for_confirmation(
    tmp_path, clock
):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        seen = User(312, "Đã Gặp", username="da_gap")
        await conv.send(GROUP, seen, "/help")  # the bot knows who shows @da_gap now
        await conv.send(GROUP, SECRETARY, "/add @da_gap deputy Sở Gặp")
        assert await seat_of(conv, 312) is None
        await conv.send(GROUP, seen, "/help")
        card = conv.new_sent(GROUP.id)[0]
        assert "id 312" in card.text and conv.keyboard(card)
        await conv.press_button(GROUP, SECRETARY, "Xác nhận", card)
        assert (await seat_of(conv, 312)).role == "deputy"
