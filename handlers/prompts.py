"""Which of the bot's prompts a typed message answers (comments, absence reasons, stand-ins)."""

from __future__ import annotations

from typing import Any

from telegram import Update

from handlers.context import GROUP_TYPES
from handlers.state import Context


async def prompt_answered(update: Update, context: Context, service: Any) -> Any | None:
    """In a group, the prompt the message replies to; in private, the sender's open prompt.

    `service` is one with `prompt_by_message(chat_id, message_id)` and `prompt(user_id, chat_id)`.
    """
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if chat.type in GROUP_TYPES:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return None
        return await service.prompt_by_message(chat.id, replied.message_id)
    return await service.prompt(user.id, chat.id)
