"""Transcripts of batching (issue 13): one group post per moment, one private message per person
whose buttons do what the group cards' buttons do, and the daily ceiling `maxposts`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Html
from bot.services.reminder_sweep import Contributor, Dispatch
from handlers.jobs import sweeper_of
from handlers.reminder_lines import KINDS as reminder_lines_table
from handlers.reminder_lines import reminder_lines
from storage.db import to_db
from tests.chat import (
    CHAIR,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    OTHER_GROUP,
    OUTSIDER,
    SECRETARY,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import private_chat

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = "Ban Chỉ đạo Chuyển đổi số"


def local(d, h=0, mi=0) -> datetime:
    return datetime(2026, 12, d, h, mi, tzinfo=HANOI).astimezone(UTC)


def link(user) -> Html:
    name = " ".join(filter(None, (user.first_name, user.last_name)))
    return Html(f'<a href="tg://user?id={user.id}">{name}</a>')


async def sweep_at(conv, fake, clock, when):
    """Run the sweep at `when`; return the new successful send calls."""
    clock.set(when)
    mark = len(fake.calls)
    await sweeper_of(conv.app).sweep()
    return [c for c in fake.calls[mark:] if c.ok and c.method.startswith("send")]


async def test_one_post_one_private_message_and_its_buttons_act_like_the_cards(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for user in (MEMBER_A, CHAIR):
            await conv.send(private_chat(user), user, "/start")
        await conv.send(
            GROUP, SECRETARY, "/assign @so_taichinh @so_tttt Báo cáo kinh phí hạn 04/12"
        )
        await conv.send(GROUP, SECRETARY, "/consult Góp ý dự thảo Quy chế hạn 07/12")
        await conv.send(GROUP, SECRETARY, "/vote Thông qua Quy chế hạn 07/12")
        friday = await sweep_at(conv, fake, clock, local(4, 8))
        [post] = [c for c in friday if c.chat_id == GROUP.id]
        assert post.text.startswith(vi("batch.header", title=TITLE, count=3))
        for needle in ("Nhắc hạn nhiệm vụ #1", "Nhắc cho ý kiến #2", "Nhắc biểu quyết #3"):
            assert post.text.count(needle) == 1
        assert link(MEMBER_B) in post.text  # the group post mentions whom each line concerns
        [mine] = [c for c in friday if c.chat_id == MEMBER_A.id]
        assert mine.text.startswith(vi("batch.private_header", count=3))
        assert vi("batch.private_committee", title=TITLE) in mine.text
        assert vi("batch.lead") in mine.text
        for needle in ("Nhắc hạn nhiệm vụ #1", "Nhắc cho ý kiến #2", "Nhắc biểu quyết #3"):
            assert mine.text.count(needle) == 1
        assert "tg://user" not in mine.text  # never the others who have not answered
        assert [label for row in conv.keyboard(mine) for label, _ in row] == [
            "#1 📊 Tiến độ", "#1 ✅ Hoàn thành",
            "#2 ✅ Đồng ý", "#2 📝 Đồng ý, có ý kiến", "#2 ❌ Không đồng ý",
            "#3 ✅ Tán thành", "#3 ❌ Không tán thành", "#3 ⚪ Không biểu quyết",
        ]  # fmt: skip
        [chair] = [c for c in friday if c.chat_id == CHAIR.id]  # silent on #2 and #3 only
        assert "Nhắc hạn nhiệm vụ #1" not in chair.text and "Nhắc cho ý kiến #2" in chair.text
        me = private_chat(MEMBER_A)
        svc = services(conv)
        await conv.press_button(me, MEMBER_A, "#2 ✅ Đồng ý", mine)
        assert conv.last_answer() == vi("consult.recorded_notice", answer="Đồng ý")
        consultation = await svc.items.by_number(1, 2)
        assert MEMBER_A.id not in {
            m.user_id for m in await svc.consultations.pending_members(consultation)
        }
        await conv.press_button(me, MEMBER_A, "#3 ✅ Tán thành", mine)
        assert conv.last_answer() == vi("vote.cast_done", choice="Tán thành", number=3)
        await conv.press_button(me, MEMBER_A, "#1 📊 Tiến độ", mine)
        [percents] = conv.new_sent(MEMBER_A.id)
        assert percents.text == vi("batch.percent", number=1, title="Báo cáo kinh phí")
        await conv.press_button(me, MEMBER_A, "50%", percents)
        assert conv.last_answer() == vi("task.notice.progress", number=1, percent=50)
        assert (await svc.tasks.get((await svc.items.by_number(1, 1)).id)).progress == 50
        await conv.press_button(me, MEMBER_A, "#1 ✅ Hoàn thành", mine)
        assert conv.last_answer() == vi("task.notice.done", number=1)
        assert (await svc.items.by_number(1, 1)).status == "done"
        # "Agree with comments" asks for the text right there, in the private chat.
        await conv.press_button(me, MEMBER_A, "#2 📝 Đồng ý, có ý kiến", mine)
        [prompt] = conv.new_sent(MEMBER_A.id)
        assert conv.last_answer() == vi("batch.comment_notice")
        await conv.send(me, MEMBER_A, "Cần bổ sung điều 5", reply_to=prompt.result)
        rows = await svc.db.fetchall(
            "SELECT answer, text FROM current_opinions WHERE item_id = ?", (consultation.id,)
        )
        assert [tuple(r) for r in rows] == [("agree_with_comments", "Cần bổ sung điều 5")]
        # The group cards follow: the task card shows it done, the consultation counts A.
        cards = [c for c in fake.edits(GROUP.id) if "#1" in (c.params.get("text") or "")]
        assert cards and "50%" in str([c.params.get("text") for c in cards])
        # Someone without a seat, and a role the card's gate refuses, change nothing.
        data = dict(b for row in conv.keyboard(mine) for b in row)["#3 ❌ Không tán thành"]
        await conv.press(private_chat(OUTSIDER), OUTSIDER, mine, data)
        assert conv.last_answer() == vi("common.stale_button")
        await conv.press(private_chat(SECRETARY), SECRETARY, mine, data)
        assert conv.last_answer().startswith(vi("common.forbidden_button", roles="")[:10])
        assert await svc.db.fetchval("SELECT count(*) FROM ballots") == 1


async def test_maxposts_holds_what_does_not_fit_until_the_next_morning(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        reply = await conv.ask(GROUP, SECRETARY, "/settings maxposts 1")
        label = vi("settings.label.maxposts")
        assert reply == vi("settings.changed_one", label=label, key="maxposts", value="1")
        assert await conv.ask(GROUP, SECRETARY, "/settings maxposts 99") == vi(
            "settings.usage_maxposts"
        )
        await conv.send(GROUP, SECRETARY, "/settings digest mon 07:30")
        await conv.send(GROUP, SECRETARY, "/settings reminders 2d")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Việc một hạn 09/12")  # Mon 08:00
        await conv.send(GROUP, SECRETARY, "/assign @so_tttt Việc hai hạn 10/12")  # Tue 08:00
        await conv.send(GROUP, SECRETARY, "/remind 07/12 07:10 Họp giao ban")
        await conv.send(GROUP, SECRETARY, "/remind 07/12 09:00 Gửi số liệu")
        await sweep_at(conv, fake, clock, local(1, 10))  # plans the new digest
        [adhoc] = await sweep_at(conv, fake, clock, local(7, 7, 10))  # asked for: not counted
        assert "Họp giao ban" in adhoc.text
        [digest] = await sweep_at(conv, fake, clock, local(7, 7, 30))
        assert digest.text.startswith("📰")  # Monday's one post
        assert await sweep_at(conv, fake, clock, local(7, 8)) == []  # #1 waits
        [adhoc] = await sweep_at(conv, fake, clock, local(7, 9))  # asked for: goes anyway
        assert "Gửi số liệu" in adhoc.text
        [tuesday] = await sweep_at(conv, fake, clock, local(8, 8))  # merged with Tuesday's
        assert tuesday.text.startswith(vi("batch.header", title=TITLE, count=2))
        assert "Nhắc hạn nhiệm vụ #1" in tuesday.text and "Nhắc hạn nhiệm vụ #2" in tuesday.text
        assert await sweep_at(conv, fake, clock, local(8, 9)) == []


async def test_one_private_message_across_committees(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await set_up_committee(conv, fake, OTHER_GROUP)
        await conv.send(private_chat(MEMBER_A), MEMBER_A, "/start")
        for chat in (GROUP, OTHER_GROUP):
            await conv.send(chat, SECRETARY, "/assign @so_taichinh Báo cáo quý hạn 04/12")
            await conv.send(chat, SECRETARY, "/assign @so_tttt @so_taichinh Số liệu hạn 04/12")
        thursday = await sweep_at(conv, fake, clock, local(3, 8))
        assert [c.chat_id for c in thursday if c.chat_id in (GROUP.id, OTHER_GROUP.id)] == [
            GROUP.id,
            OTHER_GROUP.id,
        ]  # one post in each group
        [mine] = [c for c in thursday if c.chat_id == MEMBER_A.id]  # one message, both groups
        assert mine.text.startswith(vi("batch.private_header", count=4))
        assert mine.text.count(vi("batch.private_committee", title=TITLE)) == 2
        assert (
            mine.text.count(vi("batch.lead")) == 2 and mine.text.count(vi("batch.cooperator")) == 2
        )
        data = [d for row in conv.keyboard(mine) for _, d in row]
        assert {d.split(":")[2] for d in data} == {"1", "2"}  # each button names its committee


async def test_another_item_kind_plugs_its_lines_into_the_batch(tmp_path, clock):
    """The extension point meetings and collections use: a Contributor on the service side,
    `reminder_lines` on the Telegram side; their rows go out in the same post and message."""
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(private_chat(MEMBER_A), MEMBER_A, "/start")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 04/12")
        svc = services(conv)
        committee = await svc.committees.by_chat(GROUP.id)
        member_a = await svc.roster.seat(committee, MEMBER_A.id)

        async def prepare(row, committee, now):
            return Dispatch(row, committee, None, (member_a,), data=row.text)

        def line(d, *_):
            return Html(f"📅 <b>Họp sắp tới</b>: {d.data}")

        svc.reminders.contribute("meeting", Contributor(prepare))
        previous = reminder_lines_table.get("meeting")
        reminder_lines("meeting", group=line, private=line)
        try:
            await svc.db.execute(
                "INSERT INTO reminders (committee_id, kind, planned_at, due_at, text, created_at)"
                " VALUES (?, 'meeting', ?, ?, 'Phiên họp quý IV', ?)",
                (committee.id, to_db(local(3, 8)), to_db(local(3, 8)), to_db(clock.now())),
            )
            thursday = await sweep_at(conv, fake, clock, local(3, 8))
        finally:
            if previous is None:
                reminder_lines_table.pop("meeting", None)
            else:
                reminder_lines_table["meeting"] = previous
        [post] = [c for c in thursday if c.chat_id == GROUP.id]
        assert post.text.startswith(vi("batch.header", title=TITLE, count=2))
        assert (
            "Nhắc hạn nhiệm vụ #1" in post.text and "Họp sắp tới</b>: Phiên họp quý IV" in post.text
        )
        [mine] = [c for c in thursday if c.chat_id == MEMBER_A.id]
        assert "Họp sắp tới</b>: Phiên họp quý IV" in mine.text and "#1" in mine.text
        assert await sweep_at(conv, fake, clock, local(3, 9)) == []  # marked sent
