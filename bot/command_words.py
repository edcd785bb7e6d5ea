"""Mistyped commands: which of our command words someone meant (`/asign`, `/giao viec`, `/done1`).

Pure functions over the command words the registry declares (names and aliases); no Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.dates import fold_text


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) turning `a` into `b`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        row = [i]
        for j, other in enumerate(b, start=1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


def nearest(typed: str, next_word: str, words: Sequence[str], *, strict: bool) -> str | None:
    """The command word `typed` (followed by `next_word`) most likely meant, or None.

    `/done1` → `done` (a number glued on), `/giao viec` → `giaoviec` (a space inside), else the
    closest word within 1 edit (`strict`: a group message not addressed to us) or 2 edits (5+
    letters, when addressed to us or in a private chat). Ties go to the earlier word.
    """
    word = fold_text(typed).replace(" ", "")
    if not word or word in words:
        return word or None
    stripped = word.rstrip("0123456789_")
    if stripped != word and stripped in words:
        return stripped
    joined = word + fold_text(next_word).replace(" ", "")
    if next_word and joined in words:
        return joined
    if len(word) < (4 if strict else 3):
        return None
    limit = 1 if strict or len(word) < 5 else 2
    best = min(((distance(word, w), i) for i, w in enumerate(words)), default=(limit + 1, -1))
    return words[best[1]] if best[0] <= limit else None
