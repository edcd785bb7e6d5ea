"""Which database errors pass by themselves (another writer holds the lock): try again later."""

from __future__ import annotations

import sqlite3

TRANSIENT = ("SQLITE_BUSY", "SQLITE_LOCKED")  # and their extended codes (SQLITE_BUSY_SNAPSHOT…)


def is_transient(error: BaseException | None) -> bool:
    """True for "database is locked"/"busy": the same work succeeds once the other writer ends."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    name = getattr(error, "sqlite_errorname", None) or ""
    return name.startswith(TRANSIENT) or "database is locked" in str(error)
