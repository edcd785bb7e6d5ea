"""Button presses: parse versioned callback data, route it, answer stale buttons politely."""

from __future__ import annotations

import re

from telegram import Update

from bot.i18n import t
from handlers.context import reader_language, services_of
from handlers.state import Context

CALLBACK_VERSION = "v1"
MAX_BYTES = 64
# What `pack` ever puts between the colons: short codes and ids that fit SQLite's integers.
_PART = re.compile(r"[A-Za-z0-9_-]{0,18}")


def pack(version: str, route: str, *parts: object) -> str:
    """Build callback data `v1:route:part:…`, refusing anything over Telegram's 64 bytes."""
    data = ":".join([version, route, *(str(p) for p in parts)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


async def dispatch(update: Update, context: Context, version: str, routes) -> None:
    """Call the route's handler with the remaining parts, or answer that the button is stale."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    handler = routes.get(parts[1]) if len(parts) >= 2 and parts[0] == version else None
    if not all(_PART.fullmatch(part) for part in parts):  # forged: "²", 20-digit ids, …
        handler = None
    if handler is None:
        services = services_of(context)
        chat = update.effective_chat
        committee = await services.committees.by_chat(chat.id) if chat else None
        lang = await reader_language(services, query.from_user.id, committee)
        await query.answer(t(lang, "common.stale_button"))
        return
    await handler(update, context, parts[2:])
