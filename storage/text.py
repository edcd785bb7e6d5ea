"""Facts about user-given text that every layer needs (storage only shows names, never lies)."""

from __future__ import annotations

import unicodedata

# Characters that render as nothing though Unicode calls them letters or symbols.
_BLANK = frozenset("\u3164\u115f\u1160\uffa0\u2800\u180e\u034f\u17b4\u17b5")


def visible(text: str) -> bool:
    """Whether some character of `text` shows (not only spaces, controls, fillers, marks)."""
    for char in text:
        category = unicodedata.category(char)
        if char not in _BLANK and category[0] not in "CZ" and category not in ("Mn", "Me"):
            return True
    return False
