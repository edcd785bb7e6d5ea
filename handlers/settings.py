"""/settings [key value]: show everything, or change one setting (secretary, chair) and answer
with that setting's new value only."""

from __future__ import annotations

from bot.permissions import MEMBERS, SECRETARY_OR_CHAIR
from bot.services.settings import normalize_key
from handlers import render
from handlers.context import Ctx
from handlers.registry import command, gate

MENU_RANK = 30
HELP_GROUP = "settings"  # /help heading (handlers/registry.py, `command`)
TOPIC_WORDS = ("topic", "chude", "chủđề")
HERE_WORDS = ("here", "day", "đây")
CHANGE = gate(
    "settings.change",
    who=SECRETARY_OR_CHAIR,
    via="settings",
    example="quiet 22:00-06:00",
    refusal="settings.forbidden",
)


@command("settings", aliases=("caidat",), who=MEMBERS)
async def settings(ctx: Ctx) -> None:
    """View the committee's settings, or change one."""
    key, _, value = ctx.args.partition(" ")
    if not key:
        await ctx.reply(render.settings_view(ctx.committee, ctx.lang))
        return
    if not CHANGE.allows(ctx.role):
        await ctx.say(CHANGE.refusal)
        return
    if key.lower() in TOPIC_WORDS:
        if value.strip().lower() not in HERE_WORDS:
            await ctx.say("recovery.topic_usage")
            return
        await ctx.services.recovery.move_topic(ctx.committee, ctx.thread_id, ctx.user.id)
        await ctx.say("recovery.topic_moved")
        return
    canonical = normalize_key(key)
    committee = await ctx.services.committee_settings.change(ctx.committee, ctx.member, key, value)
    await ctx.reply(render.setting_changed(committee, canonical, ctx.lang))
