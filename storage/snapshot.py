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
