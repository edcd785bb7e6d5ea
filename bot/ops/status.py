"""`python -m bot status`: the figures an operator checks first, read without changing anything."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.ops import StartupError, bot_version, lockfile
from storage import health
from storage.db import from_db, to_db

BACKUP_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".bak")


def status(settings: Settings, now: datetime | None = None) -> int:
    """Print the status lines; 1 when there is no database yet (3 when it is unusable)."""
    from storage.migrate import available

    now = now or datetime.now(UTC)
    path = settings.database_path
    latest = available()[-1].version
    if health.inspect(path, latest) is None:
        raise StartupError(f"no database at {path} yet: it is created at the first start", 1)
    found = health.figures(path, to_db(now))
    pid = lockfile.holder(path)
    items = found["open_items"]
    kinds = ", ".join(
        f"{items[k]} {k}{'' if items[k] == 1 else 's'}"
        for k in ("task", "consultation", "vote")
        if k in items
    )
    lines = {
        "version": bot_version(),
        "database": f"{path}, {_size(path.stat().st_size)}, schema {found['version']}"
        f" (this code: {latest}), quick_check ok",
        "bot": "not running" if pid is None else f"running (pid {pid})" if pid else "running",
        "committees": f"{found['committees']} active ({found['committees_all']} in all)",
        "members": f"{found['members']} active",
        "open items": f"{sum(items.values())}" + (f": {kinds}" if kinds else ""),
        "reminders": "—"
        if found["due_reminders"] is None
        else f"{found['due_reminders']} due now, {found['planned_reminders']} planned",
        "set aside": "—"
        if found["set_aside"] is None
        else f"{found['set_aside']} updates kept aside after failing (inbox table, set_aside_at)",
        "last sweep": _when(from_db(found["last_sweep"]), now) if found["last_sweep"] else "never",
        "last backup": last_backup(settings.backup_dir, now),
    }
    for name, value in lines.items():
        print(f"{name + ':':<13}{value}")
    return 0


def last_backup(folder: Path | None, now: datetime) -> str:
    """The newest backup file in BACKUP_DIR, described for the status."""
    if folder is None:
        return "BACKUP_DIR not set"
    files = [p for p in folder.glob("*") if p.is_file() and p.suffix in BACKUP_SUFFIXES]
    if not files:
        return f"none in {folder}"
    newest = max(files, key=lambda p: p.stat().st_mtime)
    made = datetime.fromtimestamp(newest.stat().st_mtime, UTC)
    return f"{newest}, {_size(newest.stat().st_size)}, {_when(made, now)}"


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    minutes = int((now - moment).total_seconds() // 60)
    ago = (
        "just now"
        if minutes < 1
        else f"{minutes} min ago"
        if minutes < 120
        else f"{minutes // 60} h ago"
        if minutes < 48 * 60
        else f"{minutes // 1440} days ago"
    )
    return f"{moment:%Y-%m-%d %H:%M} UTC ({ago})"


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""
