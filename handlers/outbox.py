"""Sending to a committee's group: message splitting, forum topics, migrated chats."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import ChatMigrated

from bot.delivery.split import LIMIT, parts, split_text

__all__ = ["LIMIT", "parts", "send_long", "send_to_group", "split_text"]

log = logging.getLogger(__name__)


async def send_long(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    thread_id: int | None = None,
    keyboard: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send text in as many messages as it needs; the keyboard rides on the last one."""
    return [
        await bot.send_message(chat_id, chunk, message_thread_id=thread_id, reply_markup=markup)
        for chunk, markup in parts(text, keyboard)
    ]


async def send_to_group(
    services, committee, text: str, keyboard=None, *, bot: Bot
) -> list[Message]:
    """Post to a committee's group (its forum topic too); follow a supergroup migration once."""
    try:
        return await send_long(
            bot, committee.chat_id, text, thread_id=committee.thread_id, keyboard=keyboard
        )
    except ChatMigrated as exc:
        await services.committees.migrate_chat(committee.chat_id, exc.new_chat_id)
        log.info("committee %s moved to chat %s", committee.id, exc.new_chat_id)
        return await send_long(
            bot, exc.new_chat_id, text, thread_id=committee.thread_id, keyboard=keyboard
        )
