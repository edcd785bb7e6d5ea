"""`backup [FILE] [--force]` and `restore FILE`: copies that are safe to make and to put back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.ops import StartupError, lockfile
from storage import health, snapshot

REFUSED = 1  # exit code


def backup(settings: Settings, file: str | None, *, force: bool = False) -> int:
    """Copy the live database (online) to FILE, or to a dated file in BACKUP_DIR."""
    from storage.migrate import available

    live = settings.database_path
    target = _target(settings, file)
    if _same(target, live):
        raise StartupError(f"backup refused: {target} is the live database itself", REFUSED)
    if target.is_dir():
        raise StartupError(f"backup refused: {target} is a folder; give a file name", REFUSED)
    if target.exists() and not force:
        raise StartupError(
            f"backup refused: {target} already exists; add --force to overwrite it", REFUSED
        )
    found = health.inspect(live, available()[-1].version, quick_check=False)
    if found is None:
        raise StartupError(f"backup refused: no database at {live}", REFUSED)
    target.parent.mkdir(parents=True, exist_ok=True)
    snapshot.copy(live, target)
    print(f"backed up {live} to {target} ({target.stat().st_size} bytes, schema {found.version})")
    return 0


def restore(settings: Settings, file: str) -> int:
    """Replace the database with backup FILE (the bot stopped); the replaced file is kept aside."""
    from storage.migrate import available

    live, source, latest = settings.database_path, Path(file), available()[-1].version
    if not source.is_file():
        raise StartupError(f"restore refused: {source} is not a file", REFUSED)
    if _same(source, live):
        raise StartupError(f"restore refused: {source} is the live database itself", REFUSED)
    try:
        found = health.inspect(source, latest, label="restore refused: backup")
    except health.HealthError as exc:
        raise StartupError(str(exc), REFUSED) from None
    if found is None or found.version == 0:
        raise StartupError(f"restore refused: {source} is empty, not a backup", REFUSED)
    health.check_location(live)
    live.parent.mkdir(parents=True, exist_ok=True)
    with lockfile.holding(live, "restoring"):
        _not_open_elsewhere(live)
        staged = live.with_name(f".{live.name}.restoring")
        snapshot.copy(source, staged)
        aside = _set_aside(live)
        staged.replace(live)
    kept = f"; the replaced database is kept as {aside}" if aside else ""
    later = f"; it is upgraded to schema {latest} at the next start"
    later = later if found.version < latest else ""
    print(f"restored {live} from {source} (schema {found.version}){kept}{later}")
    return 0


def _target(settings: Settings, file: str | None) -> Path:
    if file:
        return Path(file)
    if settings.backup_dir is None:
        raise StartupError("backup refused: give FILE, or set BACKUP_DIR", REFUSED)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M%S")
    return settings.backup_dir / f"{settings.database_path.stem}-{stamp}.db"


def _same(a: Path, b: Path) -> bool:
    """True when `a` is `b`, or one of its companion files (-wal, -shm, .lock)."""
    names = {b.resolve(), *(Path(f"{b.resolve()}{s}") for s in ("-wal", "-shm", ".lock"))}
    if a.resolve() in names:
        return True
    return a.exists() and b.exists() and a.samefile(b)


def _not_open_elsewhere(live: Path) -> None:
    """Refuse if another program has the file open (SQLite's own lock)."""
    if snapshot.in_use(live):
        raise StartupError(
            f"restore refused: {live} is in use by another program; stop it first", REFUSED
        )


def _set_aside(live: Path) -> Path | None:
    """Rename the current file (and any -wal/-shm) to `<name>.replaced-<UTC time>`."""
    if not live.exists():
        return None
    aside = live.with_name(f"{live.name}.replaced-{datetime.now(UTC):%Y%m%d-%H%M%S}")
    live.replace(aside)
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{live}{suffix}")
        if companion.exists():
            companion.replace(Path(f"{aside}{suffix}"))
    return aside
