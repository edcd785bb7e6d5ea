"""The real process: `python -m bot` polls the configured Bot API and stops cleanly on signals."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.fakes import FakeBotAPI, User, private_chat
from tests.fakes.bot_api import PATIENCE
from tests.fakes.harness import TOKEN

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_process_polls_and_stops_cleanly(tmp_path, signum):
    database = tmp_path / "data" / "bot.db"
    async with FakeBotAPI() as fake:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("BOT_")},
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": fake.base_url,
            "BOT_API_FILE_URL": fake.base_file_url,
            "DATABASE_PATH": str(database),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for(
                lambda: len(fake.calls_of("getUpdates")) >= 2, timeout=30, what="long polling"
            )
            proc.send_signal(signum)
            async with asyncio.timeout(30):
                _, stderr = await proc.communicate()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        polls = fake.calls_of("getUpdates")
        assert set(polls[-1].params["allowed_updates"]) >= {
            "message",
            "callback_query",
            "poll_answer",
            "poll",
            "my_chat_member",
        }
        assert len(fake.calls_of("setMyCommands")) == 6
    assert proc.returncode == 0, stderr.decode()
    assert "stopped; database closed" in stderr.decode()
    assert TOKEN not in stderr.decode()
    assert os.path.exists(database) and not os.path.exists(f"{database}-wal")


# Ceilings, never sleeps: a passing run returns as soon as the process is up / has answered. A
# 2-core machine running several suites at once starts `python -m bot` slowly (imports, the
# migrations, getMe, six setMyCommands), so these are generous.
STARTUP = PATIENCE * 4
ANSWER = PATIENCE * 2
PORT_TRIES = 3  # the probed port can be taken by another process before the bot binds it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebhookBot:
    """`python -m bot` in webhook mode, its stderr read line by line."""

    def __init__(self, fake: FakeBotAPI, tmp_path: Path) -> None:
        self.fake, self.tmp_path = fake, tmp_path
        self.proc: asyncio.subprocess.Process | None = None
        self.log: list[str] = []
        self.reader: asyncio.Task | None = None
        self.port = 0

    async def start(self) -> None:
        """Start it and wait until its webhook is served (another port if this one was taken)."""
        for _ in range(PORT_TRIES):
            self.port = free_port()
            if await self._try():
                return
            if not any("Address already in use" in line for line in self.log):
                break
            await self.reader
        raise AssertionError("the webhook bot did not start:\n" + "".join(self.log[-30:]))

    async def _try(self) -> bool:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEBHOOK_"))},
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": self.fake.base_url,
            "BOT_API_FILE_URL": self.fake.base_file_url,
            "DATABASE_PATH": str(self.tmp_path / "bot.db"),
            "LOG_LEVEL": "DEBUG",  # to read "Webhook Server started." off stderr
            "WEBHOOK_URL": "https://bot.example.org/telegram/hook",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
            "WEBHOOK_SECRET": "s3cret-token",
        }
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self.log = []
        started = asyncio.Event()

        async def read_log() -> None:
            while line := await self.proc.stderr.readline():
                self.log.append(line.decode())
                if "Webhook Server started" in self.log[-1]:
                    started.set()

        self.reader = asyncio.create_task(read_log())
        up = asyncio.ensure_future(started.wait())
        async with asyncio.timeout(STARTUP):  # up, or exited (its log says why)
            await asyncio.wait([up, self.reader], return_when=asyncio.FIRST_COMPLETED)
        up.cancel()
        return started.is_set()

    async def stop(self) -> int:
        """SIGTERM, then its exit code once it has stopped."""
        self.proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(STARTUP):
            await self.proc.wait()
            await self.reader
        return self.proc.returncode

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


async def test_webhook_mode_sets_the_webhook_and_checks_its_secret(tmp_path):
    alice = User(5001, "Alice", username="alice")
    async with FakeBotAPI() as fake:
        bot = WebhookBot(fake, tmp_path)
        try:
            await bot.start()
            hook = fake.calls_of("setWebhook")[-1].params
            assert hook["url"] == "https://bot.example.org/telegram/hook"
            assert hook["secret_token"] == "s3cret-token"
            assert "callback_query" in hook["allowed_updates"]
            update = fake.inject_message(private_chat(alice), alice, "/help")
            url = f"http://127.0.0.1:{bot.port}/telegram/hook"
            async with aiohttp.ClientSession() as http:
                wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
                async with http.post(url, json=update, headers=wrong) as refused:
                    assert refused.status == 403
                right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
                async with http.post(url, json=update, headers=right) as accepted:
                    assert accepted.status == 200
            await fake.wait_for(lambda: fake.sent(alice.id), timeout=ANSWER, what="the reply")
            assert len(fake.sent(alice.id)) == 1  # the refused post was not processed
            code = await bot.stop()
        finally:
            await bot.kill()
    assert code == 0, "".join(bot.log[-20:])
    assert TOKEN not in "".join(bot.log)
