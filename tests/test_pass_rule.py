"""The pass rule (design §4): For > half of ALL voting members; on exactly half, the chair."""

from __future__ import annotations

import pytest

from bot.pass_rule import (
    MAJORITY,
    NO_MEMBERS,
    SHORT,
    TIE_CHAIR_FOR,
    TIE_CHAIR_NOT_FOR,
    TIE_CHAIR_SILENT,
    TIE_NO_CHAIR,
    decide,
)

# (for, against, abstain, eligible, chair's vote, has a chair) → (passed, rule)
TABLE = [
    # odd committee of 5: 3 is more than half, 2 is not, there is no exact half
    ((3, 2, 0, 5, "for", True), (True, MAJORITY)),
    ((3, 0, 0, 5, None, True), (True, MAJORITY)),  # 2 non-voters do not stop a majority
    ((2, 0, 0, 5, "for", True), (False, SHORT)),  # most who voted were for: not enough
    ((2, 1, 2, 5, "for", True), (False, SHORT)),  # abstentions count like not-for
    ((5, 0, 0, 5, "for", True), (True, MAJORITY)),
    ((0, 0, 0, 5, None, True), (False, SHORT)),  # nobody voted
    # even committee of 4: 3 passes, exactly 2 goes to the chair
    ((3, 1, 0, 4, "against", True), (True, MAJORITY)),  # chair against a majority: still passes
    ((2, 2, 0, 4, "for", True), (True, TIE_CHAIR_FOR)),
    ((2, 0, 0, 4, "for", True), (True, TIE_CHAIR_FOR)),  # half, others silent, chair for
    ((2, 2, 0, 4, "against", True), (False, TIE_CHAIR_NOT_FOR)),
    ((2, 1, 1, 4, "abstain", True), (False, TIE_CHAIR_NOT_FOR)),
    ((2, 1, 0, 4, None, True), (False, TIE_CHAIR_SILENT)),  # chair did not vote
    ((2, 0, 0, 4, None, False), (False, TIE_NO_CHAIR)),  # committee without a chair
    ((1, 0, 3, 4, "abstain", True), (False, SHORT)),
    ((4, 0, 0, 4, "for", True), (True, MAJORITY)),
    # small committees
    ((1, 0, 0, 1, "for", True), (True, MAJORITY)),
    ((0, 1, 0, 1, "against", True), (False, SHORT)),
    ((1, 1, 0, 2, "for", True), (True, TIE_CHAIR_FOR)),
    ((1, 1, 0, 2, "against", True), (False, TIE_CHAIR_NOT_FOR)),
    ((1, 0, 0, 2, None, True), (False, TIE_CHAIR_SILENT)),
    ((2, 0, 0, 2, "for", True), (True, MAJORITY)),
    ((0, 0, 0, 0, None, False), (False, NO_MEMBERS)),
    ((0, 0, 0, 0, None, True), (False, NO_MEMBERS)),
    # larger even committee: 10 → 6 needed, 5 is the tie
    ((6, 0, 0, 10, None, True), (True, MAJORITY)),
    ((5, 5, 0, 10, "for", True), (True, TIE_CHAIR_FOR)),
    ((5, 0, 5, 10, "abstain", True), (False, TIE_CHAIR_NOT_FOR)),
    ((5, 0, 0, 10, None, True), (False, TIE_CHAIR_SILENT)),
    ((4, 0, 0, 10, "for", True), (False, SHORT)),
]


@pytest.mark.parametrize(("args", "expected"), TABLE)
def test_pass_rule_table(args, expected):
    votes_for, against, abstain, eligible, chair, has_chair = args
    decision = decide(votes_for, against, abstain, eligible, chair, has_chair=has_chair)
    assert (decision.passed, decision.rule) == expected
    assert decision.voted == votes_for + against + abstain
    assert decision.not_voted == eligible - decision.voted
    assert decision.needed == eligible // 2 + 1


@pytest.mark.parametrize(
    "args",
    [
        (3, 3, 0, 5, "for", True),  # more ballots than members
        (-1, 0, 0, 3, None, True),
        (0, 0, 0, -1, None, True),
        (1, 1, 0, 2, "maybe", True),
        (1, 1, 0, 2, "for", False),  # a chair's vote without a chair
    ],
)
def test_impossible_inputs_are_refused(args):
    *counts, chair, has_chair = args
    with pytest.raises(ValueError, match="impossible"):
        decide(*counts, chair, has_chair=has_chair)


def test_limits_match_telegram():
    from telegram.constants import PollLimit

    from bot.services import vote_input as votes

    assert votes.MAX_QUESTION <= PollLimit.MAX_QUESTION_LENGTH
    assert votes.MAX_OPTION <= PollLimit.MAX_OPTION_LENGTH
    assert PollLimit.MIN_OPTION_NUMBER <= votes.MIN_OPTIONS
    assert votes.MAX_OPTIONS <= PollLimit.MAX_OPTION_NUMBER
