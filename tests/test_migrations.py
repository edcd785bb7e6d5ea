"""Migrations: empty → latest, idempotent, atomic, and a newer database is refused."""

from __future__ import annotations

import pytest

from storage import migrate as migrate_module
from storage.db import Database
from storage.migrate import MigrationError, available, current_version, migrate


async def test_empty_database_reaches_latest(tmp_path):
    db = await Database.open(tmp_path / "x.db")
    try:
        before, after = await migrate(db)
        assert before == 0
        assert after == available()[-1].version == await current_version(db)
        tables = {
            r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {"committees", "members", "users", "items", "audit_log"} <= tables
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        async with db.transaction():  # the writing connection enforces foreign keys
            assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert await migrate(db) == (after, after)  # a second run changes nothing
    finally:
        await db.close()


async def test_newer_database_is_refused(tmp_path):
    db = await Database.open(tmp_path / "x.db")
    try:
        await db.execute("PRAGMA user_version = 999")
        with pytest.raises(MigrationError, match="newer than this code"):
            await migrate(db)
    finally:
        await db.close()


async def test_a_failing_migration_leaves_nothing_behind(tmp_path, monkeypatch):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_good.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (folder / "0002_bad.sql").write_text(
        "CREATE TABLE b (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n"
    )
    monkeypatch.setattr(migrate_module, "MIGRATIONS_DIR", folder)
    db = await Database.open(tmp_path / "x.db")
    try:
        with pytest.raises(Exception, match="nowhere"):
            await migrate(db)
        assert await current_version(db) == 1
        names = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert "a" in names and "b" not in names
    finally:
        await db.close()
