"""Answers, ballots and percentages in plain words: `đồng ý`, `không nhất trí vì …`, `góp ý …`,
`tán thành`, `không biểu quyết`, `70 phần trăm` — with or without diacritics, NFD, any case.

Each reader takes the words after the item number and returns what they mean plus the rest of
the line as typed (the comment or note). Refusals are `DomainError`s with the command's usage key.
"""

from __future__ import annotations

import re
import unicodedata

from bot.dates import fold_text
from bot.errors import DomainError
from bot.pass_rule import ABSTAIN, AGAINST, FOR

_AGREE = ("dong y", "dongy", "nhat tri", "nhattri", "tan thanh", "thong nhat", "agree", "yes")
_AGREE += ("y", "ok", "dong y hoan toan", "hoan toan dong y", "nhat tri hoan toan")
_COMMENT = ("dong y co y kien", "dong y va co y kien", "dong y nhung co y kien", "gop y")
_COMMENT += ("gopy", "co y kien", "y kien", "comment", "comments", "agree with comments")
_COMMENT += ("agree_with_comments", "agreewithcomments", "c", "nhat tri co y kien", "co gop y")
_COMMENT += ("dong y co gop y", "dong y voi y kien", "tan thanh co y kien", "dong y kem y kien")
_DISAGREE = ("khong dong y", "khongdongy", "khong nhat tri", "khong tan thanh", "phan doi")
_DISAGREE += ("disagree", "no", "n", "khong", "khong thong nhat", "bat dong")
ANSWER_PHRASES = {
    **dict.fromkeys(_AGREE, "agree"),
    **dict.fromkeys(_COMMENT, "agree_with_comments"),
    **dict.fromkeys(_DISAGREE, "disagree"),
}
_FOR = ("tan thanh", "dong y", "nhat tri", "for", "yes", "thuan", "ung ho", "bo phieu tan thanh")
_AGAINST = ("khong tan thanh", "khong dong y", "khong nhat tri", "phan doi", "against", "no")
_AGAINST += ("chong", "bo phieu khong tan thanh")
_ABSTAIN = ("khong bieu quyet", "abstain", "phieu trang", "bo phieu trang", "kieng", "trang")
_ABSTAIN += ("khong y kien", "khong co y kien", "abstention")
BALLOT_PHRASES = {
    **dict.fromkeys(_FOR, FOR),
    **dict.fromkeys(_AGAINST, AGAINST),
    **dict.fromkeys(_ABSTAIN, ABSTAIN),
}
_LONGEST = 5  # words in the longest phrase
_PUNCT = ",.;:!?-–—()\"'“”"
_NUMBERED = re.compile(r"\s*#?([0-9]{1,9})\s+(\S.*)$", re.DOTALL)
_PERCENT = re.compile(r"([0-9]{1,6})\s*(?:%|phan tram|percent|pct)?(?=\s|$)")


def _leading(text: str, phrases: dict[str, str]) -> tuple[str, str] | None:
    """The longest phrase at the start of `text` → (its meaning, the rest as typed)."""
    text = unicodedata.normalize("NFC", text)
    words = list(re.finditer(r"\S+", text))
    for size in range(min(_LONGEST, len(words)), 0, -1):
        head = " ".join(fold_text(w[0]).strip(_PUNCT) for w in words[:size])
        if head in phrases:
            return phrases[head], text[words[size - 1].end() :].strip().lstrip(_PUNCT).strip()
    return None


def read_answer(text: str) -> tuple[str, str]:
    """`đồng ý`, `nhất trí`, `góp ý …`, `không đồng ý vì …`, `dong y` … → (answer, comment)."""
    found = _leading(text, ANSWER_PHRASES)
    if found is None:
        raise DomainError("opinion.usage")
    return found


def read_ballot(text: str) -> tuple[int, str] | None:
    """`15 tán thành`, `#15 không tán thành`, `15 không biểu quyết`, `15 for|against|abstain` →
    (15, choice); None when the words are not a ballot (they may be a new motion)."""
    found = _NUMBERED.match(unicodedata.normalize("NFC", text))
    ballot = found and _leading(found[2], BALLOT_PHRASES)
    if not ballot:
        return None
    choice, rest = ballot
    if rest:  # a ballot carries no comment: say so rather than drop the words
        raise DomainError("vote.ballot_extra", number=int(found[1]), text=rest)
    return int(found[1]), choice


def read_percent(text: str) -> tuple[int, str]:
    """`70`, `70%`, `70 %`, `70 phần trăm` at the start → (70, the rest as the note); 0…100."""
    text = unicodedata.normalize("NFC", text).strip()
    folded = fold_text(text)
    found = _PERCENT.match(folded)
    if found is None:
        raise DomainError("progress.usage")
    value = int(found[1])
    if not 0 <= value <= 100:
        raise DomainError("progress.bad_percent", value=folded[: found.end()])
    used = len(folded[: found.end()].split())
    words = list(re.finditer(r"\S+", text))
    note = text[words[used - 1].end() :].strip() if used <= len(words) else ""
    return value, note
