"""Transcripts of votes: named and anonymous polls from real poll updates, motions by buttons,
results at /close and at the deadline, /pending, /show, and every refusal."""

from __future__ import annotations

import asyncio

from bot.i18n import Html
from handlers import registry
from handlers.cards import card_editor
from handlers.votes import auto_close
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

DUE = vi("vote.deadline", when="Thứ Năm, 31/12/2026 23:59")


def link(user, name: str) -> str:
    return f'<a href="tg://user?id={user.id}">{name}</a>'


def lines(*parts: str) -> str:
    return "\n".join(parts)


async def committee_items(conv) -> int:
    committee = await services(conv).committees.by_chat(GROUP.id)
    return await services(conv).db.fetchval(
        "SELECT COUNT(*) FROM items WHERE committee_id = ?", (committee.id,)
    )


async def test_named_poll_is_tracked_from_poll_answers_and_closed(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await conv.ask_raw(
            GROUP, DEPUTY, "/poll Họp <b>ngày</b> nào? | Thứ Hai | Thứ Ba due 31/12 multi"
        )
        assert call.method == "sendPoll" and call.text == "#1 Họp <b>ngày</b> nào?"
        assert call.params["is_anonymous"] is False
        assert call.params["allows_multiple_answers"] is True
        assert "question_parse_mode" not in call.params  # user text is sent as plain text
        assert [o.get("text_parse_mode") for o in call.params["options"]] == [None, None]
        note = vi("poll.named_note", number=1)
        assert conv.new_texts(GROUP.id)[1] == vi("poll.opened", number=1, deadline=DUE, note=note)
        poll_id = call.result["poll"]["id"]
        await conv.vote(poll_id, MEMBER_A, [0, 1])
        await conv.vote(poll_id, CHAIR, [1])
        await conv.vote(poll_id, OUTSIDER, [0])  # recorded, not counted
        await conv.vote(poll_id, MEMBER_B, [0])
        await conv.vote(poll_id, MEMBER_B, [])  # retracted
        assert conv.new_texts() == []  # answers are silent
        pending = await conv.ask(GROUP, MEMBER_A, "/chuatraloi #1")
        names = Html(f"{link(DEPUTY, 'Hoàng Nam')}, {link(MEMBER_B, 'Trần Bình')}")
        assert pending == vi("vote.pending", number=1, count=2, eligible=4, names=names)

        assert await conv.ask(GROUP, DEPUTY, "/close 1") == vi(
            "common.forbidden", command="close", roles="Trưởng ban, Thư ký"
        )
        await conv.send(GROUP, SECRETARY, "/close 1")
        assert [c.method for c in conv.new_calls()].count("stopPoll") == 1
        assert fake.polls[poll_id]["poll"]["is_closed"] is True
        expected = lines(
            vi("poll.result", number=1, title="Họp <b>ngày</b> nào?"),
            vi("poll.option_named", option="Thứ Hai", count=1, names="Nguyễn An"),
            vi("poll.option_named", option="Thứ Ba", count=2, names="Võ Văn Hưng, Nguyễn An"),
            vi("vote.turnout", voted=2, eligible=4),
            vi("vote.non_voters", names="Hoàng Nam, Trần Bình"),
            vi("vote.others", count=1),
        )
        assert conv.new_texts(GROUP.id) == [expected]
        assert "&lt;b&gt;ngày&lt;/b&gt;" in expected

        await conv.vote(poll_id, DEPUTY, [0])  # after close: kept as late, not counted
        shown = await conv.ask(GROUP, MEMBER_A, "/show 1")
        assert vi("vote.turnout", voted=2, eligible=4) in shown
        assert "• 01/12 09:00 Hoàng Nam: Thứ Hai (sau khi đóng, không tính)" in shown
        assert "• 01/12 09:00 Trần Bình: rút lại lựa chọn" in shown
        assert "• 01/12 09:00 người dùng 199: Thứ Hai" in shown
        assert await conv.ask(GROUP, SECRETARY, "/close 1") == vi("vote.already_closed", number=1)
        vote = await services(conv).votes.get(1)
        assert (vote.poll_id, vote.item.message_id) == (poll_id, call.result["message_id"])
        assert (vote.outcome, vote.eligible_count) == ("closed", 4)


async def test_anonymous_poll_only_counts_and_says_so(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        call = await conv.ask_raw(GROUP, CHAIR, "/thamdo Chọn địa điểm | Hà Nội | Huế andanh")
        assert call.params["is_anonymous"] is True and call.text == "#1 Chọn địa điểm"
        note = vi("poll.anon_note")
        opened = vi("poll.opened", number=1, deadline=vi("poll.no_deadline"), note=note)
        assert conv.new_texts(GROUP.id)[1] == opened
        poll_id = call.result["poll"]["id"]
        for user, choice in ((MEMBER_A, [0]), (MEMBER_B, [1]), (OUTSIDER, [0])):
            await conv.vote(poll_id, user, choice)  # the fake counts; the bot learns no names
        assert await conv.ask(GROUP, MEMBER_A, "/pending 1") == vi("poll.pending_anon", number=1)
        # a `poll` update carries the counts (the fake has no helper for it yet)
        await conv.deliver(fake._enqueue("poll", fake.polls[poll_id]["poll"]))
        shown = await conv.ask(GROUP, MEMBER_A, "/show 1")
        assert vi("poll.option_line", option="Hà Nội", count=2) in shown
        assert vi("poll.anon_turnout", voters=3, eligible=4) in shown
        await conv.vote(poll_id, MEMBER_A, [1])  # changed before close: only stopPoll tells
        await conv.send(GROUP, CHAIR, "/dong 1")
        assert conv.new_texts(GROUP.id) == [
            lines(
                vi("poll.result", number=1, title="Chọn địa điểm"),
                vi("poll.option_line", option="Hà Nội", count=1),
                vi("poll.option_line", option="Huế", count=2),
                vi("poll.anon_turnout", voters=3, eligible=4),
            )
        ]


async def test_motion_by_buttons_with_live_counter_and_the_pass_rule(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await conv.ask_raw(GROUP, CHAIR, "/bieuquyet Thông qua kế hoạch 2027 hạn 31/12")
        text = vi(
            "vote.card",
            number=1,
            title="Thông qua kế hoạch 2027",
            deadline=DUE,
            voted=0,
            eligible=4,
        )
        assert card.text == text
        assert [label for label, _ in conv.keyboard(card)[0]] == [
            "✅ Tán thành",
            "❌ Không tán thành",
            "⚪ Không biểu quyết",
        ]

        await conv.press_button(GROUP, MEMBER_A, "Tán thành", card)
        assert conv.last_answer() == vi("vote.cast_done", choice="Tán thành", number=1)
        [edit] = conv.new_edits(GROUP.id)
        assert edit.text == text.replace("<b>0/4</b>", "<b>1/4</b>")
        await conv.press_button(GROUP, MEMBER_A, "Tán thành", card)
        assert conv.last_answer() == vi("vote.cast_same", choice="Tán thành")
        await conv.press_button(GROUP, MEMBER_A, "Không tán thành", card)  # change: same 1/4
        assert conv.last_answer() == vi("vote.cast_done", choice="Không tán thành", number=1)
        assert conv.new_edits(GROUP.id) == []  # the counter did not change: no edit
        await conv.press_button(GROUP, MEMBER_A, "Tán thành", card)

        await conv.press_button(GROUP, SECRETARY, "Tán thành", card)
        assert conv.last_answer() == (
            "Nút này chỉ dành cho: Trưởng ban, "
            "Phó Trưởng ban Thường trực, Phó Trưởng ban, Thành viên."
        )
        await conv.press_button(GROUP, OUTSIDER, "Tán thành", card)
        assert conv.last_answer() == (
            "Đồng chí chưa là thành viên của Ban. Gõ /join Tên cơ quan để tham gia."
        )
        assert conv.new_edits(GROUP.id) == []
        await conv.press_button(GROUP, CHAIR, "Tán thành", card)
        await conv.press_button(GROUP, MEMBER_B, "Không tán thành", card)
        await conv.press_button(GROUP, DEPUTY, "Không biểu quyết", card)
        assert "<b>4/4</b>" in conv.new_edits(GROUP.id)[-1].text and conv.keyboard(card)

        shown = await conv.ask(GROUP, MEMBER_B, "/show 1")
        assert (
            vi("vote.choice_line", choice="Tán thành", count=2, names="Võ Văn Hưng, Nguyễn An")
            in shown
        )
        assert "• 01/12 09:00 Nguyễn An: Không tán thành" in shown
        assert await conv.ask(GROUP, MEMBER_A, "/pending 1") == vi("vote.pending_none", number=1)

        await conv.send(GROUP, CHAIR, "/close 1")
        [closed_card] = conv.new_edits(GROUP.id)
        assert "🔒" in closed_card.text and conv.keyboard(card) == []
        assert conv.new_texts(GROUP.id) == [
            lines(
                vi("vote.result", number=1, title="Thông qua kế hoạch 2027"),
                vi("vote.passed"),
                vi("vote.rule.tie_chair_for", votes_for=2, eligible=4, needed=3),
                vi("vote.choice_line", choice="Tán thành", count=2, names="Võ Văn Hưng, Nguyễn An"),
                vi("vote.choice_line", choice="Không tán thành", count=1, names="Trần Bình"),
                vi("vote.choice_line", choice="Không biểu quyết", count=1, names="Hoàng Nam"),
                vi("vote.turnout", voted=4, eligible=4),
                vi("vote.non_voters", names="—"),
            )
        ]
        await conv.press(GROUP, MEMBER_B, card, "v1:v:b:1:f")  # a stale client still shows it
        assert conv.last_answer() == vi("vote.closed", number=1)
        assert len(await services(conv).votes.history(await services(conv).votes.get(1))) == 6


async def test_refusals_change_nothing(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        asks = [
            (SECRETARY, "/poll Q", vi("poll.usage")),  # bare /poll: the guided flow
            (SECRETARY, "/poll Chỉ có câu hỏi", vi("poll.usage")),
            (SECRETARY, "/poll Q | một", vi("poll.option_count", low=2, high=10, n=1)),
            (
                SECRETARY,
                "/poll Q" + " | o" * 11 + "x",
                vi("poll.option_count", low=2, high=10, n=11),
            ),
            (SECRETARY, "/poll Q | a || b", vi("poll.empty_option", position=2)),
            (
                SECRETARY,
                "/poll Q | a | " + "x" * 101,
                vi("poll.option_too_long", position=2, limit=100),
            ),
            (SECRETARY, "/poll Q | a | a", vi("poll.duplicate_option")),
            (SECRETARY, "/poll " + "x" * 298 + " | a | b", vi("poll.question_too_long", limit=297)),
            (
                SECRETARY,
                "/poll Q | a | b due 01/01/2020",
                vi("date.past", text="01/01/2020", when="01/01/2020"),
            ),
            (SECRETARY, "/vote hạn 31/12", vi("vote.usage")),  # bare /vote: the guided flow
            (SECRETARY, "/vote Kế hoạch", vi("vote.no_deadline")),
            (SECRETARY, "/vote Kế hoạch hạn hôm qua", vi("vote.no_deadline")),
            (SECRETARY, "/vote Kế hoạch due 32/12", vi("date.impossible", text="32/12")),
            (
                SECRETARY,
                "/vote Kế hoạch due 01/12 08:00",
                vi("date.past_time", text="01/12 08:00", when="01/12/2026 08:00"),
            ),
            (
                MEMBER_A,
                "/vote Kế hoạch due 31/12",
                vi("vote.create_forbidden"),  # a member may vote with /vote N tán thành
            ),
            (OUTSIDER, "/poll Q | a | b", vi("common.not_member")),
            (SECRETARY, "/close 9", vi("item.not_found", number=9)),
            (SECRETARY, "/pending 9", vi("item.not_found", number=9)),
            (SECRETARY, "/close x", vi("close.usage")),
        ]
        for user, text, expected in asks:
            assert await conv.ask(GROUP, user, text) == expected, text
        assert await committee_items(conv) == 0 and fake.calls_of("sendPoll") == []
        await conv.send(GROUP, MEMBER_A, "/lang en")
        assert await conv.ask(GROUP, MEMBER_A, "/pending") == en("pending.usage")


async def test_deadline_auto_close_posts_what_close_posts(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await conv.ask_raw(GROUP, SECRETARY, "/vote Kế hoạch due +2h")
        poll = await conv.ask_raw(GROUP, SECRETARY, "/poll Q | a | b due +1h")
        later = await conv.ask_raw(GROUP, SECRETARY, "/vote Sau due +3d")
        await conv.press_button(GROUP, MEMBER_A, "Tán thành", card)
        await conv.press_button(GROUP, CHAIR, "Tán thành", card)
        await conv.press_button(GROUP, DEPUTY, "Tán thành", card)
        await conv.vote(poll.result["poll"]["id"], MEMBER_B, [1])
        assert auto_close in registry.AUTO_CLOSERS
        clock.advance(hours=2)
        mark = len(fake.calls)
        await auto_close(conv.app, clock.now())
        new = fake.calls[mark:]
        assert [c.method for c in new if c.method in ("stopPoll", "sendMessage")] == [
            "stopPoll",
            "sendMessage",
            "sendMessage",
        ]
        texts = [c.text for c in new if c.method == "sendMessage"]
        assert texts[0] == lines(
            vi("poll.result", number=2, title="Q"),
            vi("poll.option_line", option="a", count=0),
            vi("poll.option_named", option="b", count=1, names="Trần Bình"),
            vi("vote.turnout", voted=1, eligible=4),
            vi("vote.non_voters", names="Võ Văn Hưng, Hoàng Nam, Nguyễn An"),
        )
        assert texts[1].startswith(vi("vote.result", number=1, title="Kế hoạch"))
        assert vi("vote.rule.majority", votes_for=3, eligible=4, needed=3) in texts[1]
        assert conv.keyboard(card) == [] and conv.keyboard(later)
        await auto_close(conv.app, clock.now())  # nothing more is due
        assert fake.calls_of("stopPoll")[1:] == []
        assert (await services(conv).votes.get(3)).is_open


async def test_card_edits_are_coalesced_while_one_is_in_flight(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await conv.ask_raw(GROUP, CHAIR, "/vote Kế hoạch hạn 31/12")
        svc = services(conv)
        committee = await svc.committees.by_chat(GROUP.id)
        seats = {m.user_id: m for m in await svc.members.list(committee.id)}
        editor = card_editor(conv.app)
        await svc.votes.cast(committee, seats[MEMBER_A.id], 1, "for")
        fake.delay_next("editMessageText", 0.5)
        first = asyncio.create_task(editor.changed("vote", 1))
        await fake.wait_for(lambda: fake.calls_of("editMessageText"), what="the first edit")
        for user in (MEMBER_B, DEPUTY):  # two more ballots while that edit is in flight
            await svc.votes.cast(committee, seats[user.id], 1, "against")
            await editor.changed("vote", 1)  # returns at once: marked for one more edit
        await first
        edits = [c.text for c in fake.calls_of("editMessageText") if c.ok]
        assert len(edits) == 2 and "<b>1/4</b>" in edits[0] and "<b>3/4</b>" in edits[1]
        assert conv.keyboard(card)


async def test_an_early_close_of_a_motion_asks_first_and_states_the_pass_rule(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        card = await conv.ask_raw(GROUP, SECRETARY, "/vote Thông qua kế hoạch 2027 due 31/12")
        await conv.press(GROUP, CHAIR, card, "v1:v:b:1:f")
        await conv.press(GROUP, MEMBER_A, card, "v1:v:b:1:f")
        asked = await conv.ask_raw(GROUP, CHAIR, "/close 1")
        assert asked.text == vi(
            "close.confirm.vote", number=1, title="Thông qua kế hoạch 2027", pending=2,
            eligible=4, needed=3, deadline="Thứ Năm, 31/12/2026 23:59",
        )  # fmt: skip
        assert "tổng số 4 thành viên" in asked.text and "cần ít nhất 3" in asked.text
        assert (await services(conv).votes.get(1)).is_open
        await conv.press_button(GROUP, CHAIR, "Đóng ngay", asked)
        [result] = conv.new_texts(GROUP.id)
        assert result.startswith(
            lines(
                vi("vote.result", number=1, title="Thông qua kế hoạch 2027"),
                vi("vote.passed"),
                vi("vote.rule.tie_chair_for", votes_for=2, eligible=4, needed=3),
                vi("vote.early_rule", eligible=4, silent=2),
            )
        )
        assert conv.keyboard(card) == [] and conv.keyboard(asked) == []
        # In English, for an English reader; a poll closes at once (no pass rule to warn of).
        await conv.send(GROUP, SECRETARY, "/lang en")
        await conv.send(GROUP, SECRETARY, "/vote Second motion due 31/12")
        asked = await conv.ask_raw(GROUP, SECRETARY, "/close 2")
        assert asked.text == en(
            "close.confirm.vote", number=2, title="Second motion", pending=4, eligible=4,
            needed=3, deadline="Thursday, 31/12/2026 23:59",
        )  # fmt: skip
        assert "4 of 4 members have not voted yet" in asked.text
        await conv.press_button(GROUP, SECRETARY, "Keep open", asked)
        assert (await services(conv).votes.get(2)).is_open
        await conv.send(GROUP, SECRETARY, "/poll Ngày họp? | Thứ Hai | Thứ Ba due 31/12")
        await conv.send(GROUP, SECRETARY, "/close 3")
        assert conv.new_texts(GROUP.id)[0].startswith(
            vi("poll.result", number=3, title="Ngày họp?")
        )
        await card_editor(conv.app).flush()
