"""Splitting by entity count (issue 19, point 5): Telegram applies a message's first 100 entities
only, so no part may carry more; nothing is lost or cut inside a mention."""

from __future__ import annotations

import re

from bot.delivery.split import MAX_ENTITIES, split_text
from tests.fakes.shapes import message_entities, strip_html


def mention(i: int) -> str:
    return f'<a href="tg://user?id={1000 + i}">N{i}</a>'


def check(text: str) -> list[str]:
    parts = split_text(text)
    for part in parts:
        assert len(message_entities(part, "HTML") or []) <= MAX_ENTITIES
    shown = "".join(strip_html(p) for p in parts)
    assert re.sub(r"\s", "", shown) == re.sub(r"\s", "", strip_html(text))
    return parts


def test_one_long_line_of_mentions_is_cut_between_mentions():
    parts = check(", ".join(mention(i) for i in range(250)))
    assert len(parts) == 3
    assert all(p.count("<a ") == p.count("</a>") for p in parts)


def test_lines_of_mentions_and_usernames_are_cut_at_line_breaks():
    lines = [f"• {mention(i)} @user_{i:04d} <b>#{i}</b>" for i in range(120)]
    parts = check("\n".join(lines))
    assert all(p.startswith("• ") for p in parts)


def test_a_text_under_both_limits_stays_whole():
    text = ", ".join(mention(i) for i in range(MAX_ENTITIES))
    assert split_text(text) == [text]
