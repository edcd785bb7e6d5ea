"""/help [command]: role-aware list of commands, or one command's usage."""

from __future__ import annotations

from bot.i18n import Html, has
from bot.permissions import PERMISSIONS, allowed
from handlers.context import Ctx, command


def visible_commands(ctx: Ctx) -> list[str]:
    """Commands this reader may run here, in registration order."""
    names = ctx.context.application.bot_data["command_names"]
    if ctx.is_private:
        return [n for n in names if PERMISSIONS[n].outsiders]
    if ctx.committee is not None:
        names = [n for n in names if n != "setup"]  # already done here
    return [n for n in names if allowed(n, ctx.role)]


@command("help", private=True)
async def help_command(ctx: Ctx) -> None:
    """Show what the reader can do, or how to use one command."""
    aliases = ctx.context.application.bot_data["command_aliases"]
    wanted = ctx.args.strip().lstrip("/").split("@")[0].lower()
    if wanted:
        name = aliases.get(wanted)
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
