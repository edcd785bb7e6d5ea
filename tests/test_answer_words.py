"""Answers, ballots and percentages in plain words (bot/answer_words.py, issue 12)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer_words import ANSWER_PHRASES, BALLOT_PHRASES, read_answer, read_ballot, read_percent
from bot.errors import DomainError

SPELLINGS = {
    "agree": ["đồng ý", "Đồng ý.", "ĐỒNG Ý", "dong y", "nhất trí", "Nhất trí!", "tán thành", "ok"],
    "agree_with_comments": ["đồng ý có ý kiến", "đồng ý, có ý kiến:", "góp ý", "gop y", "comment"],
    "disagree": ["không đồng ý", "khong dong y", "không nhất trí", "phản đối", "disagree", "no"],
}


@pytest.mark.parametrize(
    ("typed", "answer"), [(s, a) for a, spellings in SPELLINGS.items() for s in spellings]
)
def test_every_spelling_with_the_rest_as_the_comment(typed: str, answer: str) -> None:
    for form in (typed, unicodedata.normalize("NFD", typed), f"  {typed.upper()}  "):
        assert read_answer(form) == (answer, ""), form
        got, comment = read_answer(f"{form}  Đề nghị bổ sung Điều 5 ")
        assert (got, unicodedata.normalize("NFC", comment)) == (answer, "Đề nghị bổ sung Điều 5")


def test_longest_phrase_wins() -> None:
    assert read_answer("không đồng ý vì thiếu") == ("disagree", "vì thiếu")
    assert read_answer("đồng ý có ý kiến sửa Điều 2") == ("agree_with_comments", "sửa Điều 2")
    assert read_answer("đồng ý vì hợp lý") == ("agree", "vì hợp lý")  # the service: with comments


@pytest.mark.parametrize("typed", ["", "có lẽ", "maybe", "đồngg ý"])
def test_anything_else_is_the_usage(typed: str) -> None:
    with pytest.raises(DomainError) as caught:
        read_answer(typed)
    assert caught.value.key == "opinion.usage"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15 tán thành", (15, "for")),
        ("#15 Tán Thành", (15, "for")),
        ("15 tan thanh", (15, "for")),
        ("15 không tán thành", (15, "against")),
        ("15 khong tan thanh", (15, "against")),
        ("15 không biểu quyết", (15, "abstain")),
        ("15 for", (15, "for")),
        ("15 against", (15, "against")),
        ("15 abstain", (15, "abstain")),
        ("15 phiếu trắng", (15, "abstain")),
        (unicodedata.normalize("NFD", "15 không biểu quyết"), (15, "abstain")),
    ],
)
def test_ballots_in_words(typed: str, expected: tuple[int, str]) -> None:
    assert read_ballot(typed) == expected


@pytest.mark.parametrize(
    "typed", ["Thông qua Quy chế hạn 20/12", "15", "2 phương án hạn 20/12", ""]
)
def test_a_motion_is_not_a_ballot(typed: str) -> None:
    assert read_ballot(typed) is None


def test_a_ballot_with_words_after_it_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        read_ballot("15 tán thành vì hợp lý")
    assert (caught.value.key, caught.value.params) == (
        "vote.ballot_extra",
        {"number": 15, "text": "vì hợp lý"},
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("70", (70, "")),
        ("70%", (70, "")),
        ("70 %", (70, "")),
        ("70 phần trăm", (70, "")),
        ("70 Phan Tram đã xong", (70, "đã xong")),
        ("70% đã xong số liệu", (70, "đã xong số liệu")),
        ("0 chưa bắt đầu", (0, "chưa bắt đầu")),
        ("100 % xong", (100, "xong")),
    ],
)
def test_percent_and_note(typed: str, expected: tuple[int, str]) -> None:
    assert read_percent(typed) == expected


@pytest.mark.parametrize(
    ("typed", "key"), [("150", "progress.bad_percent"), ("nửa", "progress.usage")]
)
def test_percent_refusals(typed: str, key: str) -> None:
    with pytest.raises(DomainError) as caught:
        read_percent(typed)
    assert caught.value.key == key


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.integers(0, 100), st.sampled_from(["", "%", " %", " phần trăm", " phan tram"]))
def test_every_percent_spelling(value: int, suffix: str) -> None:
    assert read_percent(f"{value}{suffix} ghi chú") == (value, "ghi chú")


def test_phrase_tables_do_not_overlap_in_meaning() -> None:
    assert not {"khong dong y", "khong tan thanh"} & {
        k for k, v in ANSWER_PHRASES.items() if v == "agree"
    }
    assert BALLOT_PHRASES["khong tan thanh"] == "against"


FUZZ = st.text(st.sampled_from(list("0123456789#%,. đồngýkhôtáàbiểuquyếtphần")), max_size=30)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(FUZZ | st.text(max_size=30))
def test_fuzzed_text_only_raises_domain_errors(text: str) -> None:
    for call in (read_answer, read_ballot, read_percent):
        try:
            call(text)
        except DomainError:
            pass
