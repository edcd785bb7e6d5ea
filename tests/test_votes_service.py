"""VoteService over a real database: parsing, ballots, tallies, the close snapshot, auto-close."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import DomainError
from bot.services.roster import Person
from bot.services.vote_input import parse_poll, split_motion
from tests.factories import Board, make_board


@pytest.fixture
async def board(services) -> Board:
    """A committee with a secretary, chair, deputy and two members."""
    return await make_board(services)


@pytest.fixture
def changed(services) -> list[int]:
    seen: list[int] = []

    async def listener(item_id: int) -> None:
        seen.append(item_id)

    services.events.on_item_changed(listener)
    return seen


# ---------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("text", "question", "options", "deadline", "multi", "anon"),
    [
        ("Họp ngày nào? | Thứ Hai | Thứ Ba", "Họp ngày nào?", ["Thứ Hai", "Thứ Ba"], None, 0, 0),
        ("Q | a | b due 31/12 multi anon", "Q", ["a", "b"], "31/12", True, True),
        ("Q | a | b anon hạn 31/12 17:00", "Q", ["a", "b"], "31/12 17:00", False, True),
        ("Q | a | b nhiều andanh", "Q", ["a", "b"], None, True, True),
        ("Q | single | multi", "Q", ["single", "multi"], None, False, False),
        ("Q | a &lt;b> | c", "Q", ["a &lt;b>", "c"], None, False, False),
    ],
)
def test_parse_poll(text, question, options, deadline, multi, anon):
    spec = parse_poll(text)
    assert (spec.question, spec.options, spec.deadline) == (question, options, deadline)
    assert (spec.multi, spec.anonymous) == (bool(multi), bool(anon))


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("", "poll.usage", {}),
        ("Only a question", "poll.usage", {}),
        ("| a | b", "poll.usage", {}),
        ("Q | a", "poll.option_count", {"low": 2, "high": 10, "n": 1}),
        ("Q |" + "|".join(f" o{i} " for i in range(11)), "poll.option_count", {"n": 11}),
        ("Q | a || b", "poll.empty_option", {"position": 2}),
        ("Q | a | b |", "poll.empty_option", {"position": 3}),
        ("Q | a | " + "x" * 101, "poll.option_too_long", {"position": 2, "limit": 100}),
        ("Q | a | a", "poll.duplicate_option", {}),
    ],
)
def test_parse_poll_refusals(text, key, params):
    with pytest.raises(DomainError) as err:
        parse_poll(text)
    assert err.value.key == key
    assert params.items() <= err.value.params.items()


def test_split_motion():
    assert split_motion("Thông qua kế hoạch hạn 31/12") == ("Thông qua kế hoạch", "31/12")
    for text, key in [
        ("", "vote.usage"),
        ("due 31/12", "vote.usage"),
        ("Thông qua kế hoạch", "vote.no_deadline"),
        ("x" * 301 + " due 31/12", "common.too_long"),
    ]:
        with pytest.raises(DomainError) as err:
            split_motion(text)
        assert err.value.key == key


# ---------------------------------------------------------------------- motions
async def test_motion_ballots_are_changeable_with_history(services, board, changed):
    votes = services.votes
    motion = await votes.create_motion(board.committee, board.secretary, "Kế hoạch due +3d")
    assert (motion.item.number, motion.item.title, motion.mode) == (1, "Kế hoạch", "motion")
    cast = await votes.cast(board.committee, board.a, motion.item.id, "for")
    assert (cast.before, cast.after, cast.changed) == (None, "for", True)
    assert (await votes.cast(board.committee, board.a, motion.item.id, "for")).changed is False
    await votes.cast(board.committee, board.a, motion.item.id, "against")
    await votes.cast(board.committee, board.chair, motion.item.id, "abstain")
    tally = await votes.tally(motion)
    assert tally.choices == {board.a.id: "against", board.chair.id: "abstain"}
    assert tally.voters == 2 and len(tally.eligible) == 4  # the secretary is not counted
    assert [m.id for m in tally.non_voters] == [board.deputy.id, board.b.id]
    history = await votes.history(motion)
    assert [b.choice for b in history] == ["for", "against", "abstain"]
    assert changed == [motion.item.id] * 3  # the repeated "for" changed nothing
    actions = [e.action for e in await services.audit.for_item(motion.item.id)]
    assert actions == ["vote.open", "vote.ballot", "vote.ballot", "vote.ballot"]


async def test_only_voting_members_vote_and_nothing_after_close(services, board):
    votes = services.votes
    motion = await votes.create_motion(board.committee, board.chair, "Kế hoạch due +3d")
    for seat in (board.secretary, None):
        with pytest.raises(DomainError, match=r"vote.not_voter"):
            await votes.cast(board.committee, seat, motion.item.id, "for")
    with pytest.raises(DomainError, match=r"common.stale_button"):
        await votes.cast(board.committee, board.a, motion.item.id, "maybe")
    await votes.close(motion.item, board.secretary.user_id)
    with pytest.raises(DomainError, match=r"vote.closed"):
        await votes.cast(board.committee, board.a, motion.item.id, "for")
    with pytest.raises(DomainError, match=r"vote.already_closed"):
        await votes.close(motion.item, board.secretary.user_id)
    assert await votes.history(motion) == []


async def test_close_freezes_the_result_against_later_roster_changes(services, board):
    votes = services.votes
    motion = await votes.create_motion(board.committee, board.chair, "Kế hoạch due +3d")
    for seat in (board.chair, board.deputy, board.a):
        await votes.cast(board.committee, seat, motion.item.id, "for")
    tally = await votes.close(motion.item, board.chair.user_id)
    assert tally.decision.passed and tally.decision.rule == "majority"  # 2·3 > 4
    stored = await votes.get(motion.item.id)
    assert (stored.outcome, stored.eligible_count, stored.item.status) == ("passed", 4, "closed")
    await services.roster.remove(board.committee, board.secretary, Person(104))
    again = await votes.tally(stored)
    assert again.choices == tally.choices and len(again.eligible) == 4


async def test_half_with_the_chair_for_passes(services, board):
    votes = services.votes
    motion = await votes.create_motion(board.committee, board.chair, "Kế hoạch due +3d")
    await votes.cast(board.committee, board.chair, motion.item.id, "for")
    await votes.cast(board.committee, board.b, motion.item.id, "for")
    await votes.cast(board.committee, board.a, motion.item.id, "against")
    decision = (await votes.close(motion.item, None)).decision
    assert (decision.passed, decision.rule, decision.not_voted) == (True, "tie_chair_for", 1)


# ---------------------------------------------------------------------- polls
async def test_poll_answers_members_outsiders_retractions_and_late(services, board, changed):
    votes = services.votes
    poll = await votes.create_poll(board.committee, board.deputy, "Ngày họp? | T2 | T3 | T4 multi")
    await votes.posted(poll, 77, "P1")
    await votes.record_poll_answer("P1", 104, [0, 2])
    await votes.record_poll_answer("P1", 105, [1])
    await votes.record_poll_answer("P1", 105, [])  # retracted
    await votes.record_poll_answer("P1", 101, [0])  # the secretary: recorded, not counted
    await votes.record_poll_answer("P1", 999, [1])  # not a member: recorded, not counted
    assert await votes.record_poll_answer("OTHER", 104, [0]) is None
    tally = await votes.tally(await votes.get(poll.item.id))
    assert tally.option_counts == [1, 0, 1] and tally.voters == 1 and tally.others == 2
    assert [m.user_id for m in await votes.pending_members(poll.item)] == [102, 103, 105]
    closed = await votes.close(poll.item, 101)
    late = await votes.record_poll_answer("P1", 102, [1])
    assert late.late and (await votes.tally(closed.vote)).voters == 1
    history = await votes.history(closed.vote)
    assert [(b.user_id, b.choice, b.late) for b in history][-1] == (102, [1], True)
    assert (await votes.get(poll.item.id)).item.message_id == 77
    assert changed.count(poll.item.id) == 8  # posted, 5 answers, close, late answer


async def test_anonymous_poll_counts_only_and_stop_gives_final_counts(services, board):
    votes = services.votes
    poll = await votes.create_poll(board.committee, board.chair, "Q | a | b anon")
    await votes.posted(poll, 5, "P2")
    assert await votes.record_poll_answer("P2", 104, [0]) is None  # Telegram never sends these
    await votes.record_poll_counts("P2", [2, 1], 3)
    assert (await votes.tally(await votes.get(poll.item.id))).option_counts == [2, 1]
    assert await votes.pending_members(poll.item) == []
    stopped = []

    async def stop(vote):
        stopped.append(vote.poll_id)
        return {"counts": [3, 1], "voters": 4}

    tally = await votes.close(poll.item, 101, stop)
    assert stopped == ["P2"] and tally.option_counts == [3, 1] and tally.voters == 4
    assert (await votes.get(poll.item.id)).outcome == "closed"


async def test_question_too_long_with_its_number_changes_nothing(services, board):
    votes = services.votes
    with pytest.raises(DomainError) as err:
        await votes.create_poll(board.committee, board.chair, "x" * 298 + " | a | b")
    assert (err.value.key, err.value.params) == ("poll.question_too_long", {"limit": 297})
    assert await services.items.by_number(board.committee.id, 1) is None
    ok = await votes.create_poll(board.committee, board.chair, "x" * 297 + " | a | b")
    assert ok.item.number == 1


async def test_deadlines_are_required_for_motions_and_must_be_future(services, board):
    votes = services.votes
    for text, key in [("Kế hoạch", "vote.no_deadline"), ("Kế hoạch due 01/01/2020", "date.past")]:
        with pytest.raises(DomainError, match=key):
            await votes.create_motion(board.committee, board.chair, text)
    with pytest.raises(DomainError, match=r"date.past"):
        await votes.create_poll(board.committee, board.chair, "Q | a | b due 01/01/2020")
    assert await services.items.by_number(board.committee.id, 1) is None


async def test_close_due_closes_only_what_is_due(services, board, clock):
    votes = services.votes
    soon = await votes.create_motion(board.committee, board.chair, "Sớm due +1h")
    later = await votes.create_motion(board.committee, board.chair, "Muộn due +2d")
    no_deadline = await votes.create_poll(board.committee, board.chair, "Q | a | b")
    assert await votes.close_due(clock.now()) == []
    clock.advance(hours=1)
    closed = await votes.close_due(clock.now())
    assert [t.item.id for t in closed] == [soon.item.id]
    assert closed[0].decision.rule == "short"
    clock.advance(days=3)
    assert [t.item.id for t in await votes.close_due(clock.now())] == [later.item.id]
    assert (await votes.get(no_deadline.item.id)).is_open
    assert clock.now() - (await votes.get(soon.item.id)).item.closed_at == timedelta(days=3)


async def test_ballots_stop_at_the_deadline_even_before_the_scheduler_closes(
    services, board, clock
):
    votes = services.votes
    motion = await votes.create_motion(board.committee, board.chair, "Kế hoạch due +1h")
    poll = await votes.create_poll(board.committee, board.chair, "Ngày họp? | T2 | T3 due +1h")
    await votes.posted(poll, 78, "P2")
    clock.advance(hours=1)
    with pytest.raises(DomainError, match=r"vote\.closed"):
        await votes.cast(board.committee, board.a, motion.item.id, "for")
    assert (await votes.record_poll_answer("P2", 104, [0])).late
    clock.advance(hours=10)  # a quiet night later, the scheduler closes both
    closed = await votes.close_due(clock.now())
    assert {t.item.closed_at for t in closed} == {clock.now() - timedelta(hours=10)}
    assert [t.voters for t in closed] == [0, 0]
