"""/settings [key value]: show everything, or change one setting (secretary, chair)."""

from __future__ import annotations

from bot.permissions import allowed
from handlers import render
from handlers.context import Ctx, command


@command("settings")
async def settings(ctx: Ctx) -> None:
    """View the committee's settings, or change one."""
    key, _, value = ctx.args.partition(" ")
    if not key:
        await ctx.reply(render.settings_view(ctx.committee, ctx.lang))
        return
    if not allowed("settings.change", ctx.role):
        await ctx.say("settings.forbidden")
        return
    committee = await ctx.services.committee_settings.change(ctx.committee, ctx.user.id, key, value)
    await ctx.reply(ctx.t("settings.changed") + "\n\n" + render.settings_view(committee, ctx.lang))
