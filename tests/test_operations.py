"""Backup, restore and status from the command line, as an operator runs them.

Each case runs the real `python -m bot`; refusals are one line, exit 1 and change no byte; the
token never appears in any output.
"""

from __future__ import annotations

import os
import re
import sqlite3

from bot.ops.lockfile import holding
from tests.chat import GROUP, SECRETARY, running, set_up_committee
from tests.process import TOKEN, run_bot, tree

BASE = {"BOT_TOKEN": TOKEN, "DATABASE_PATH": "bot.db"}


async def committee_database(tmp_path, clock) -> None:
    """tmp_path/bot.db: one committee of five, a task and a consultation, one sweep done."""
    from handlers.jobs import sweeper_of

    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/assign @so_taichinh Báo cáo số liệu hạn 20/12")
        await conv.send(GROUP, SECRETARY, "/consult Dự thảo kế hoạch hạn 18/12")
        await sweeper_of(conv.app).sweep()


def committees(path) -> list[str]:
    """Committee titles stored in a database file."""
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM committees ORDER BY id")]
    finally:
        conn.close()


def one_refusal(outcome, line: str, code: int = 1) -> None:
    assert outcome.stderr == line + "\n", outcome.stderr
    assert outcome.code == code and outcome.stdout == ""
    assert TOKEN not in outcome.output


# ------------------------------------------------------------------ backup


async def test_backup_refuses_the_live_file_and_an_existing_file_unless_forced(tmp_path, clock):
    await committee_database(tmp_path, clock)
    (tmp_path / "old.db").write_bytes(b"yesterday's copy")
    before = tree(tmp_path)
    one_refusal(
        run_bot(["backup", "bot.db"], BASE, tmp_path),
        "backup refused: bot.db is the live database itself",
    )
    one_refusal(
        run_bot(["backup", "./sub/../bot.db"], BASE, tmp_path),
        "backup refused: sub/../bot.db is the live database itself",
    )
    one_refusal(
        run_bot(["backup", "old.db"], BASE, tmp_path),
        "backup refused: old.db already exists; add --force to overwrite it",
    )
    assert tree(tmp_path) == before
    forced = run_bot(["backup", "old.db", "--force"], BASE, tmp_path)
    assert forced.code == 0, forced.stderr
    assert re.fullmatch(r"backed up bot\.db to old\.db \(\d+ bytes, schema \d+\)\n", forced.stdout)
    assert committees(tmp_path / "old.db") == ["Ban Chỉ đạo Chuyển đổi số"]
    assert sorted(os.listdir(tmp_path)) == sorted(before)  # no partial file left


async def test_backup_without_a_file_writes_a_dated_copy_in_backup_dir(tmp_path, clock):
    await committee_database(tmp_path, clock)
    env = {**BASE, "BACKUP_DIR": "backups"}
    done = run_bot(["backup"], env, tmp_path)
    assert done.code == 0, done.stderr
    [copy] = os.listdir(tmp_path / "backups")
    assert re.fullmatch(r"bot-\d{4}-\d\d-\d\d-\d{6}\.db", copy)
    one_refusal(run_bot(["backup"], BASE, tmp_path), "backup refused: give FILE, or set BACKUP_DIR")


# ------------------------------------------------------------------ restore


async def test_restore_puts_a_backup_back_and_keeps_the_replaced_file(tmp_path, clock):
    await committee_database(tmp_path, clock)
    assert run_bot(["backup", "good.db"], BASE, tmp_path).code == 0
    conn = sqlite3.connect(tmp_path / "bot.db")
    with conn:
        conn.execute("UPDATE committees SET title = 'đã bị sửa nhầm'")
    conn.close()
    done = run_bot(["restore", "good.db"], BASE, tmp_path)
    assert done.code == 0, done.stderr
    [aside] = [n for n in os.listdir(tmp_path) if n.startswith("bot.db.replaced-")]
    assert done.stdout == f"restored bot.db from good.db (schema {_version(tmp_path)});" \
        f" the replaced database is kept as {aside}\n"  # fmt: skip
    assert committees(tmp_path / "bot.db") == ["Ban Chỉ đạo Chuyển đổi số"]
    assert committees(tmp_path / aside) == ["đã bị sửa nhầm"]
    assert TOKEN not in done.output


def _version(folder) -> int:
    conn = sqlite3.connect(folder / "bot.db")
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


async def test_restore_refuses_files_that_are_not_this_bots_backups(tmp_path, clock):
    await committee_database(tmp_path, clock)
    (tmp_path / "random.db").write_bytes(os.urandom(8192))
    other = sqlite3.connect(tmp_path / "photos.db")
    other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    other.close()
    newer = sqlite3.connect(tmp_path / "newer.db")
    newer.execute("CREATE TABLE committees (id INTEGER PRIMARY KEY)")
    newer.execute("PRAGMA user_version = 999")
    newer.close()
    before = tree(tmp_path)
    cases = {
        "random.db": "restore refused: backup random.db is not a SQLite database"
        " (file is not a database)",
        "photos.db": "restore refused: backup photos.db is a SQLite database, but not this bot's"
        " (no committees table)",
        "missing.db": "restore refused: missing.db is not a file",
        "bot.db": "restore refused: bot.db is the live database itself",
    }
    for name, line in cases.items():
        one_refusal(run_bot(["restore", name], BASE, tmp_path), line)
    outcome = run_bot(["restore", "newer.db"], BASE, tmp_path)
    assert outcome.code == 1 and outcome.stderr.startswith(
        "restore refused: backup newer.db has schema version 999, newer than this code"
    )
    assert tree(tmp_path) == before


async def test_restore_refuses_while_the_bot_or_another_program_has_the_database(tmp_path, clock):
    await committee_database(tmp_path, clock)
    assert run_bot(["backup", "good.db"], BASE, tmp_path).code == 0
    before = tree(tmp_path)
    with holding(tmp_path / "bot.db"):  # what the running bot holds
        one_refusal(
            run_bot(["restore", "good.db"], BASE, tmp_path),
            f"the bot (pid {os.getpid()}) is already running on DATABASE_PATH bot.db;"
            " stop it before restoring",
            6,
        )
    reader = sqlite3.connect(tmp_path / "bot.db")  # e.g. an sqlite3 shell left open
    try:
        reader.execute("SELECT COUNT(*) FROM committees").fetchone()
        one_refusal(
            run_bot(["restore", "good.db"], BASE, tmp_path),
            "restore refused: bot.db is in use by another program; stop it first",
        )
    finally:
        reader.close()
    after = tree(tmp_path)
    after.pop("bot.db.lock")
    assert {k: v for k, v in after.items() if not k.startswith("bot.db-")} == before


# ------------------------------------------------------------------ status


async def test_status_shows_what_an_operator_checks_first(tmp_path, clock):
    await committee_database(tmp_path, clock)
    (tmp_path / "backups").mkdir()
    assert run_bot(["backup", "backups/monday.db"], BASE, tmp_path).code == 0
    before = tree(tmp_path)
    shown = run_bot(["status"], {**BASE, "BACKUP_DIR": "backups"}, tmp_path)
    assert shown.code == 0, shown.stderr
    lines = dict(line.split(":", 1) for line in shown.stdout.splitlines())
    lines = {k: v.strip() for k, v in lines.items()}
    assert re.fullmatch(r"bot\.db, [\d.]+ KB, schema (\d+) \(this code: \1\), quick_check ok",
                        lines["database"])  # fmt: skip
    assert lines["bot"] == "not running"
    assert lines["committees"] == "1 active (1 in all)"
    assert lines["members"] == "5 active"
    assert lines["open items"] == "2: 1 task, 1 consultation"
    assert re.fullmatch(r"\d+ due now, \d+ planned", lines["reminders"])
    assert lines["last sweep"].startswith("2026-12-01 02:00 UTC (")
    assert lines["set aside"] == "0 updates kept aside after failing (inbox table, set_aside_at)"
    assert lines["last backup"].startswith("backups/monday.db, ")
    assert TOKEN not in shown.output
    assert tree(tmp_path) == before  # read without changing anything
    with holding(tmp_path / "bot.db"):
        running_now = run_bot(["status"], BASE, tmp_path)
    assert f"bot:         running (pid {os.getpid()})" in running_now.stdout
    assert "last backup: BACKUP_DIR not set" in running_now.stdout


def test_status_without_a_database(tmp_path):
    outcome = run_bot(["status"], BASE, tmp_path)
    assert outcome.stderr == "no database at bot.db yet: it is created at the first start\n"
    assert outcome.code == 1 and os.listdir(tmp_path) == []
