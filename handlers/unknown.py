"""Commands we do not know: `/asign` gets "Có phải ý đồng chí là /assign …?" with the usage.

In a private chat, or addressed to this bot (`/xyz@ThisBot`), every unknown command is answered;
in a group an unaddressed one only when it is close to one of ours (other bots' commands stay
ignored), and `/cmd@OtherBot` never. The candidates are the registry's names and aliases.
"""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import MessageHandler, filters

from bot.command_words import nearest
from bot.i18n import has
from handlers import registry
from handlers.context import _build_ctx, service_sender
from handlers.registry import on_update
from handlers.state import Context


@on_update(lambda fn: MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, fn))
async def on_unknown_command(update: Update, context: Context) -> None:
    """Suggest the command someone probably meant (a command no handler took)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text or service_sender(update):
        return
    head, *rest = message.text.split(maxsplit=2)
    typed, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return  # another bot's command
    addressed = chat.type == Chat.PRIVATE or bool(addressee)
    words = registry.by_word()
    meant = nearest(typed, rest[0] if rest else "", list(words), strict=not addressed)
    if meant is None and not addressed:
        return
    ctx = await _build_ctx(update, context, "")
    if ctx is None:
        return
    if meant is None:
        await ctx.say("unknown.not_a_command", word=typed)
        return
    usage = f"{words[meant].name}.usage"
    if has(usage):
        await ctx.say("unknown.did_you_mean", command=meant, usage=ctx.t(usage))
    else:
        await ctx.say("unknown.did_you_mean_plain", command=meant)
