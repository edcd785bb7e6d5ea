"""One rule for "who counts and what is their current answer": digest, /pending, result, report.

The awkward cases are built on purpose: a changed answer, a withdrawn poll answer, the
secretary's poll answer, a late poll answer (after the deadline, before the scheduler closed
the poll), a member who left before the close (their answer stops counting) and one who left
after it (the frozen result keeps them). At every moment the four readers must say the same.
"""

from __future__ import annotations

import pytest

from bot.errors import DomainError
from bot.services.roster import Person
from storage.items import Item
from tests.factories import Board, make_board

PERIOD = "H2 2026"


@pytest.fixture
async def board(services) -> Board:
    """A committee with a secretary, chair, deputy and two members."""
    return await make_board(services)


async def readings(services, board: Board, item: Item) -> tuple[int, int, list[int]]:
    """(responded, eligible, user ids of who is pending), once every reader agreed on them."""
    item = await services.items.get(item.id)
    report = await services.reports.report(board.committee, PERIOD)
    digest = await services.digest.build(board.committee)
    if item.kind == "consultation":
        standing = await services.consultations.standing(item)
        line = next(c for c in report.consultations if c.record.item.id == item.id)
        counts = {
            "result": (standing.answered, standing.eligible),
            "report": (line.responded, line.eligible),
        }
        pending = await services.consultations.pending_members(item)
    else:
        tally = await services.votes.tally(await services.votes.get(item.id))
        line = next(v for v in report.votes if v.record.item.id == item.id)
        counts = {
            "result": (tally.voters, len(tally.eligible)),
            "report": (line.voted, line.eligible),
        }
        pending = await services.votes.pending_members(item)
    digest_line = next((x for x in digest.open_items if x.item.id == item.id), None)
    if item.status == "open":
        counts["digest"] = (digest_line.responded, digest_line.eligible)
    else:  # a closed item is among the digest's decisions, no longer among its open items
        assert digest_line is None and item.id in {i.id for i, _ in digest.closed}
    assert len(set(counts.values())) == 1, counts  # digest, result and report say the same
    responded, eligible = counts["result"]
    names = sorted(m.user_id for m in pending)
    assert names == sorted(m.user_id for m in await services.reminders.pending_members(item))
    if item.status == "open":
        assert len(names) == eligible - responded
    return responded, eligible, names


async def test_consultation_readers_agree(services, board, clock):
    consultations, roster = services.consultations, services.roster
    standing = await consultations.open(board.committee, board.secretary, "Dự thảo due +3d")
    item = standing.item
    await consultations.answer(item, board.a, "agree")
    await consultations.answer(item, board.a, "disagree", "Chưa rõ nguồn vốn")  # changed
    await consultations.answer(item, board.b, "agree")
    await consultations.answer(item, board.deputy, "agree_with_comments", "Bổ sung mục 3")
    with pytest.raises(DomainError):
        await consultations.answer(item, board.secretary, "agree")
    assert await readings(services, board, item) == (3, 4, [102])

    await roster.remove(board.committee, board.secretary, Person(105))  # left before close
    assert await readings(services, board, item) == (2, 3, [102])

    clock.advance(days=4)
    closed = await consultations.close_due(clock.now())
    assert [s.item.id for s in closed] == [item.id]
    assert [r.opinion.answer for r in closed[0].rows] == ["deemed_agreed", "agree_with_comments",
                                                          "disagree"]  # fmt: skip
    assert await readings(services, board, item) == (2, 3, [])

    await roster.remove(board.committee, board.secretary, Person(104))  # left after close
    assert await readings(services, board, item) == (2, 3, [])
    line = (await services.reports.report(board.committee, PERIOD)).consultations[0]
    assert line.answers == {"deemed_agreed": 1, "agree_with_comments": 1, "disagree": 1, "agree": 1}
    current = [o for o in line.opinions if o.id in line.current]
    assert len(line.opinions) == 5 and len(current) == 4  # b's answer stays current, uncounted


async def test_poll_readers_agree(services, board, clock):
    votes, roster = services.votes, services.roster
    poll = await votes.create_poll(
        board.committee, board.deputy, "Ngày họp? | T2 | T3 | T4 due +48h"
    )
    await votes.posted(poll, 77, "P1")
    item = poll.item
    await votes.record_poll_answer("P1", 104, [0])
    await votes.record_poll_answer("P1", 104, [1])  # changed
    await votes.record_poll_answer("P1", 105, [0])
    await votes.record_poll_answer("P1", 105, [])  # withdrawn
    await votes.record_poll_answer("P1", 101, [2])  # the secretary: recorded, never counted
    await votes.record_poll_answer("P1", 103, [0])
    assert await readings(services, board, item) == (2, 4, [102, 105])

    await roster.remove(board.committee, board.secretary, Person(103))  # left before close
    assert await readings(services, board, item) == (1, 3, [102, 105])

    clock.advance(days=2, minutes=1)  # past the deadline, not closed yet
    late = await votes.record_poll_answer("P1", 102, [2])
    assert late.late
    assert await readings(services, board, item) == (1, 3, [102, 105])

    tallies = await votes.close_due(clock.now())
    assert [t.option_counts for t in tallies] == [[0, 1, 0]]
    assert await readings(services, board, item) == (1, 3, [102, 105])

    await roster.remove(board.committee, board.secretary, Person(104))  # left after close
    assert await readings(services, board, item) == (1, 3, [102, 105])
    line = (await services.reports.report(board.committee, PERIOD)).votes[0]
    assert line.tally == {"0": 0, "1": 1, "2": 0}
    late_rows = [b for b in line.ballots if b.late]
    assert len(line.ballots) == 7 and [b.user_id for b in late_rows] == [102]
    assert not line.current & {b.id for b in late_rows}


async def test_motion_readers_agree(services, board, clock):
    votes, roster = services.votes, services.roster
    motion = await votes.create_motion(board.committee, board.chair, "Thông qua kế hoạch due +2d")
    item = motion.item
    await votes.cast(board.committee, board.chair, item.id, "against")
    await votes.cast(board.committee, board.chair, item.id, "for")  # changed
    await votes.cast(board.committee, board.a, item.id, "for")
    await votes.cast(board.committee, board.b, item.id, "abstain")
    with pytest.raises(DomainError):
        await votes.cast(board.committee, board.secretary, item.id, "for")
    await roster.remove(board.committee, board.secretary, Person(105))  # left before close
    assert await readings(services, board, item) == (2, 3, [103])

    tally = await votes.close(item, board.secretary.user_id)
    assert tally.decision.passed
    clock.advance(minutes=1)
    await roster.remove(board.committee, board.secretary, Person(104))  # left after close
    assert await readings(services, board, item) == (2, 3, [103])
    line = (await services.reports.report(board.committee, PERIOD)).votes[0]
    assert line.tally == {"for": 2, "against": 0, "abstain": 0} and line.outcome == "passed"
