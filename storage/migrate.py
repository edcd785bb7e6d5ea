"""Forward-only numbered migrations (`migrations/NNNN_name.sql`) tracked by PRAGMA user_version."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.db import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
FOREIGN_KEYS_OFF = "-- foreign_keys: off"


class MigrationError(Exception):
    """The database cannot be brought to this code's schema."""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL script."""

    version: int
    name: str
    sql: str

    @property
    def without_foreign_keys(self) -> bool:
        """A table rebuild: foreign keys are off while it runs and checked before it commits."""
        return self.sql.startswith(FOREIGN_KEYS_OFF)


def available() -> list[Migration]:
    """Every migration shipped with the code, in order, numbered 1..N without gaps."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", path.name)
        if not match:
            raise MigrationError(f"badly named migration {path.name}")
        found.append(Migration(int(match[1]), match[2], path.read_text("utf-8")))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"migration {expected:04d} is missing")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (triggers included) without executescript."""
    statements, current = [], []
    for line in sql.splitlines():
        if not line.strip() or line.strip().startswith("--"):
            continue
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            statements.append("\n".join(current))
            current = []
    if current:
        raise MigrationError(f"incomplete statement: {' '.join(current)[:80]}")
    return statements


async def current_version(db: Database) -> int:
    """The schema version recorded in the file."""
    return int(await db.fetchval("PRAGMA user_version"))


async def migrate(db: Database) -> tuple[int, int]:
    """Apply pending migrations, each in one transaction; return (from, to) versions."""
    migrations = available()
    latest = migrations[-1].version if migrations else 0
    start = await current_version(db)
    if start > latest:
        raise MigrationError(
            f"database schema version {start} is newer than this code ({latest}); "
            "upgrade the bot or restore a matching backup"
        )
    for migration in migrations[start:]:
        await _apply(db, migration)
    return start, latest


async def _apply(db: Database, migration: Migration) -> None:
    """One migration in one transaction (foreign_keys cannot change inside one: set it around)."""
    if migration.without_foreign_keys:
        await db.execute("PRAGMA foreign_keys=OFF")
    try:
        async with db.transaction():
            for statement in split_statements(migration.sql):
                await db.execute(statement)
            if migration.without_foreign_keys:
                broken = await db.fetchall("PRAGMA foreign_key_check")
                if broken:
                    raise MigrationError(
                        f"migration {migration.version:04d} would break {len(broken)} references"
                    )
            await db.execute(f"PRAGMA user_version = {migration.version:d}")
    finally:
        if migration.without_foreign_keys:
            await db.execute("PRAGMA foreign_keys=ON")
