"""The card digest: equal cards give equal digests; any change of text or button changes it."""

from __future__ import annotations

from telegram import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup

from handlers.cards import digest_of


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(list(rows))


def button(text="Tiến độ", **kwargs) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, **({"callback_data": "v1:t:p:1"} | kwargs))


def test_equal_cards_built_apart_have_one_digest():
    assert digest_of("Việc #1", keyboard([button()])) == digest_of("Việc #1", keyboard([button()]))
    assert digest_of("Việc #1", None) == digest_of("Việc #1", None)


def test_any_change_of_text_or_button_changes_the_digest():
    base = digest_of("Việc #1", keyboard([button(), button("Xong")]))
    changed = [
        digest_of("Việc #1 ", keyboard([button(), button("Xong")])),
        digest_of("Việc #1", keyboard([button(), button("Xong ")])),
        digest_of("Việc #1", keyboard([button(), button("Xong", callback_data="v1:t:d:1")])),
        digest_of("Việc #1", keyboard([button()], [button("Xong")])),  # rows differ
        digest_of("Việc #1", keyboard([button(callback_data=None, url="https://a.vn")])),
        digest_of("Việc #1", keyboard([button(callback_data=None, copy_text=CopyTextButton("1"))])),
        digest_of("Việc #1", None),
    ]
    assert base not in changed and len(set(changed)) == len(changed)
