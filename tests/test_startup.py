"""Every start-up failure of the real process is one line, a non-zero exit, and no token.

Each case runs `python -m bot` as an operator would (README, *Deployment*, "When it does not
start"), checks the exact line on stderr and the exit code, that the token appears nowhere in the
output, and, for the database cases, that no file was created or changed.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import time

import pytest

from storage.db import Database
from storage.migrate import migrate
from tests.fakes import FakeBotAPI
from tests.process import TOKEN, run_bot, run_bot_async, run_wrapped, tree

BASE = {"BOT_TOKEN": TOKEN}


def refused(outcome, line: str, code: int) -> None:
    """The process printed exactly `line` as its only line and exited with `code`."""
    assert outcome.stderr == line + "\n", outcome.stderr
    assert outcome.code == code
    assert TOKEN not in outcome.output
    assert "Traceback" not in outcome.output


async def migrated(path) -> None:
    """A database of this bot at `path`, closed."""
    db = await Database.open(path)
    try:
        await migrate(db)
    finally:
        await db.close()


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


# ------------------------------------------------------------------ the database file


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_a_folder_as_database_path(tmp_path, command):
    (tmp_path / "data").mkdir()
    before = tree(tmp_path)
    refused(
        run_bot([command], {**BASE, "DATABASE_PATH": "data"}, tmp_path),
        "database error: DATABASE_PATH data is a folder, not a database file",
        3,
    )
    assert tree(tmp_path) == before


def test_a_database_path_under_a_regular_file(tmp_path):
    (tmp_path / "data").write_text("notes")
    before = tree(tmp_path)
    refused(
        run_bot(["run"], {**BASE, "DATABASE_PATH": "data/sub/committee.db"}, tmp_path),
        "database error: DATABASE_PATH data/sub/committee.db: data is a file, not a folder",
        3,
    )
    assert tree(tmp_path) == before


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_random_bytes_are_refused_at_once_and_left_alone(tmp_path, command):
    (tmp_path / "committee.db").write_bytes(os.urandom(64 * 1024))
    before = tree(tmp_path)
    started = time.monotonic()
    refused(
        run_bot([command], {**BASE, "DATABASE_PATH": "committee.db"}, tmp_path, timeout=30),
        "database error: DATABASE_PATH committee.db is not a SQLite database (file is not a"
        " database); restore a backup with `python -m bot restore FILE`",
        3,
    )
    assert time.monotonic() - started < 20  # it used to hang for ever (aiosqlite's thread)
    assert tree(tmp_path) == before


async def test_opening_random_bytes_leaves_no_thread_behind(tmp_path):
    import threading

    path = tmp_path / "committee.db"
    path.write_bytes(os.urandom(16 * 1024))
    threads = set(threading.enumerate())
    with pytest.raises(sqlite3.DatabaseError):
        await Database.open(path)
    for thread in set(threading.enumerate()) - threads:
        thread.join(timeout=5)
        assert not thread.is_alive()


async def test_a_damaged_page_is_refused_with_a_pointer_to_restore(tmp_path):
    path = tmp_path / "committee.db"
    await migrated(path)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO users (user_id, full_name, updated_at) VALUES (?, ?, 'x')",
            [(i, "Nguyễn Văn " * 30) for i in range(2000)],
        )
    conn.close()
    size = path.stat().st_size
    with open(path, "r+b") as f:  # a page in the middle of the users table's b-tree
        f.seek((size // 4096 // 2) * 4096)
        f.write(b"\x0d\xff\xff\xff" * 1024)
    before = tree(tmp_path)
    outcome = run_bot(["run"], {**BASE, "DATABASE_PATH": "committee.db"}, tmp_path)
    assert outcome.code == 3 and outcome.stderr.count("\n") == 1, outcome.stderr
    assert outcome.stderr.startswith("database error: DATABASE_PATH committee.db is damaged")
    assert outcome.stderr.endswith("; restore a backup with `python -m bot restore FILE`\n")
    assert TOKEN not in outcome.output
    assert tree(tmp_path) == before


def test_another_programs_sqlite_file_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "photos.db") as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    conn.close()
    before = tree(tmp_path)
    refused(
        run_bot(["migrate"], {**BASE, "DATABASE_PATH": "photos.db"}, tmp_path),
        "database error: DATABASE_PATH photos.db is a SQLite database, but not this bot's"
        " (no committees table)",
        3,
    )
    assert tree(tmp_path) == before


def test_a_database_newer_than_the_code_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "committee.db") as conn:
        conn.execute("CREATE TABLE committees (id INTEGER PRIMARY KEY)")
        conn.execute("PRAGMA user_version = 999")
    conn.close()
    outcome = run_bot(["run"], {**BASE, "DATABASE_PATH": "committee.db"}, tmp_path)
    assert outcome.code == 3 and TOKEN not in outcome.output
    assert outcome.stderr.startswith(
        "database error: DATABASE_PATH committee.db has schema version 999, newer than this code"
    )


def _can_mount() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "mount", "-t", "tmpfs", "none", "/mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces")


def _in_namespace(tmp_path, prepare: str, env: dict[str, str]):
    """Run the bot in a private mount namespace after `prepare` (a shell line) set up `disk`."""
    script = f'{prepare} && exec "$0" -m bot run'
    import sys

    return run_wrapped(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script, sys.executable],
        env,
        tmp_path,
    )


@needs_mount
def test_a_read_only_disk(tmp_path):
    (tmp_path / "disk").mkdir()
    outcome = _in_namespace(
        tmp_path,
        "mount -t tmpfs -o ro,size=4m none disk",
        {**BASE, "DATABASE_PATH": "disk/committee.db"},
    )
    refused(
        outcome,
        "database error: DATABASE_PATH disk/committee.db: cannot write in disk (read-only file"
        " system)",
        3,
    )


@needs_mount
def test_a_full_disk(tmp_path):
    (tmp_path / "disk").mkdir()
    outcome = _in_namespace(
        tmp_path,
        "mount -t tmpfs -o size=512k none disk && (dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null;"
        " true)",
        {**BASE, "DATABASE_PATH": "disk/committee.db"},
    )
    refused(
        outcome,
        "database error: DATABASE_PATH disk/committee.db: cannot write in disk (no space left on"
        " device)",
        3,
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_without_write_permission(tmp_path):
    (tmp_path / "locked").mkdir(mode=0o500)
    refused(
        run_bot(["run"], {**BASE, "DATABASE_PATH": "locked/committee.db"}, tmp_path),
        "database error: DATABASE_PATH locked/committee.db: cannot write in locked (permission"
        " denied)",
        3,
    )


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
