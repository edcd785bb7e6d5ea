"""Migration 0006 (issue 19): seats Telegram's service senders got before are retired."""

from __future__ import annotations

import shutil

from storage import migrate as migrate_module
from storage.db import Database
from storage.migrate import migrate

REAL = migrate_module.MIGRATIONS_DIR


async def test_service_accounts_seats_from_before_are_retired(tmp_path, monkeypatch):
    older = tmp_path / "migrations"
    older.mkdir()
    for path in sorted(REAL.glob("000[1-5]_*.sql")):
        shutil.copy(path, older / path.name)
    monkeypatch.setattr(migrate_module, "MIGRATIONS_DIR", older)
    db = await Database.open(tmp_path / "x.db")
    try:
        assert await migrate(db) == (0, 5)
        now = "2026-12-01T02:00:00Z"
        committee = await db.execute(
            "INSERT INTO committees (chat_id, title, timezone, language, created_at)"
            " VALUES (-100, 'Ban', 'Asia/Ho_Chi_Minh', 'vi', ?)",
            (now,),
        )
        for user_id, username, role in (
            (1087968824, "groupanonymousbot", "deputy"),
            (136817688, "channel_bot", "member"),
            (777000, None, "member"),
            (104, "so_taichinh", "member"),
        ):
            await db.execute(
                "INSERT INTO members (committee_id, user_id, username, role, joined_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (committee, user_id, username, role, now, now),
            )
        monkeypatch.setattr(migrate_module, "MIGRATIONS_DIR", REAL)
        await migrate(db)
        rows = await db.fetchall("SELECT user_id, active, username FROM members ORDER BY id")
        assert [tuple(r) for r in rows] == [
            (1087968824, 0, None),
            (136817688, 0, None),
            (777000, 0, None),
            (104, 1, "so_taichinh"),
        ]
    finally:
        await db.close()
