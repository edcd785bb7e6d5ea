"""The one error handler: log with the update, apologise in the reader's language, keep going."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, InvalidToken, TelegramError

from bot.i18n import t
from handlers.context import reader_language, services_of
from handlers.state import Context, state_of

log = logging.getLogger("bot.errors")


async def on_error(update: object, context: Context) -> None:
    """Log the failure (never the token) and tell the person something went wrong."""
    if isinstance(context.error, InvalidToken):  # the delivery stops the bot and says why
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
