"""The real process: `python -m bot` polls the configured Bot API and stops cleanly on signals."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.fakes import FakeBotAPI
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
