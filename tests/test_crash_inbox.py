"""Crash proof of the inbox (issue 18): the real process (`python -m bot`), SIGKILLed.

- Polling: twenty commands wait at Telegram while the bot is down; the fake hands all twenty
  out in ONE getUpdates answer; the process is killed right after its first reply, then
  restarted. Every command has its effect exactly once and a reply.
- Webhook: ten updates are posted at once, as Telegram does; the process is killed right after
  its first HTTP 200; whatever was not answered 200 is posted again after the restart (as
  Telegram does). Nothing answered 200 is lost, nothing is done twice.

Replies, cards and results are staged in the outbox with their change and sent after the
commit (bot/delivery/outbox.py): a command committed before the kill gets its reply from the
outbox after the restart; one killed before its commit runs again. The one message in flight at
the kill (sent, not yet marked sent) may arrive twice: at most one repeat, counted and printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sqlite3
from pathlib import Path

import aiohttp

from tests.chat import GROUP, MEMBER_A, SECRETARY
from tests.fakes import FakeBotAPI
from tests.test_crash_restart import BotProcess, check_logs

BATCH = 20
WEBHOOK_UPDATES = 10
SECRET = "crash-secret"


def query(database: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def replies_to(fake: FakeBotAPI, message_id: int) -> int:
    """How many times the bot answered this group message."""
    return sum(
        1
        for c in fake.calls
        if c.ok
        and c.method == "sendMessage"
        and str(c.chat_id) == str(GROUP.id)
        and (c.params.get("reply_parameters") or {}).get("message_id") == message_id
    )


def effects(database: Path, text: str) -> int:
    """How many times the command's effect is in the database (a task, or a reminder)."""
    if text.startswith("/assign"):
        title = text.split(" ", 2)[2].rsplit(" hạn ", 1)[0]
        return query(database, "SELECT count(*) FROM items WHERE title = ?", (title,))[0][0]
    reminder = text.split(" ", 2)[2]
    sql = "SELECT count(*) FROM reminders WHERE kind = 'adhoc' AND text = ?"
    return query(database, sql, (reminder,))[0][0]


def commands(prefix: str, count: int) -> list[str]:
    """Distinct writing commands: tasks and ad-hoc reminders, alternately."""
    return [
        f"/assign @so_taichinh Việc {prefix} số {i} hạn +5d"
        if i % 2
        else f"/remind +2d Nhắc {prefix} số {i}"
        for i in range(count)
    ]


async def set_up(fake: FakeBotAPI, send) -> None:
    """The secretary sets the group up; a member joins (tasks need a lead)."""
    fake.set_chat_member(GROUP.id, SECRETARY, "administrator")
    for user, text in (
        (SECRETARY, "/setup Ban Chỉ đạo Chuyển đổi số"),
        (SECRETARY, "/settings quiet off"),
        (MEMBER_A, "/join Sở Tài chính"),
    ):
        update = fake.inject_message(GROUP, user, text)
        await send(update)
        message_id = update["message"]["message_id"]
        await fake.wait_for(lambda m=message_id: replies_to(fake, m), 30, f"reply to {text}")


async def test_a_batch_of_twenty_survives_a_kill_after_the_first_reply(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    async with FakeBotAPI() as fake:
        bot = BotProcess(fake, tmp_path / "data" / "bot.db", logs)
        await bot.start()
        try:
            await set_up(fake, lambda update: asyncio.sleep(0))
            await bot.kill()  # down while the twenty commands arrive at Telegram
            texts = commands("lô", BATCH)
            messages = [
                fake.inject_message(GROUP, SECRETARY, text)["message"]["message_id"]
                for text in texts
            ]
            mark = len(fake.calls)
            await bot.start()
            await fake.wait_for(
                lambda: any(replies_to(fake, m) for m in messages), 30, "the first reply"
            )
            await bot.kill()  # right after the first reply
            kill_mark = len(fake.calls)
            answered_before = sum(1 for m in messages if replies_to(fake, m))
            await bot.start()
            await fake.wait_for(
                lambda: all(replies_to(fake, m) for m in messages), 60, "a reply to every one"
            )
            await wait_inbox_empty(bot.database)
        finally:
            if bot.proc is not None and bot.proc.returncode is None:
                await bot.kill()
        [first_answer] = [c for c in fake.calls[mark:kill_mark] if c.method == "getUpdates"][:1]
        assert len(first_answer.result) == BATCH  # the twenty came in ONE getUpdates answer
        counts = [effects(bot.database, text) for text in texts]
        replies = [replies_to(fake, m) for m in messages]
        check_logs(bot_run(bot))
    figures = {
        "kills": 2,
        "updates": BATCH,
        "in_one_getUpdates": len(first_answer.result),
        "answered_before_kill": answered_before,
        "lost": counts.count(0),
        "duplicated_effects": sum(max(0, n - 1) for n in counts),
        "unanswered": replies.count(0),
        "repeated_replies": sum(max(0, n - 1) for n in replies),
    }
    print(f"\ninbox crash (polling batch): {figures}")
    assert counts == [1] * BATCH  # every effect exactly once
    assert all(replies)  # and every command answered
    assert figures["repeated_replies"] <= 1  # only the one in flight at the kill


async def test_a_webhook_killed_right_after_answering_loses_nothing(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "WEBHOOK_URL": "https://bot.example.org/telegram/hook",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
    }
    url = f"http://127.0.0.1:{port}/telegram/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    logs = tmp_path / "logs"
    logs.mkdir()
    async with FakeBotAPI() as fake, aiohttp.ClientSession() as http:

        async def post(update: dict) -> int:
            """Telegram's delivery: the status, or 0 when the connection broke."""
            try:
                async with http.post(url, json=update, headers=headers) as answer:
                    return answer.status
            except aiohttp.ClientError:
                return 0

        async def send(update: dict) -> None:
            for _ in range(100):  # Telegram retries until it gets a 200
                if await post(update) == 200:
                    return
                await asyncio.sleep(0.05)
            raise AssertionError("the webhook never answered 200")

        bot = BotProcess(fake, tmp_path / "data" / "bot.db", logs, env)
        await bot.start()
        try:
            await set_up(fake, send)
            texts = commands("webhook", WEBHOOK_UPDATES)
            updates = [fake.inject_message(GROUP, SECRETARY, text) for text in texts]
            first_ok = asyncio.Event()

            async def deliver(update: dict) -> int:
                status = await post(update)
                if status == 200:
                    first_ok.set()
                return status

            posts = [asyncio.create_task(deliver(u)) for u in updates]
            await first_ok.wait()
            await bot.kill()  # right after the first 200
            statuses = [await p for p in posts]
            await bot.start()
            unanswered = [u for u, s in zip(updates, statuses, strict=True) if s != 200]
            for update in unanswered:
                await send(update)
            messages = [u["message"]["message_id"] for u in updates]
            await fake.wait_for(
                lambda: all(replies_to(fake, m) for m in messages), 60, "a reply to every one"
            )
            await wait_inbox_empty(bot.database)
        finally:
            if bot.proc is not None and bot.proc.returncode is None:
                await bot.kill()
        counts = [effects(bot.database, text) for text in texts]
        replies = [replies_to(fake, m) for m in messages]
        check_logs(bot_run(bot))
    figures = {
        "kills": 1,
        "updates": WEBHOOK_UPDATES,
        "answered_200_before_kill": statuses.count(200),
        "posted_again": len(unanswered),
        "lost": counts.count(0),
        "duplicated_effects": sum(max(0, n - 1) for n in counts),
        "unanswered": replies.count(0),
        "repeated_replies": sum(max(0, n - 1) for n in replies),
    }
    print(f"\ninbox crash (webhook): {figures}")
    assert counts == [1] * WEBHOOK_UPDATES
    assert all(replies)
    assert figures["repeated_replies"] <= 1


async def wait_inbox_empty(database: Path) -> None:
    """Until the running bot has processed every stored update (polled: there is no event)."""
    for _ in range(300):
        with contextlib.suppress(sqlite3.OperationalError):
            sql = "SELECT count(*) FROM inbox WHERE done_at IS NULL"
            if query(database, sql)[0][0] == 0:
                return
        await asyncio.sleep(0.1)
    raise AssertionError("the inbox still holds unprocessed updates after 30 s")


class bot_run:
    """The shape check_logs reads (`run.bot.log_text()`)."""

    def __init__(self, bot: BotProcess) -> None:
        self.bot = bot
