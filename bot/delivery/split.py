"""Splitting Telegram HTML into messages under the length and entity limits (tags kept balanced)."""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup
from telegram.constants import MessageLimit

LIMIT = MessageLimit.MAX_TEXT_LENGTH
# Telegram applies at most this many entities to a message and silently ignores the rest: a
# mention beyond it notifies nobody.
MAX_ENTITIES = MessageLimit.MESSAGE_ENTITIES

# What Telegram detects by itself in plain text (each an entity): @mentions, #hashtags,
# /commands and links. Kept whole as one unit, like a tag or an HTML entity.
_AUTO = r"(?<![\w@])@\w{4,32}|(?<![\w#])#\w+|(?<![\w/])/[A-Za-z]\w*|https?://[^\s<&]+"
_UNIT = re.compile(r"<[^>]*>|&#?[0-9A-Za-z]+;|" + _AUTO + r"|[^<&\n]|\n|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")


def _weight(unit: str) -> int:
    """How many entities a unit makes: an opening tag or a detected token is one."""
    if unit.startswith("<"):
        return 0 if unit.startswith("</") else 1
    return 1 if len(unit) > 1 and unit[0] in "@#/h" else 0


def _track(stack: list[tuple[str, str]], unit: str) -> list[tuple[str, str]]:
    """The open tags after `unit` (an opening tag pushes, its closing tag pops)."""
    match = _TAG.match(unit) if unit.startswith("<") else None
    if match is None:
        return stack
    closing, name = match.groups()
    if not closing:
        return [*stack, (name.lower(), unit)]
    if stack and stack[-1][0] == name.lower():
        return stack[:-1]
    return stack


def _closers(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _openers(stack: list[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in stack)


def split_text(text: str, limit: int = LIMIT, max_entities: int = MAX_ENTITIES) -> list[str]:
    """Split Telegram HTML so each part fits the limit, on line breaks where possible.

    A part also carries at most `max_entities` entities (tags, mentions, links), so every
    mention in it notifies. A line longer than the limit is cut between characters, never inside
    a tag or an entity; tags open at a cut are closed at its end and reopened in the next part,
    so every part is valid HTML on its own.
    """
    if len(text) <= limit and sum(map(_weight, _UNIT.findall(text))) <= max_entities:
        return [text]
    units = _UNIT.findall(text)
    parts: list[str] = []
    chunk, stack, i, count = "", [], 0, 0
    newline = None  # (length of chunk before the last newline, stack, index after it, count)
    while i < len(units):
        unit = units[i]
        after = _track(stack, unit)
        too_long = len(chunk) + len(unit) + len(_closers(after)) > limit
        if (too_long or count + _weight(unit) > max_entities) and _visible(chunk):
            if newline is not None:
                cut, stack, i, _ = newline
                parts.append(chunk[:cut] + _closers(stack))
            else:
                parts.append(chunk + _closers(stack))
            chunk, newline, count = _openers(stack), None, len(stack)
            continue
        if unit == "\n":
            newline = (len(chunk), stack, i + 1, count)
        chunk, stack, count = chunk + unit, after, count + _weight(unit)
        i += 1
    parts.append(chunk)
    return [p for p in parts if _visible(p)]


def _visible(html: str) -> bool:
    """Whether some text would show (Telegram refuses a message of tags and spaces only)."""
    return bool(re.sub(r"<[^>]*>", "", html).strip())


def parts(
    text: str, keyboard: InlineKeyboardMarkup | None
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages a text needs, the keyboard riding on the last one."""
    chunks = split_text(text)
    return [(chunk, keyboard if i == len(chunks) - 1 else None) for i, chunk in enumerate(chunks)]
