"""Every start-up failure of the real process is one line, a non-zero exit, and no token.

Each case runs `python -m bot` as an operator would (README, *Deployment*, "When it does not
start"), checks the exact line on stderr and the exit code, that the token appears nowhere in the
output, and, for the database cases, that no file was created or changed.
"""

from __future__ import annotations

import os
import shutil
import socket
import time

import pytest

from tests.fakes import FakeBotAPI
from tests.process import BASE, TOKEN, refused, run_bot, run_bot_async

# ------------------------------------------------------------------ settings


@pytest.mark.parametrize("env", [{"BOT_TOKEN": ""}, {"BOT_TOKEN": "   "}, {}])
def test_an_empty_or_missing_token_gets_the_same_plain_line(tmp_path, env):
    refused(
        run_bot(["run"], env, tmp_path),
        "configuration error: BOT_TOKEN: is required but not set"
        " (get one from @BotFather and put BOT_TOKEN=... in .env)",
        2,
    )


def test_an_empty_token_in_an_unedited_env_file(tmp_path):
    shutil.copy(os.path.join(os.path.dirname(__file__), "..", ".env.example"), tmp_path / ".env")
    outcome = run_bot(["run"], {}, tmp_path)
    assert outcome.last_line.startswith("configuration error: BOT_TOKEN: is required but not set")
    assert outcome.code == 2


@pytest.mark.parametrize(
    ("token", "what"),
    [
        ("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "it has no ':'"),
        ("bot:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "the part before ':' is not a number"),
        ('"424242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"', "it contains quotes"),
    ],
)
def test_a_token_of_the_wrong_shape_is_refused_with_the_expected_shape_masked(
    tmp_path, token, what
):
    outcome = run_bot(["run"], {"BOT_TOKEN": token}, tmp_path)
    refused(
        outcome,
        "configuration error: BOT_TOKEN: does not look like a token from @BotFather: expected"
        f" <digits>:<secret>, like 123456789:AAH…xyz; the value set has {len(token)} characters"
        f" and {what}",
        2,
    )
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in outcome.output


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Asia/Hanoi", "Asia/Ho_Chi_Minh"),
        ("UTC+7", "Asia/Ho_Chi_Minh, Asia/Bangkok, Asia/Jakarta"),
        ("GMT+7", "Asia/Ho_Chi_Minh, Asia/Bangkok, Asia/Jakarta"),
    ],
)
def test_a_wrong_timezone_suggests_the_closest_valid_names(tmp_path, value, names):
    refused(
        run_bot(["run"], {**BASE, "TIMEZONE": value}, tmp_path),
        f"configuration error: TIMEZONE: unknown IANA timezone {value!r}; did you mean {names}?",
        2,
    )


def test_a_base_url_that_is_not_a_url_is_refused(tmp_path):
    refused(
        run_bot(["run"], {**BASE, "BOT_API_BASE_URL": "notaurl"}, tmp_path),
        "configuration error: BOT_API_BASE_URL: must be an http(s) URL such as"
        " https://api.telegram.org/bot, not 'notaurl'",
        2,
    )


def test_a_plain_http_webhook_is_refused_except_on_this_machine(tmp_path):
    url = "http://bot.example.org/telegram"
    refused(
        run_bot(["run"], {**BASE, "WEBHOOK_URL": url}, tmp_path),
        "configuration error: WEBHOOK_URL: must start with https:// (Telegram only calls HTTPS"
        " webhooks; plain http is allowed only for 127.0.0.1 or localhost),"
        f" not {url!r}",
        2,
    )
    local = run_bot(["check-config"], {**BASE, "WEBHOOK_URL": "http://127.0.0.1:8443/t"}, tmp_path)
    assert local.code == 0 and "WEBHOOK_URL=http://127.0.0.1:8443/t" in local.stdout


def test_operator_help_speaks_plainly(tmp_path):
    outcome = run_bot(["--help"], {}, tmp_path)
    assert outcome.code == 0
    for command in ("run", "migrate", "backup", "restore", "status", "check-config"):
        assert command in outcome.stdout
    assert "composition root" not in outcome.stdout


# ------------------------------------------------------------------ the Bot API


def test_an_unreachable_bot_api_is_retried_for_the_bound_then_one_line(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}/bot"
    env = {**BASE, "BOT_API_BASE_URL": base, "STARTUP_TIMEOUT": "1.5", "DATABASE_PATH": "c.db"}
    started = time.monotonic()
    outcome = run_bot(["run"], env, tmp_path)
    took = time.monotonic() - started
    assert outcome.code == 4
    assert outcome.last_line == (
        f"cannot reach the Bot API at {base}: connection refused;"
        " check the network or BOT_API_BASE_URL"
    )
    [warning] = outcome.stderr.strip().splitlines()[:-1]  # one notice that it keeps trying
    assert "retrying for up to 1.5 s (STARTUP_TIMEOUT)" in warning
    assert TOKEN not in outcome.output and "Traceback" not in outcome.output
    assert 1.4 < took < 15
    assert not (tmp_path / "c.db").exists()


async def test_a_token_the_bot_api_rejects(tmp_path):
    async with FakeBotAPI() as fake:
        fake.fail_next("getMe", 401, description="Unauthorized")
        env = {**BASE, "BOT_API_BASE_URL": fake.base_url, "DATABASE_PATH": "c.db"}
        outcome = await run_bot_async(["run"], env, tmp_path)
        assert [c.method for c in fake.calls] == ["getMe"]
    refused(
        outcome, "the Bot API rejected BOT_TOKEN (401 Unauthorized): check it with @BotFather", 5
    )
    assert not (tmp_path / "c.db").exists()


async def test_a_token_refused_after_the_check_is_still_one_line_without_the_token(tmp_path):
    async with FakeBotAPI() as fake:
        fake.fail_next("setMyCommands", 401, description="Unauthorized")
        env = {**BASE, "BOT_API_BASE_URL": fake.base_url, "DATABASE_PATH": "c.db"}
        outcome = await run_bot_async(["run"], env, tmp_path)
    assert outcome.code == 5
    assert outcome.last_line == (
        "the Bot API rejected BOT_TOKEN (Unauthorized): check it with @BotFather"
    )
    assert TOKEN not in outcome.output and "Traceback" not in outcome.output


def test_a_second_bot_on_the_same_database_is_refused(tmp_path):
    from bot.ops.lockfile import holding

    with holding(tmp_path / "c.db"):  # what a running bot holds for its whole life
        outcome = run_bot(["run"], {**BASE, "DATABASE_PATH": "c.db"}, tmp_path)
    refused(
        outcome,
        f"the bot (pid {os.getpid()}) is already running on DATABASE_PATH c.db;"
        " stop it before starting another",
        6,
    )
