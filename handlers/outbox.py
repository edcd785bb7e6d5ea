"""Sending to a committee's group: message splitting, forum topics, migrated chats."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit
from telegram.error import ChatMigrated

log = logging.getLogger(__name__)

LIMIT = MessageLimit.MAX_TEXT_LENGTH


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Split on line breaks so each part fits Telegram's limit (a giant line is cut hard)."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()]


async def send_long(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    thread_id: int | None = None,
    keyboard: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send text in as many messages as it needs; the keyboard rides on the last one."""
    chunks = split_text(text)
    sent = []
    for i, chunk in enumerate(chunks):
        markup = keyboard if i == len(chunks) - 1 else None
        sent.append(
            await bot.send_message(chat_id, chunk, message_thread_id=thread_id, reply_markup=markup)
        )
    return sent


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
