"""Transcripts of the bot that chases: task and consultation reminders, private copies, ad-hoc
reminders, quiet hours, Telegram errors and the real JobQueue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Html
from handlers import jobs
from handlers.jobs import sweeper_of
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    SECRETARY,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import private_chat

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


def link(user) -> Html:
    name = " ".join(filter(None, (user.first_name, user.last_name)))
    return Html(f'<a href="tg://user?id={user.id}">{name}</a>')


async def sweep_at(conv, fake, clock, when, chat_id=GROUP.id) -> list[str]:
    """Move the shared clock, run the sweep as the job would, return the new texts in a chat."""
    clock.set(when)
    mark = len(fake.calls)
    await sweeper_of(conv.app).sweep()
    fresh = {id(c) for c in fake.calls[mark:]}
    return [c.text for c in fake.sent(chat_id) if id(c) in fresh]


def task_reminder(key, lines, **params) -> str:
    return "\n".join([vi(key, **params), *lines])


async def test_task_reminders_offsets_overdue_and_escalation(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(private_chat(MEMBER_A), MEMBER_A, "/start")
        await conv.send(
            GROUP, SECRETARY, "/assign @so_taichinh @so_tttt Báo cáo kinh phí hạn 04/12"
        )
        people = [
            vi("reminder.lead", name=link(MEMBER_A)),
            vi("reminder.cooperators", names=link(MEMBER_B)),
        ]
        common = {"number": 1, "title": "Báo cáo kinh phí", "deadline": "Thứ Sáu, 04/12/2026 23:59"}
        assert await sweep_at(conv, fake, clock, local(2026, 12, 3, 7, 59)) == []
        thursday = await sweep_at(conv, fake, clock, local(2026, 12, 3, 8))
        expected = task_reminder(
            "reminder.offset",
            [*people, vi("reminder.show", number=1)],
            left="1 ngày 15 giờ",
            **common,
        )
        assert thursday == [expected]
        private = fake.sent(MEMBER_A.id)[-1]
        assert private.text == "\n".join([
            vi("batch.private_header", count=1), "",
            vi("batch.private_committee", title="Ban Chỉ đạo Chuyển đổi số"),
            vi("reminder.offset", left="1 ngày 15 giờ", **common),
            vi("batch.lead"),
        ])  # fmt: skip
        assert conv.keyboard(private) == [
            [("#1 📊 Tiến độ", "v1:r:1:t:p:1"), ("#1 ✅ Hoàn thành", "v1:r:1:t:d:1")]
        ]
        assert fake.sent(MEMBER_B.id) == []  # never opened a private chat
        assert await sweep_at(conv, fake, clock, local(2026, 12, 3, 9)) == []
        assert len(await sweep_at(conv, fake, clock, local(2026, 12, 4, 8))) == 1
        assert await sweep_at(conv, fake, clock, local(2026, 12, 5, 8)) == []  # Saturday
        texts = []
        for day in (7, 8, 9, 10):
            texts += await sweep_at(conv, fake, clock, local(2026, 12, day, 8))
        assert len(texts) == 4 and texts[0].startswith("📰")  # Monday 08:00: the digest's time
        # The Monday reminder is the digest's last section, not a message of its own.
        [_digest, monday] = texts[0].split("\n\n" + vi("batch.section", count=1) + "\n\n")
        texts = [monday, *texts[1:]]
        assert texts[0] == task_reminder(
            "reminder.overdue",
            [*people, vi("reminder.show", number=1)],
            late="2 ngày 8 giờ",
            progress=0,
            count=1,
            **common,
        )
        assert all("📣" not in text for text in texts[:3])
        escalation = vi(
            "reminder.escalation", names=Html(f"{link(CHAIR)}, {link(SECRETARY)}"), count=4
        )
        assert escalation in texts[3]
        await conv.send(GROUP, MEMBER_A, "/done 1")
        assert await sweep_at(conv, fake, clock, local(2026, 12, 11, 8)) == []


async def test_private_copies_follow_notify_and_a_blocked_bot(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        for user in (MEMBER_A, MEMBER_B):
            await conv.send(private_chat(user), user, "/start")
        await conv.send(GROUP, MEMBER_B, "/notify off")
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh @so_tttt Việc X hạn 04/12")
        before_b = len(fake.sent(MEMBER_B.id))
        fake.fail_next("sendMessage", 403, description="Forbidden: bot was blocked by the user",
                       chat_id=MEMBER_A.id)  # fmt: skip
        sent = await sweep_at(conv, fake, clock, local(2026, 12, 3, 8))
        assert len(sent) == 1  # the group message still goes out
        assert len(fake.sent(MEMBER_B.id)) == before_b  # notify off
        prefs = await services(conv).users.get(MEMBER_A.id)
        assert not prefs.can_dm  # marked unreachable
        members = await conv.ask(GROUP, SECRETARY, "/members")
        assert (
            "Nguyễn An (Sở Tài chính)\n" in members and "Nguyễn An (Sở Tài chính) ✉️" not in members
        )
        tries = len(fake.calls_of("sendMessage"))
        assert len(await sweep_at(conv, fake, clock, local(2026, 12, 4, 8))) == 1
        to_a = [
            c
            for c in fake.calls_of("sendMessage")[tries:]
            if c.params.get("chat_id") == MEMBER_A.id
        ]
        assert to_a == []  # unreachable: no more private attempts until /start again


async def test_a_429_waits_retries_and_never_drops(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/remind +1h Họp giao ban")
        fake.fail_next("sendMessage", 429, retry_after=1, chat_id=GROUP.id)
        sent = await sweep_at(conv, fake, clock, clock.now() + timedelta(hours=1))
        assert len(sent) == 1 and "Họp giao ban" in sent[0]
        attempts = [c for c in fake.calls_of("sendMessage") if "Họp giao ban" in str(c.params)]
        assert [c.status for c in attempts[-2:]] == [429, 200]
        assert await sweep_at(conv, fake, clock, clock.now() + timedelta(minutes=1)) == []


async def test_remind_reminders_unremind(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        reply = await conv.ask(GROUP, SECRETARY, "/remind +2h Họp Ban Chỉ đạo lúc 14:00")
        assert reply == vi("remind.done", number=1, when="Thứ Ba, 01/12/2026 11:00",
                           text="Họp Ban Chỉ đạo lúc 14:00")  # fmt: skip
        saturday = await conv.ask(GROUP, DEPUTY, "/remind 05/12 10:00 Kiểm tra <b>hệ thống</b>")
        assert saturday == vi("remind.done", number=2, when="Thứ Hai, 07/12/2026 07:00",
                              text="Kiểm tra <b>hệ thống</b>")  # fmt: skip
        await sweep_at(conv, fake, clock, clock.now())  # the first sweep plans the new digest
        listing = await conv.ask(GROUP, MEMBER_A, "/reminders")
        assert listing.startswith(vi("reminders.header", count=2))
        assert vi("reminders.line", number=1, when="Thứ Ba, 01/12/2026 11:00",
                  text="Họp Ban Chỉ đạo lúc 14:00", author="Lê Thư Ký") in listing  # fmt: skip
        assert "Kiểm tra &lt;b&gt;hệ thống&lt;/b&gt;" in listing
        assert vi("reminders.auto_line", when="Thứ Hai, 07/12/2026 08:00",
                  what=vi("reminders.auto_digest")) in listing  # fmt: skip
        for user, text, key, params in (
            (MEMBER_A, "/remind +1h x", "common.forbidden", None),
            # bare /remind starts the guided flow (tests/test_chat_flows.py)
            (SECRETARY, "/remind +2h", "remind.usage", {}),
            (SECRETARY, "/remind Họp lúc nào đó", "remind.usage", {}),
            (SECRETARY, "/remind +1h " + "x" * 2001, "common.too_long", {"limit": 2000}),
            (CHAIR, "/unremind 1", "common.forbidden", None),
            (SECRETARY, "/unremind một", "unremind.usage", {}),
            (SECRETARY, "/unremind 9", "unremind.not_found", {"number": 9}),
        ):
            answer = await conv.ask(GROUP, user, text)
            if params is not None:
                assert answer == vi(key, **params), text
            else:
                assert answer.startswith(vi(key, command=text.split()[0][1:], roles="X")[:20])
        rows = await services(conv).reminders.scheduled(
            await services(conv).committees.by_chat(GROUP.id)
        )
        assert [r.seq for r, _ in rows if r.kind == "adhoc"] == [1, 2]
        assert await conv.ask(GROUP, SECRETARY, "/unremind 1") == vi(
            "unremind.done", number=1, text="Họp Ban Chỉ đạo lúc 14:00"
        )
        await conv.send(GROUP, CHAIR, "/nhac +3h Gửi số liệu")
        assert await sweep_at(conv, fake, clock, local(2026, 12, 1, 11, 30)) == []
        [sent] = await sweep_at(conv, fake, clock, local(2026, 12, 1, 12))
        assert sent == vi("reminder.adhoc", text="Gửi số liệu", author="Võ Văn Hưng")
        weekend = await sweep_at(conv, fake, clock, local(2026, 12, 5, 10))
        assert weekend == []  # Saturday: waits for Monday
        [monday] = await sweep_at(conv, fake, clock, local(2026, 12, 7, 7))
        assert monday.startswith(vi("reminder.adhoc", text="Kiểm tra <b>hệ thống</b>",
                                    author="Hoàng Nam"))  # fmt: skip


async def test_consultation_reminders_then_auto_close_after_quiet_hours(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/consult Góp ý dự thảo Quy chế hạn 07/12")
        await conv.send(GROUP, MEMBER_A, "/opinion 1 agree")
        [friday] = await sweep_at(conv, fake, clock, local(2026, 12, 4, 8))
        silent = Html(", ".join(link(u) for u in (CHAIR, DEPUTY, MEMBER_B)))
        assert friday == "\n".join([
            vi("reminder.pending_consultation", number=1, title="Góp ý dự thảo Quy chế",
               deadline="Thứ Hai, 07/12/2026 23:59", left="3 ngày 15 giờ", count=3, names=silent),
            vi("reminder.show", number=1),
        ])  # fmt: skip
        await conv.send(GROUP, DEPUTY, "/opinion 1 agree")
        [monday] = await sweep_at(conv, fake, clock, local(2026, 12, 7, 8))
        # One Monday post: the digest, and the reminder as its last section.
        digest, reminder = monday.split("\n\n" + vi("batch.section", count=1) + "\n\n")
        assert vi("digest.open", count=1) in digest and digest.startswith("📰")
        assert "(2)" in reminder and link(DEPUTY) not in reminder
        assert await sweep_at(conv, fake, clock, local(2026, 12, 8, 0, 5)) == []  # quiet: waits
        item = await services(conv).items.by_number(1, 1)
        assert item.status == "open"
        posted = await sweep_at(conv, fake, clock, local(2026, 12, 8, 7))
        assert len(posted) >= 1 and "Góp ý dự thảo Quy chế" in posted[0]
        assert (await services(conv).items.by_number(1, 1)).status == "closed"
        assert await sweep_at(conv, fake, clock, local(2026, 12, 8, 8)) == []


async def test_the_real_job_queue_sends_a_one_minute_reminder(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(jobs, "SWEEP_INTERVAL", 0.05)  # real wake-ups, bounded by an event wait
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/remind +1m Bắt đầu họp trực tuyến")
        assert conv.app.job_queue.get_jobs_by_name(jobs.JOB_NAME)
        expected = vi("reminder.adhoc", text="Bắt đầu họp trực tuyến", author="Lê Thư Ký")
        arrived = lambda: [c for c in fake.sent(GROUP.id) if c.text == expected]  # noqa: E731
        assert arrived() == []
        clock.advance(seconds=61)
        await fake.wait_for(arrived, timeout=5, what="the reminder sent by the JobQueue")
        sweeps = sweeper_of(conv.app).sweeps
        await fake.wait_for(lambda: sweeper_of(conv.app).sweeps > sweeps + 2, timeout=5)
        assert len(arrived()) == 1
