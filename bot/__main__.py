"""Command line for operators: run the bot, or look after its database.

`python -m bot` runs the bot (the same as `run`); `migrate`, `backup`, `restore` and `status` look
after the SQLite file; `check-config` prints the settings. Every start-up failure is one line on
stderr and a non-zero exit code (README, *Deployment*). The run itself is in `bot/wiring/`, which
alone with this module may import `handlers/`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging

log = logging.getLogger("bot")

DESCRIPTION = (
    "The committee's Telegram bot. Without a command it runs the bot; the other commands look"
    " after its database. Settings come from the environment or .env (see README)."
)
EPILOG = (
    "Exit codes: 0 done, 1 refused (backup, restore, status), 2 a setting is wrong, 3 the"
    " database file cannot be used, 4 the Bot API cannot be reached, 5 the Bot API rejected"
    " BOT_TOKEN, 6 the bot is already running on this database."
)


def parser() -> argparse.ArgumentParser:
    """The command line, worded for the operator who installs and runs the bot."""
    top = argparse.ArgumentParser(prog="python -m bot", description=DESCRIPTION, epilog=EPILOG)
    sub = top.add_subparsers(dest="command", metavar="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("migrate", help="create or upgrade the database, then exit")
    backup = sub.add_parser("backup", help="copy the database to FILE (safe while the bot runs)")
    backup.add_argument(
        "file", nargs="?", help="where to write the copy (default: a dated file in BACKUP_DIR)"
    )
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    restore = sub.add_parser(
        "restore", help="replace the database with a backup FILE (the bot must be stopped)"
    )
    restore.add_argument("file", help="a backup made by `backup`")
    sub.add_parser("status", help="what is in the database, last sweep, last backup")
    sub.add_parser("check-config", help="print the effective settings (token masked)")
    sub.add_parser("routes", help="print every chat command and button, and who may use them")
    return top


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, load settings, and run the chosen command."""
    args = parser().parse_args(argv)
    if args.command == "routes":  # needs no settings
        return _routes()
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    token = settings.bot_token.get_secret_value()
    configure_logging(settings.log_level, [token])
    command = args.command or "run"
    if command == "check-config":
        for name, value in settings.masked().items():
            print(f"{name}={value}")
        return 0
    from bot.ops import commands

    with commands.one_line_failures(token) as outcome:
        if command == "migrate":
            commands.check_database(settings, "migrating")
            with commands.running(settings, "migrating"):
                outcome.code = asyncio.run(_migrate(settings))
        elif command == "backup":
            outcome.code = commands.backup(settings, args.file, force=args.force)
        elif command == "restore":
            outcome.code = commands.restore(settings, args.file)
        elif command == "status":
            outcome.code = commands.status(settings)
        else:
            commands.check_database(settings, "starting")
            with commands.running(settings, "starting another"):
                commands.check_bot_api(settings)
                outcome.code = _run(settings)
    return outcome.code


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


def _run(settings: Settings) -> int:
    from bot.wiring.run import run

    return run(settings)


def _routes() -> int:
    from handlers.install import table

    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
