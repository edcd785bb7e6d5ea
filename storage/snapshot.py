"""Consistent copies of a database file with SQLite's online backup API (plain sqlite3)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from storage.health import read_only


def copy(source: Path, target: Path) -> None:
    """Copy `source` (live or not) into a new file `target`, then check the copy.

    The copy is written to a temporary name beside `target` and renamed over it only once it is
    complete and passes `quick_check`: an interrupted or failed copy never leaves a half file.
    """
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        with read_only(source) as src:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)  # one step: a consistent snapshot even while the bot writes
                dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
                verdict = dst.execute("PRAGMA quick_check(1)").fetchone()[0]
            finally:
                dst.close()
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy fails quick_check: {verdict}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def in_use(path: Path) -> bool:
    """True if another connection has `path` open: leaving WAL mode needs the file alone.

    Leaving WAL also checkpoints the WAL into the file, so a copy set aside next is complete.
    A damaged or foreign file is not "in use" (it is set aside as it is).
    """
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return False
