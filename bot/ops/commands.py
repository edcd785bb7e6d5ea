"""The operator commands' checks and their one-line failures (called from `bot/__main__.py`)."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Iterator
from types import TracebackType

from bot.config import Settings
from bot.ops import StartupError, lockfile
from bot.ops.backup import backup, restore
from bot.ops.preflight import REJECTED, UNREACHABLE, check_bot_api
from bot.ops.status import status
from storage import health

log = logging.getLogger("bot")

DATABASE_ERROR = 3  # exit code

__all__ = ["backup", "check_bot_api", "check_database", "one_line_failures", "restore", "status"]


def check_database(settings: Settings, doing: str) -> None:
    """Refuse (creating and changing nothing) a database path or file that cannot be used."""
    from storage.migrate import available

    path = settings.database_path
    health.check_location(path)
    health.inspect(path, available()[-1].version)
    log.debug("database %s checked before %s", path, doing)


@contextlib.contextmanager
def running(settings: Settings, doing: str) -> Iterator[None]:
    """Create the database's folder and hold the "bot is running" lock for the block."""
    settings.database_path.parent.mkdir(parents=True, exist_ok=True)
    with lockfile.holding(settings.database_path, doing):
        yield


class one_line_failures:  # a context manager: `with one_line_failures(token) as outcome:`
    """Turn every known start-up failure into one redacted line on stderr and an exit code.

    `outcome.code` is the exit code: what the block set, or the failure's. Anything unexpected
    still goes to the log with its traceback, redacted like every log line.
    """

    def __init__(self, token: str) -> None:
        self.token = token
        self.code = 0

    def __enter__(self) -> one_line_failures:
        hook = sys.excepthook

        def redacted(kind, value, tb):  # an uncaught error in a thread or at exit
            log.critical("unexpected error", exc_info=(kind, value, tb))
            if kind is KeyboardInterrupt:
                hook(kind, value, tb)

        sys.excepthook = redacted
        threading.excepthook = lambda a: redacted(a.exc_type, a.exc_value, a.exc_traceback)
        return self

    def __exit__(
        self, kind: type | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if exc is None or isinstance(exc, SystemExit):
            return False
        if isinstance(exc, KeyboardInterrupt):
            print("interrupted", file=sys.stderr)
            self.code = 130
            return True
        line, code = self._line(exc)
        if line is None:
            log.critical("stopped by an unexpected error", exc_info=(kind, exc, tb))
            self.code = 1
            return True
        print(line.replace(self.token, "***"), file=sys.stderr)
        self.code = code
        return True

    def _line(self, exc: BaseException) -> tuple[str | None, int]:
        import sqlite3

        from telegram.error import InvalidToken, NetworkError

        from storage.migrate import MigrationError

        if isinstance(exc, StartupError):
            return str(exc), exc.code
        if isinstance(exc, health.HealthError):
            return f"database error: {exc}", DATABASE_ERROR
        if isinstance(exc, MigrationError | sqlite3.Error):
            return f"database error: {exc}", DATABASE_ERROR
        if isinstance(exc, InvalidToken):  # the start-up check passed, then Telegram refused
            return "the Bot API rejected BOT_TOKEN (Unauthorized): check it with @BotFather", (
                REJECTED
            )
        if isinstance(exc, NetworkError):
            return (
                f"cannot reach the Bot API: {exc.message}; check the network or BOT_API_BASE_URL",
                UNREACHABLE,
            )
        return None, 1
