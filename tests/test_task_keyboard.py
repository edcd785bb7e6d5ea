"""A task card's buttons: by status, in the reader's language; built once and shared (immutable)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from handlers.task_render import card_keyboard


def rows(markup) -> list[list[tuple[str, str]]]:
    return [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]


def test_an_open_task_offers_start_and_an_ongoing_one_does_not():
    opened = card_keyboard(SimpleNamespace(number=7, status="open"), "vi")
    ongoing = card_keyboard(SimpleNamespace(number=7, status="in_progress"), "vi")
    assert [data for _, data in rows(opened)[0]] == ["v1:t:s:7", "v1:t:p:7"]
    assert [data for _, data in rows(ongoing)[0]] == ["v1:t:p:7"]
    assert rows(opened)[1] == rows(ongoing)[1]
    assert [data for _, data in rows(ongoing)[1]] == ["v1:t:d:7", "v1:t:e:7"]
    assert card_keyboard(SimpleNamespace(number=7, status="done"), "vi") is None


def test_the_same_card_shares_one_keyboard_that_nobody_can_change():
    first = card_keyboard(SimpleNamespace(number=8, status="open"), "en")
    assert card_keyboard(SimpleNamespace(number=8, status="open"), "en") is first
    assert rows(card_keyboard(SimpleNamespace(number=8, status="open"), "vi")) != rows(first)
    with pytest.raises(AttributeError):
        first.inline_keyboard = ()
    assert isinstance(first.inline_keyboard, tuple)
