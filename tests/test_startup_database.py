"""Start-up refusals about the database file: one line naming the path and the cause, exit 3,
no token in the output, and no file created or changed (see tests/test_startup.py)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time

import pytest

from storage.db import Database
from storage.migrate import migrate
from tests.process import BASE, TOKEN, refused, run_bot, run_wrapped, tree


async def migrated(path) -> None:
    """A database of this bot at `path`, closed."""
    db = await Database.open(path)
    try:
        await migrate(db)
    finally:
        await db.close()


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
