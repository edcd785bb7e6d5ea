"""/status: for the secretary, the bot's version, its last sweep, and whether it can still post.

The one getChatMember (the bot's own rights) and, in a forum topic, one sendChatAction (can it
write there?) are spent only when someone asks.
"""

from __future__ import annotations

from telegram.constants import ChatAction, ChatMemberStatus
from telegram.error import BadRequest, Forbidden

from bot import dates
from bot.i18n import Html
from bot.ops import bot_version
from bot.permissions import SECRETARY_ONLY
from handlers.context import Ctx
from handlers.registry import command

MENU_RANK = 90  # after the everyday commands
HELP_GROUP = "settings"  # /help heading (handlers/registry.py, `command`)


@command("status", aliases=("trangthai",), who=SECRETARY_ONLY)
async def status(ctx: Ctx) -> None:
    """Version, last sweep, and the bot's rights in this group (and its topic)."""
    bot = ctx.context.bot
    last = await ctx.services.reminders.last_sweep()
    swept = (
        ctx.t(
            "status.swept",
            when=dates.format_datetime(last, ctx.committee.tz, ctx.lang),
        )
        if last
        else ctx.t("status.never_swept")
    )
    lines = [ctx.t("status.header"), ctx.t("status.version", version=bot_version()), swept]
    set_aside = await ctx.services.inbox.set_aside_count(ctx.chat.id)
    if set_aside:
        lines.append(ctx.t("status.set_aside", count=set_aside))
    me = await bot.get_chat_member(ctx.chat.id, bot.id)
    if me.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
        lines.append(ctx.t("status.admin"))
    elif me.status == ChatMemberStatus.RESTRICTED and not getattr(me, "can_send_messages", True):
        lines.append(ctx.t("status.muted"))
    else:
        lines.append(ctx.t("status.not_admin"))
    thread = ctx.committee.thread_id
    if thread:
        try:
            await bot.send_chat_action(ctx.chat.id, ChatAction.TYPING, message_thread_id=thread)
        except (BadRequest, Forbidden) as exc:
            lines.append(ctx.t("status.topic_closed", reason=exc.message))
        else:
            lines.append(ctx.t("status.topic_ok"))
    await ctx.reply(Html("\n".join(lines)))
