"""Exactly once across restarts, and a committee left alone for a simulated month."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import scheduler
from bot.services.settings import config_of
from bot.wiring.app import build_application
from handlers import jobs
from handlers.jobs import sweeper_of
from tests.chat import (
    DEPUTY,
    GROUP,
    MEMBER_A,
    SECRETARY,
    bot_settings,
    running,
    services,
    set_up_committee,
    vi,
)
from tests.fakes import FakeBotAPI, running_bot

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


A = "<b>Nhắc việc</b>: Nhắc A"


def delivered(fake, needle: str) -> list:
    return [c for c in fake.sent(GROUP.id) if needle in (c.text or "")]


async def test_a_kill_mid_send_then_a_restart_sends_each_due_reminder_once(tmp_path, clock):
    async with FakeBotAPI() as fake:
        settings = bot_settings(fake, tmp_path / "bot.db")
        app = build_application(settings, clock, throttle=False)
        async with running_bot(app, fake) as conv:
            await set_up_committee(conv, fake)
            for text in ("+1h Nhắc A", "+1h Nhắc B", "+1d Nhắc C"):
                await conv.send(GROUP, SECRETARY, f"/remind {text}")
            await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo kinh phí hạn 04/12")
            clock.set(local(2026, 12, 1, 10))
            fake.delay_next("sendMessage", 30)  # the first send hangs…
            sweep = asyncio.create_task(sweeper_of(app).sweep())
            await fake.wait_for(lambda: any(A in str(c.params) for c in fake.calls))
            sweep.cancel()  # …and the process dies in the middle of it: no mark, no cleanup
            with contextlib.suppress(asyncio.CancelledError):
                await sweep
        attempt = next(c for c in fake.calls if A in str(c.params))
        assert not attempt.ok and delivered(fake, A) == []  # in flight, not delivered
        clock.set(local(2026, 12, 3, 9))  # down until Thursday 09:00
        again = build_application(settings, clock, throttle=False)
        async with running_bot(again, fake):
            # the JobQueue's first run is the catch-up: A and B (due Tuesday), C (Wednesday),
            # and Thursday 08:00's deadline reminder, each marked late
            needles = (A, "</b>: Nhắc B", "</b>: Nhắc C", "Nhắc hạn nhiệm vụ #1")
            await fake.wait_for(lambda: all(delivered(fake, n) for n in needles), timeout=10)
            await sweeper_of(again).sweep()
            await sweeper_of(again).sweep(local(2026, 12, 4, 8))
        for needle in needles[:3]:
            [message] = delivered(fake, needle)  # exactly once
            assert "⌛" in message.text, needle
        thursday, friday = delivered(fake, "Nhắc hạn nhiệm vụ #1")  # Friday 08:00: up and running
        assert "⌛" in thursday.text and "⌛" not in friday.text


async def test_a_restart_after_the_mark_sends_nothing_again(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/remind +1h Họp giao ban")
        clock.advance(hours=1)
        assert await sweeper_of(conv.app).sweep() == 1
    async with running(tmp_path, clock) as (conv, fake):  # same database, new process
        await sweeper_of(conv.app).sweep()
        assert delivered(fake, "Họp giao ban") == []


TAGS = (
    ("⏰ <b>Nhắc hạn", "offset"),
    ("🔴 <b>Nhiệm vụ", "overdue"),
    ("📝 <b>Nhắc cho ý kiến", "pending"),
    ("🗳 <b>Nhắc biểu quyết", "pending"),
    ("🔔 <b>Các việc cần nhắc", "batch"),  # several reminders of one moment: one post
    ("🔔 <b>Nhắc việc", "adhoc"),
    ("📰", "digest"),
    ("📋 <b>Kết quả xin ý kiến", "result"),
    ("🗳 <b>Kết quả biểu quyết", "result"),
)


def tag(call) -> str:
    if call.method == "sendDocument":
        return "docx"
    return next((name for prefix, name in TAGS if call.text.startswith(prefix)), call.text)


async def test_a_simulated_month(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(jobs, "SWEEP_INTERVAL", 10**6)  # only this test drives the sweeps
    actions = {
        local(2026, 12, 1, 9): [
            (SECRETARY, "/assign @so_taichinh @so_tttt Báo cáo kinh phí hạn 04/12"),
            (SECRETARY, "/assign @pho_ban Kế hoạch năm 2027 hạn 15/12 17:00"),
            (SECRETARY, "/consult Góp ý dự thảo Quy chế hạn 09/12"),
            (SECRETARY, "/vote Thông qua Quy chế làm việc hạn 18/12 17:00"),
            (SECRETARY, "/remind 24/12 09:00 Họp tổng kết năm"),
        ],
        local(2026, 12, 1, 10): [(MEMBER_A, "/opinion 3 agree")],
        local(2026, 12, 10, 10): [(MEMBER_A, "/done 1")],
        local(2026, 12, 15, 10): [(DEPUTY, "/done 2")],
    }
    seen: list[tuple[datetime, str]] = []
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        sweeper = sweeper_of(conv.app)
        now = local(2026, 12, 1, 9)
        while now < local(2027, 1, 1):
            clock.set(now)
            for user, text in actions.get(now, []):
                await conv.send(GROUP, user, text)
            mark = len(fake.calls)
            await sweeper.sweep()
            seen += [(now, tag(c)) for c in fake.sent(GROUP.id) if c in fake.calls[mark:]]
            now += timedelta(minutes=30)
        committee = await services(conv).committees.by_chat(GROUP.id)
        items = [await services(conv).items.by_number(committee.id, n) for n in (3, 4)]
    d = lambda day, h, m=0: local(2026, 12, day, h, m)  # noqa: E731
    assert sorted(seen) == sorted([
        (d(3, 8), "offset"), (d(4, 8), "offset"),
        (d(7, 8), "digest"),  # with the overdue reminder as its last section
        (d(8, 8), "batch"),  # overdue + pending: one post
        (d(9, 8), "batch"),
        (d(10, 7), "result"), (d(10, 7), "docx"),  # due 23:59 Wednesday: posted after quiet hours
        (d(10, 8), "overdue"),
        (d(14, 8), "digest"),  # with the offset (3d and 1d both fall on Monday: once)
        (d(15, 8), "offset"),
        (d(17, 8), "pending"), (d(18, 8), "pending"), (d(18, 17), "result"),
        (d(21, 8), "digest"),
        (d(24, 9), "adhoc"),
        (d(28, 8), "digest"),
    ])  # fmt: skip
    cfg = config_of(committee)
    assert all(scheduler.allowed(when, cfg) for when, _ in seen)
    assert [i.status for i in items] == ["closed", "closed"]
    texts = [c.text for c in fake.sent(GROUP.id) if c.method == "sendMessage"]
    section = vi("batch.section", count=1)
    digests = [x for x in texts if x.startswith("📰")]
    assert [section in x for x in digests] == [True, True, False, False]
    escalated = [x for x in texts if vi("reminder.overdue", number=1, title="Báo cáo kinh phí",
                 deadline="Thứ Sáu, 04/12/2026 23:59", late="5 ngày 8 giờ", progress=0,
                 count=4) in x]  # fmt: skip
    assert len(escalated) == 1 and "📣" in escalated[0]
