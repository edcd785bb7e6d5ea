"""Command line: `python -m bot [run|migrate|backup FILE|check-config|routes]`.

The run itself is in `bot/wiring/` (the composition root, which alone with this module may import
`handlers/`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging

log = logging.getLogger("bot")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, load settings, and run the chosen command."""
    parser = argparse.ArgumentParser(prog="committee-bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (default)")
    sub.add_parser("migrate", help="create or upgrade the database, then exit")
    backup = sub.add_parser("backup", help="copy the live database to FILE (online backup)")
    backup.add_argument("file")
    sub.add_parser("check-config", help="print the effective settings (token masked)")
    sub.add_parser("routes", help="print every command, gate, button and deep link declared")
    args = parser.parse_args(argv)
    if args.command == "routes":  # needs no settings
        return _routes()
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, [settings.bot_token.get_secret_value()])
    command = args.command or "run"
    if command == "check-config":
        for name, value in settings.masked().items():
            print(f"{name}={value}")
        return 0
    try:
        if command == "migrate":
            return asyncio.run(_migrate(settings))
        if command == "backup":
            return asyncio.run(_backup(settings, args.file))
        return _run(settings)
    except Exception as exc:  # one clear line, no traceback for operators
        from storage.migrate import MigrationError

        if isinstance(exc, MigrationError):
            print(f"database error: {exc}", file=sys.stderr)
            return 3
        raise


async def _migrate(settings: Settings) -> int:
    from storage.db import Database
    from storage.migrate import migrate

    db = await Database.open(settings.database_path)
    try:
        before, after = await migrate(db)
    finally:
        await db.close()
    print(f"database {settings.database_path}: schema {before} → {after}")
    return 0


async def _backup(settings: Settings, target: str) -> int:
    from storage.db import Database

    if not settings.database_path.exists():
        print(f"no database at {settings.database_path}", file=sys.stderr)
        return 1
    db = await Database.open(settings.database_path)
    try:
        await db.backup(target)
    finally:
        await db.close()
    print(f"backed up {settings.database_path} to {target}")
    return 0


def _run(settings: Settings) -> int:
    from bot.wiring.run import run

    return run(settings)


def _routes() -> int:
    from handlers.install import table

    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
