"""/help [command]: role-aware list of commands, or one command's usage."""

from __future__ import annotations

from bot.i18n import Html, has
from bot.permissions import ANYONE
from handlers import registry
from handlers.context import Ctx
from handlers.registry import command

MENU_RANK = 0  # /help comes first in menus


def visible_commands(ctx: Ctx) -> list[str]:
    """Commands this reader may run here, in registration order."""
    commands = registry.commands()
    if ctx.is_private:
        return [c.name for c in commands if c.who.outsiders]
    if ctx.committee is not None:
        commands = [c for c in commands if not c.who.group_admin]  # /setup: already done here
    return [c.name for c in commands if c.who.allows(ctx.role)]


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
    lines += [ctx.t(f"help.cmd.{name}") for name in visible_commands(ctx)]
    lines.append("")
    lines.append(ctx.t("help.footer"))
    await ctx.reply(Html("\n".join(lines)))
