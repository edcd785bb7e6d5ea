"""Which of the bot's prompts a typed message answers (comments, absence reasons, stand-ins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update

from handlers.context import GROUP_TYPES, reader_language, services_of
from handlers.state import Context


@dataclass(frozen=True)
class TypedAnswer:
    """A typed message that answers one of the bot's prompts, with what replying to it needs."""

    text: str
    prompt: Any
    item: Any
    committee: Any
    lang: str


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


async def typed_answer(
    update: Update, context: Context, service: Any, *, commands: bool = True
) -> TypedAnswer | None:
    """The prompt a typed message answers, its item, committee and the reader's language; None
    when the message answers none of `service`'s prompts (`commands=False`: "/…" never does)."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    text = (message.text or message.caption) if message else None
    if text is None or user is None or chat is None:
        return None
    if not commands and text.startswith("/"):
        return None
    prompt = await prompt_answered(update, context, service)
    if prompt is None:
        return None
    services = services_of(context)
    item = await services.items.get(prompt.item_id)
    committee = await services.committees.get(item.committee_id)
    lang = await reader_language(services, user.id, committee)
    return TypedAnswer(text, prompt, item, committee, lang)
