"""/help [command]: what the reader may do here, grouped by activity, or one command's usage.

Groups come from the declarations (`@command(..., group=…)` or the module's `HELP_GROUP`); each
has a heading `help.group.<name>`. In Vietnamese a command shows its Vietnamese alias first
(`/giaoviec (/assign)`); in a private chat only what works there is listed.
"""

from __future__ import annotations

import re

from bot.i18n import Html, has
from bot.permissions import ANYONE
from handlers import registry
from handlers.context import Ctx
from handlers.registry import Command, command

MENU_RANK = 0  # /help comes first in menus
HELP_GROUP = "personal"  # /help heading (handlers/registry.py, `command`)
# Everyday activities first; groups declared by newer modules come after these six.
FIRST = ("tasks", "consult", "vote", "remind", "report", "members")
LAST = ("items", "settings", "personal")
_NAME_PREFIX = re.compile(r"^/\w+\s+—\s+")  # catalog lines read "/name — what it does"


def visible_commands(ctx: Ctx) -> list[Command]:
    """Commands this reader may run here, in menu order."""
    commands = registry.commands()
    if ctx.is_private:
        return [c for c in commands if c.works_in("private")]
    commands = [c for c in commands if c.works_in("group")]
    if ctx.committee is not None:
        commands = [c for c in commands if not c.who.group_admin]  # /setup: already done here
    return [c for c in commands if registry.creating_rule(c).allows(ctx.role)]


def group_order(groups: set[str]) -> list[str]:
    """The headings in reading order: everyday ones, newer modules' ones, then the rest."""
    middle = sorted(groups - set(FIRST) - set(LAST))
    return [g for g in (*FIRST, *middle, *LAST) if g in groups]


def line(cmd: Command, ctx: Ctx) -> str:
    """`/giaoviec (/assign) — giao nhiệm vụ` in Vietnamese, `/assign — assign a task` in English."""
    what = _NAME_PREFIX.sub("", ctx.t(f"help.cmd.{cmd.name}"))
    if ctx.lang == "vi" and cmd.aliases:
        return f"/{cmd.aliases[0]} (/{cmd.name}) — {what}"
    return f"/{cmd.name} — {what}"


@command("help", aliases=("trogiup",), who=ANYONE, where="both", before_setup=True)
async def help_command(ctx: Ctx) -> None:
    """Show what the reader can do, or how to use one command."""
    wanted = ctx.args.strip().lstrip("/").split("@")[0].lower()
    if wanted:
        cmd = registry.by_word().get(wanted)
        name = cmd.name if cmd else None
        if name is None or not has(f"help.usage.{name}"):
            await ctx.say("help.unknown", command=wanted)
            return
        await ctx.say(f"help.usage.{name}")
        return
    lines = [ctx.t("help.header_private" if ctx.is_private else "help.header")]
    if ctx.committee is None and not ctx.is_private:
        lines = [ctx.t("help.header_new")]
    visible = visible_commands(ctx)
    for group in group_order({c.group for c in visible}):
        heading = f"help.group.{group}"
        lines += ["", ctx.t(heading) if has(heading) else f"<b>{group}</b>"]
        lines += [line(c, ctx) for c in visible if c.group == group]
    lines.append("")
    lines.append(ctx.t("help.footer"))
    await ctx.reply(Html("\n".join(lines)))
