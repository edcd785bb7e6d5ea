"""A token revoked while the bot runs: a clean stop, one line for the operator, exit code 5, and
nothing received is lost (the real process, `python -m bot`, against the fake Bot API)."""

from __future__ import annotations

import asyncio

from tests.chat import GROUP, MEMBER_A, SECRETARY
from tests.fakes import FakeBotAPI, private_chat
from tests.fakes.bot_api import PATIENCE
from tests.process import TOKEN
from tests.test_crash_inbox import query, replies_to
from tests.test_crash_restart import BotProcess

REFUSED = (
    "the Bot API refused BOT_TOKEN while the bot was running (Unauthorized): the token was"
    " revoked or replaced; get the current one from @BotFather, put it in .env as BOT_TOKEN=...,"
    " then start the bot again (what was received is kept and processed then)"
)


async def exit_code(bot: BotProcess) -> int:
    """Wait for the bot to stop by itself; kill it if it does not (the test then fails)."""
    try:
        async with asyncio.timeout(PATIENCE * 2):
            return await bot.proc.wait()
    finally:
        if bot.proc.returncode is None:
            await bot.kill()


async def test_a_token_revoked_while_running_stops_with_code_5_and_loses_nothing(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    async with FakeBotAPI() as fake:
        bot = BotProcess(fake, tmp_path / "data" / "bot.db", logs)
        await bot.start()
        fake.set_chat_member(GROUP.id, SECRETARY, "administrator")
        fake.refuse_token()  # revoked in @BotFather while the bot waits in a long poll
        setup = fake.inject_message(GROUP, SECRETARY, "/setup Ban Chỉ đạo Chuyển đổi số")
        code = await exit_code(bot)
        log = bot.log_text()
        assert code == 5, log
        assert log.strip().splitlines()[-1] == REFUSED
        assert TOKEN not in log and TOKEN.split(":")[1] not in log
        assert "Traceback" not in log
        # What the secretary typed is in the inbox, still to do; nothing of it half-done.
        inbox = query(bot.database, "SELECT update_id, done_at, error FROM inbox")
        assert inbox == [(setup["update_id"], None, None)]
        assert query(bot.database, "SELECT count(*) FROM committees") == [(0,)]

        # The operator puts the current token in .env and starts the bot again.
        fake.refuse_token(False)
        message_id = setup["message"]["message_id"]
        await bot.start()
        try:
            await fake.wait_for(lambda: replies_to(fake, message_id), PATIENCE, "the reply")
        finally:
            await bot.kill()
    assert query(bot.database, "SELECT count(*) FROM committees") == [(1,)]
    assert query(bot.database, "SELECT count(*) FROM inbox WHERE done_at IS NULL") == [(0,)]


async def test_getupdates_refused_after_some_calls_stops_with_code_5(tmp_path):
    """Only getUpdates answers 401 from some call on: the same clean stop and line; what the
    last answer handed out is answered before the stop or kept for the next start."""
    logs = tmp_path / "logs"
    logs.mkdir()
    alice = MEMBER_A
    async with FakeBotAPI() as fake:
        bot = BotProcess(fake, tmp_path / "data" / "bot.db", logs)
        await bot.start()
        fake.fail_next("getUpdates", 401, description="Unauthorized", times=1000)
        hello = fake.inject_message(private_chat(alice), alice, "/help")  # ends the poll
        code = await exit_code(bot)
        log = bot.log_text()
        assert code == 5, log
        assert log.strip().splitlines()[-1] == REFUSED
        assert TOKEN not in log and "Traceback" not in log
        [(update_id, done_at)] = query(bot.database, "SELECT update_id, done_at FROM inbox")
        assert update_id == hello["update_id"]
        assert bool(done_at) == bool(fake.sent(alice.id))  # answered, or still to do

        fake.clear_faults()  # the operator put the current token in .env
        await bot.start()
        try:
            await fake.wait_for(lambda: fake.sent(alice.id), PATIENCE, "the reply")
        finally:
            await bot.kill()
    assert len(fake.sent(alice.id)) == 1  # answered once, in one life or the other
