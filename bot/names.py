"""Names that cannot lie: user-given strings isolated from the text around them, and a visible
fallback for a name made only of invisible characters (issue 19, point 7).

A right-to-left override (U+202E) in a name or an agency would reverse the rest of the line,
deadline included; a user-given string that could reorder its line (right-to-left letters,
Arabic digits, explicit bidi controls) is therefore shown between FIRST STRONG ISOLATE (U+2068)
and POP DIRECTIONAL ISOLATE (U+2069), its own explicit controls removed (a stray U+2069 would
otherwise end the isolate early). Text without such characters cannot move its neighbours and is
shown as typed.
"""

from __future__ import annotations

import unicodedata

from storage.text import visible

__all__ = ["FSI", "PDI", "isolate", "needs_isolation", "shown", "visible"]

FSI, PDI = "\u2068", "\u2069"
# Explicit directional embeddings, overrides, isolates and marks: removed from user text.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def isolate(text: str) -> str:
    """`text` between U+2068 and U+2069, its own explicit bidi controls removed."""
    return FSI + text.translate(_BIDI_CONTROLS) + PDI


# Bidi classes that can reorder the text around them: strong right-to-left letters, Arabic
# numbers and the explicit embeddings, overrides and isolates.
_ACTIVE = frozenset(
    {"R", "AL", "AN", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}
)


def needs_isolation(text: str) -> bool:
    """Whether `text` could reorder the line it is shown in (only then are the marks added:
    left-to-right letters, European digits and neutrals cannot move their neighbours)."""
    return any(unicodedata.bidirectional(char) in _ACTIVE for char in text)


def shown(text: str) -> str:
    """A user-given string as a message shows it: isolated when it could reorder the line."""
    return isolate(text) if needs_isolation(text) else text
