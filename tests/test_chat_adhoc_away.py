"""Ad-hoc reminders (`/remind`) that fell due while the bot was removed from the group are kept
and sent once when it is back, flagged late — like those due while the process was down, and
like the overdue task chased on return (issue 17 with issue 20's recovery). Fake clock only."""

from __future__ import annotations

from bot.wiring.app import build_application
from handlers.jobs import sweeper_of
from tests.chat import GROUP, SECRETARY, bot_settings, en, running, services, set_up_committee, vi
from tests.fakes import FakeBotAPI, running_bot
from tests.test_chat_recovery import FORBIDDEN, add_bot, remove_bot
from tests.test_chat_reminders import local, sweep_at

MEETING = "Họp giao ban chuẩn bị báo cáo quý"


def delivered(fake, text: str) -> list:
    """The reminder posts (not the replies that set them) carrying `text`."""
    return [c for c in fake.sent(GROUP.id) if f"</b>: {text}" in (c.text or "")]


async def test_a_reminder_due_while_removed_survives_a_restart_and_goes_late_on_return(
    tmp_path, clock
):
    async with FakeBotAPI() as fake:
        settings = bot_settings(fake, tmp_path / "bot.db")
        app = build_application(settings, clock, throttle=False)
        async with running_bot(app, fake) as conv:
            await set_up_committee(conv, fake)
            await conv.send(GROUP, SECRETARY, "/settings digest off")
            await conv.send(GROUP, SECRETARY, f"/remind 03/12 09:00 {MEETING}")
            await conv.send(GROUP, SECRETARY, "/remind 10/12 09:00 Nộp số liệu tháng")
            clock.set(local(2026, 12, 2, 10))
            await remove_bot(conv, fake)
            mark = len(fake.calls)
            assert await sweep_at(conv, fake, clock, local(2026, 12, 3, 9)) == []
            assert await sweep_at(conv, fake, clock, local(2026, 12, 3, 10)) == []
            assert [c for c in fake.calls[mark:] if c.method == "sendMessage"] == []
            row = await services(conv).reminders.repo.adhoc(1, 1)
            assert row.cancelled_at is None and row.sent_at is None  # kept, not cancelled
        # The process stops and starts again while the bot is still out of the group.
        clock.set(local(2026, 12, 4, 10))
        again = build_application(settings, clock, throttle=False)
        async with running_bot(again, fake) as conv:
            await sweeper_of(again).sweep()
            assert delivered(fake, MEETING) == []
            # Back on Monday 07/12 10:00: no consultation or vote was held, so no catch-up
            # message; the first sweep sends the missed reminder once, flagged late.
            clock.set(local(2026, 12, 7, 10))
            await add_bot(conv, fake)
            await sweeper_of(again).sweep()
            await sweeper_of(again).sweep(local(2026, 12, 7, 10, 5))
            [late] = delivered(fake, MEETING)
            assert late.text == "\n".join([
                vi("reminder.adhoc", text=MEETING, author="Lê Thư Ký"),
                vi("reminder.late", when="Thứ Năm, 03/12/2026 09:00"),
            ])  # fmt: skip
            assert delivered(fake, "Nộp số liệu tháng") == []  # not due yet: on its own time
            [on_time] = await sweep_at(conv, fake, clock, local(2026, 12, 10, 9))
            assert on_time == vi("reminder.adhoc", text="Nộp số liệu tháng", author="Lê Thư Ký")
            assert len(delivered(fake, MEETING)) == 1  # once


async def test_a_reminder_refused_because_the_bot_was_removed_waits_for_its_return(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/settings language en")
        await conv.send(GROUP, SECRETARY, "/settings digest off")
        await conv.send(GROUP, SECRETARY, "/remind +1h Check the portal")
        # Removed, and the my_chat_member update never came: the reminder's own 403 tells.
        fake.fail_next("sendMessage", 403, description=FORBIDDEN, chat_id=GROUP.id, times=500)
        assert await sweep_at(conv, fake, clock, local(2026, 12, 1, 10)) == []
        assert not (await services(conv).committees.by_chat(GROUP.id)).active
        assert await sweep_at(conv, fake, clock, local(2026, 12, 2, 10)) == []
        clock.set(local(2026, 12, 3, 9))
        await add_bot(conv, fake)
        [late] = await sweep_at(conv, fake, clock, local(2026, 12, 3, 9, 1))
        assert late == "\n".join([
            en("reminder.adhoc", text="Check the portal", author="Lê Thư Ký"),
            en("reminder.late", when="Tuesday, 01/12/2026 10:00"),
        ])  # fmt: skip
        assert await sweep_at(conv, fake, clock, local(2026, 12, 3, 10)) == []


async def test_removed_for_good_the_reminder_is_only_looked_at_weekly(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/remind +1h Gửi báo cáo")
        await remove_bot(conv, fake)
        await sweep_at(conv, fake, clock, local(2026, 12, 1, 10))
        row = await services(conv).reminders.repo.adhoc(1, 1)
        assert row.due_at == local(2026, 12, 8, 10)  # not re-read by every sweep meanwhile
        assert row.planned_at == local(2026, 12, 1, 10)  # still flagged late when it goes
