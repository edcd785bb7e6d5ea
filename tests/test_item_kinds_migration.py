"""Migration 0012: items and reminders rebuilt to allow meetings and collections, losing nothing."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from storage import migrate as migrate_module
from storage.db import Database
from storage.migrate import migrate

REAL = migrate_module.MIGRATIONS_DIR
NOW = "2026-12-01T02:00:00Z"


async def _database_at_version_11(tmp_path, monkeypatch) -> Database:
    older = tmp_path / "migrations"
    older.mkdir()
    for path in sorted(REAL.glob("*.sql")):
        if int(path.name[:4]) <= 11:
            shutil.copy(path, older / path.name)
    monkeypatch.setattr(migrate_module, "MIGRATIONS_DIR", older)
    db = await Database.open(tmp_path / "x.db")
    assert await migrate(db) == (0, 11)
    committee = await db.execute(
        "INSERT INTO committees (chat_id, title, timezone, language, created_at)"
        " VALUES (-100, 'Ban', 'Asia/Ho_Chi_Minh', 'vi', ?)",
        (NOW,),
    )
    member = await db.execute(
        "INSERT INTO members (committee_id, user_id, username, role, agency, joined_at, updated_at)"
        " VALUES (?, 104, 'so_tc', 'member', 'Sở Tài chính', ?, ?)",
        (committee, NOW, NOW),
    )
    item = await db.execute(
        "INSERT INTO items (committee_id, number, kind, title, status, deadline, created_at,"
        " updated_at) VALUES (?, 1, 'task', 'Kế hoạch', 'open', '2026-12-04T10:00:00Z', ?, ?)",
        (committee, NOW, NOW),
    )
    await db.execute("INSERT INTO tasks (item_id, progress) VALUES (?, 40)", (item,))
    await db.execute(
        "INSERT INTO task_assignees (item_id, member_id, is_lead) VALUES (?, ?, 1)", (item, member)
    )
    await db.execute(
        "INSERT INTO reminders (committee_id, item_id, kind, seq, planned_at, due_at, created_at)"
        " VALUES (?, ?, 'task_offset', 86400, ?, ?, ?)",
        (committee, item, NOW, NOW, NOW),
    )
    monkeypatch.setattr(migrate_module, "MIGRATIONS_DIR", REAL)
    return db


async def test_rows_views_and_references_survive_the_rebuild(tmp_path, monkeypatch):
    db = await _database_at_version_11(tmp_path, monkeypatch)
    try:
        start, latest = await migrate(db)
        assert start == 11 and latest >= 12
        task = await db.fetchone("SELECT title, progress, lead_id FROM task_rows")
        assert tuple(task) == ("Kế hoạch", 40, 1)
        assert await db.fetchval("SELECT COUNT(*) FROM reminders WHERE kind = 'task_offset'") == 1
        async with db.transaction():  # the writer's connection (plain reads use the reader)
            assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert await db.fetchall("PRAGMA foreign_key_check") == []
        # the task's children still point at the rebuilt table: a dangling reference is refused
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute("INSERT INTO tasks (item_id) VALUES (999)")
    finally:
        await db.close()


async def test_meetings_and_collections_are_items_with_reminders(tmp_path, monkeypatch):
    db = await _database_at_version_11(tmp_path, monkeypatch)
    try:
        await migrate(db)
        for number, kind in ((2, "meeting"), (3, "collection")):
            item = await db.execute(
                "INSERT INTO items (committee_id, number, kind, title, status, created_at,"
                " updated_at) VALUES (1, ?, ?, 'x', 'open', ?, ?)",
                (number, kind, NOW, NOW),
            )
            await db.execute(
                "INSERT INTO reminders (committee_id, item_id, kind, planned_at, due_at,"
                " created_at) VALUES (1, ?, ?, ?, ?, ?)",
                (item, kind, NOW, NOW, NOW),
            )
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute(
                "INSERT INTO items (committee_id, number, kind, title, status, created_at,"
                " updated_at) VALUES (1, 9, 'party', 'x', 'open', ?, ?)",
                (NOW, NOW),
            )
    finally:
        await db.close()
