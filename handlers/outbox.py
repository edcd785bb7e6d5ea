"""Sending to a committee's group: staged posts (the outbox), forum topics, migrated chats."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import ChatMigrated

from bot.delivery.outbox import Outbox
from bot.delivery.split import LIMIT, parts, split_text

__all__ = ["LIMIT", "outbox_of", "parts", "post", "send_long", "send_to_group", "split_text"]

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


def outbox_of(app) -> Outbox:
    """The application's outbox (made in post_init)."""
    outbox = app.bot_data.outbox
    if outbox is None:
        raise RuntimeError("the outbox is not open (post_init has not run)")
    return outbox


async def post(
    outbox: Outbox,
    committee,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    purpose: str = "notice",
    ref_id: int | None = None,
    reply_to: int | None = None,
) -> None:
    """Stage a message to a committee's group (its topic too) with the change being made.

    Inside a transaction it commits with it and goes out after the commit; outside one it is
    queued and sent now.
    """
    await outbox.text(
        committee.chat_id, text, markup=keyboard, thread_id=committee.thread_id,
        reply_to=reply_to, committee_id=committee.id, purpose=purpose, ref_id=ref_id,
    )  # fmt: skip
    await settle(outbox)


async def settle(outbox: Outbox) -> None:
    """Send what was staged now, or — inside an update's open transaction — once it commits."""
    db = outbox.db
    if db.in_unit_transaction():
        db.current_unit().after_commit(outbox.flush)
    elif not db.in_transaction():
        await outbox.flush()
