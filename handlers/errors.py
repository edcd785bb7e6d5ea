"""The one error handler: log with the update, apologise in the reader's language, keep going."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, InvalidToken, TelegramError
from telegram.ext import Application

from bot.i18n import t
from handlers.context import reader_language, services_of
from handlers.state import Context, state_of
from storage.transient import is_transient

log = logging.getLogger("bot.errors")


async def on_error(update: object, context: Context) -> None:
    """Log the failure (never the token) and tell the person something went wrong."""
    if isinstance(context.error, InvalidToken):  # the delivery stops the bot and says why
        log.error("error while handling %r: the Bot API refused the token (%s)", update,
                  context.error.message)  # fmt: skip
        return
    if is_transient(context.error):  # rolled back and tried again shortly (bot/delivery)
        log.warning("database busy while handling update; it is tried again: %s", context.error)
        return
    log.error("error while handling %r", update, exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    try:
        services = services_of(context)
        committee = await services.committees.by_chat(chat.id)
        lang = await reader_language(services, user.id, committee)
    except Exception:  # the database itself may be what failed
        lang = state_of(context).default_language
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(lang, "error.callback"), show_alert=False)
        else:
            await context.bot.send_message(chat.id, t(lang, "error.apology"))
    except TelegramError:  # network trouble, a migrated chat, a blocked bot
        log.warning("could not deliver the apology to chat %s", chat.id)


async def tell_set_aside(app: Application, update: Update) -> None:
    """Tell the sender, once, that their message could not be processed (it is kept aside)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    state = state_of(app)
    try:
        committee = await state.services.committees.by_chat(chat.id)
        lang = await reader_language(state.services, user.id, committee)
    except Exception:  # the database itself may be what failed
        lang = state.default_language
    message = update.effective_message
    if update.callback_query is None and message is not None:
        await message.reply_text(t(lang, "inbox.set_aside"))
        return
    thread = message.message_thread_id if message and message.is_topic_message else None
    await app.bot.send_message(chat.id, t(lang, "inbox.set_aside"), message_thread_id=thread)
