""" "The bot is running": an flock on `<DATABASE_PATH>.lock`, held for the life of the process.

The kernel drops the lock when the process dies (even by SIGKILL), so a stale file never blocks a
start; the file itself is left in place (removing it would race with the next holder).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from bot.ops import StartupError

ALREADY_RUNNING = 6  # exit code


def lock_path(database: Path) -> Path:
    """Where the lock of this database lives."""
    return Path(f"{database}.lock")


@contextlib.contextmanager
def holding(database: Path, what: str = "the bot") -> Iterator[None]:
    """Hold the lock (creating its file) or raise StartupError naming the holder's pid."""
    path = lock_path(database)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StartupError(_busy(database, _pid(fd), what), ALREADY_RUNNING) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def holder(database: Path) -> int | None:
    """The pid of the process holding the lock (0 if unknown), or None; creates nothing."""
    try:
        fd = os.open(lock_path(database), os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _pid(fd)
    else:
        return None
    finally:
        os.close(fd)  # also releases our shared lock


def _pid(fd: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        return int(os.pread(fd, 32, 0).decode().strip() or 0)
    return 0


def _busy(database: Path, pid: int, what: str) -> str:
    who = f"the bot (pid {pid})" if pid else "the bot"
    return f"{who} is already running on DATABASE_PATH {database}; stop it before {what}"
