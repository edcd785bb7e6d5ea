"""Health of the database file: where it lives, whether it is this bot's, and what it holds.

Plain sqlite3, opened read-only: nothing here creates or changes a file. When there is no `-wal`
file the database is opened `immutable` (SQLite then creates no `-wal`/`-shm` either); with one,
a running bot owns those files and a read-only connection reads through them.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

PROBE_BYTES = 1 << 20  # a start needs at least this much room (WAL, first pages)
RESTORE_HINT = "restore a backup with `python -m bot restore FILE`"
CAUSES = {
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file size limit reached",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


class HealthError(Exception):
    """The database file cannot be used; the message names the path and the cause."""


@dataclass(frozen=True)
class Inspection:
    """What a database file is: its schema version and size in bytes."""

    version: int
    size: int


def cause_of(exc: OSError) -> str:
    """A short human cause for an OS error ("read-only file system")."""
    return CAUSES.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def check_location(path: Path) -> None:
    """Refuse a path that is a folder, lies under a file, or whose folder cannot be written."""
    if path.is_dir():
        raise HealthError(f"DATABASE_PATH {path} is a folder, not a database file")
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        raise HealthError(f"DATABASE_PATH {path} is not a regular file")
    folder = next((p for p in path.parents if p.exists()), Path("."))
    if not folder.is_dir():
        raise HealthError(f"DATABASE_PATH {path}: {folder} is a file, not a folder")
    try:
        _probe(folder)
        if path.exists() and not os.access(path, os.R_OK | os.W_OK):
            raise PermissionError(errno.EACCES, "permission denied")
    except OSError as exc:
        cause = cause_of(exc)
        raise HealthError(f"DATABASE_PATH {path}: cannot write in {folder} ({cause})") from None


def _probe(folder: Path) -> None:
    """Write and remove a scratch file of PROBE_BYTES in `folder` (read-only or full: OSError)."""
    probe = folder / f".committee-probe-{os.getpid()}"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, bytes(PROBE_BYTES))
    finally:
        os.close(fd)
        probe.unlink()


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that creates no file (see the module docstring)."""
    wal = Path(f"{path}-wal").exists()
    uri = f"file:{pathname2url(str(path.resolve()))}?mode=ro" + ("" if wal else "&immutable=1")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def inspect(
    path: Path, latest: int, *, quick_check: bool = True, label: str = "DATABASE_PATH"
) -> Inspection | None:
    """Check an existing database is a sound SQLite file of this bot; None when there is none yet.

    `latest` is the newest schema version this code knows; a newer file is refused. `label` names
    the file in messages ("DATABASE_PATH data/committee.db").
    """
    if not path.exists() or path.stat().st_size == 0:
        return None  # created and migrated at start
    try:
        with read_only(path) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if quick_check:
                first = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                if first != "ok":
                    raise HealthError(
                        f"{label} {path} is damaged (quick_check: {_short(first)})" + _hint(label)
                    )
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise HealthError(_sqlite_problem(f"{label} {path}", exc) + _hint(label)) from None
    except PermissionError:
        raise HealthError(f"{label} {path}: cannot read it (permission denied)") from None
    if version > latest:
        raise HealthError(
            f"{label} {path} has schema version {version}, newer than this code ({latest});"
            " upgrade the bot or restore a matching backup"
        )
    if "committees" not in tables and (version > 0 or tables):
        raise HealthError(
            f"{label} {path} is a SQLite database, but not this bot's (no committees table)"
        )
    return Inspection(version, path.stat().st_size)


def _sqlite_problem(named: str, exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "not a database" in text:
        return f"{named} is not a SQLite database ({text})"
    if "malformed" in text or "corrupt" in text or "disk image" in text:
        return f"{named} is damaged ({text})"
    return f"{named}: {text}"


def _hint(label: str) -> str:
    """The pointer to `restore`, for the live database only."""
    return f"; {RESTORE_HINT}" if label == "DATABASE_PATH" else ""


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 120 else line[:119] + "…"


LAST_SWEEP = "last_sweep"  # scheduler_state key, written by each sweep (`to_db` text)


def figures(path: Path, now_text: str) -> dict[str, object]:
    """What an operator checks first, read from the file (`now_text` is `to_db(now)`)."""
    with read_only(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        open_items = conn.execute(
            "SELECT kind, COUNT(*) FROM items"
            " WHERE status NOT IN ('done', 'cancelled', 'closed') GROUP BY kind"
        ).fetchall()
        found: dict[str, object] = {
            "version": conn.execute("PRAGMA user_version").fetchone()[0],
            "committees": conn.execute(
                "SELECT COUNT(*) FROM committees WHERE active = 1"
            ).fetchone()[0],
            "committees_all": conn.execute("SELECT COUNT(*) FROM committees").fetchone()[0],
            "members": conn.execute("SELECT COUNT(*) FROM members WHERE active = 1").fetchone()[0],
            "open_items": dict(open_items),
            "due_reminders": None,
            "planned_reminders": None,
            "last_sweep": None,
            "set_aside": None,
        }
        if "reminders" in tables:
            found["due_reminders"] = conn.execute(
                "SELECT COUNT(*) FROM reminders"
                " WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= ?",
                (now_text,),
            ).fetchone()[0]
            found["planned_reminders"] = conn.execute(
                "SELECT COUNT(*) FROM reminders WHERE sent_at IS NULL AND cancelled_at IS NULL"
            ).fetchone()[0]
        inbox_columns = {r[1] for r in conn.execute("PRAGMA table_info(inbox)")}
        if "set_aside_at" in inbox_columns:  # schema 26 on
            found["set_aside"] = conn.execute(
                "SELECT COUNT(*) FROM inbox WHERE set_aside_at IS NOT NULL"
            ).fetchone()[0]
        if "scheduler_state" in tables:
            row = conn.execute(
                "SELECT value FROM scheduler_state WHERE key = ?", (LAST_SWEEP,)
            ).fetchone()
            found["last_sweep"] = row[0] if row else None
    return found
