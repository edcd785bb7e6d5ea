"""The committee's pass rule for formal motions (design §4), as one pure function over counts.

A motion passes when the votes FOR are more than half of ALL active voting members (not of the
votes cast: abstentions and silence work like votes against). On an exact half it passes if,
and only if, the chair voted for. The secretary is not a voting member and is never counted.
"""

from __future__ import annotations

from dataclasses import dataclass

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
CHOICES = (FOR, AGAINST, ABSTAIN)

# Which rule decided, named for the result text (catalog `vote.rule.<name>`).
MAJORITY = "majority"  # for > half: passed
SHORT = "short"  # for < half: rejected
TIE_CHAIR_FOR = "tie_chair_for"  # for == half, the chair voted for: passed
TIE_CHAIR_NOT_FOR = "tie_chair_not_for"  # for == half, the chair voted against or abstained
TIE_CHAIR_SILENT = "tie_chair_silent"  # for == half, the chair did not vote
TIE_NO_CHAIR = "tie_no_chair"  # for == half, the committee has no voting chair
NO_MEMBERS = "no_members"  # nobody may vote: nothing can pass


@dataclass(frozen=True)
class Decision:
    """The outcome of a motion and why."""

    passed: bool
    rule: str
    votes_for: int
    against: int
    abstain: int
    eligible: int

    @property
    def voted(self) -> int:
        """Members who cast a ballot."""
        return self.votes_for + self.against + self.abstain

    @property
    def not_voted(self) -> int:
        """Members who did not vote."""
        return self.eligible - self.voted

    @property
    def needed(self) -> int:
        """Votes for that pass the motion without the chair's casting role (more than half)."""
        return self.eligible // 2 + 1


def decide(
    votes_for: int,
    against: int,
    abstain: int,
    eligible: int,
    chair_vote: str | None,
    *,
    has_chair: bool = True,
) -> Decision:
    """Apply the pass rule.

    `eligible`: all active voting members (not the votes cast). `chair_vote`: the chair's current
    choice (`for`/`against`/`abstain`) or None if the chair did not vote; `has_chair=False` when
    the committee has no active chair.
    """
    counts = (votes_for, against, abstain)
    if min(*counts, eligible) < 0 or sum(counts) > eligible:
        raise ValueError(f"impossible counts {counts} of {eligible} members")
    if chair_vote not in (*CHOICES, None) or (chair_vote is not None and not has_chair):
        raise ValueError(f"impossible chair vote {chair_vote!r} (has_chair={has_chair})")
    if eligible == 0:
        passed, rule = False, NO_MEMBERS
    elif 2 * votes_for > eligible:
        passed, rule = True, MAJORITY
    elif 2 * votes_for < eligible:
        passed, rule = False, SHORT
    elif not has_chair:
        passed, rule = False, TIE_NO_CHAIR
    elif chair_vote == FOR:
        passed, rule = True, TIE_CHAIR_FOR
    elif chair_vote is None:
        passed, rule = False, TIE_CHAIR_SILENT
    else:
        passed, rule = False, TIE_CHAIR_NOT_FOR
    return Decision(passed, rule, votes_for, against, abstain, eligible)
