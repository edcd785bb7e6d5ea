"""Files the bot builds for people (.docx summaries); heavy libraries are imported lazily."""

from __future__ import annotations

from bot.i18n import catalog


def plain(lang: str, key: str, /, **params: object) -> str:
    """A catalog message as plain text (no HTML escaping), for documents rather than chats."""
    return catalog(lang)[key].format(**params)
