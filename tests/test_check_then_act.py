"""Check-then-act (issue 19, point 6): every check that guards a write runs inside the write's
transaction, so two concurrent service calls on the real database never both pass one check.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import DomainError
from bot.services.roster import Person


@pytest.fixture
async def board(services):
    """A committee: secretary, chair, two members; returns (committee, seats)."""
    roster = services.roster
    committee = await roster.setup(-100, None, "Ban", Person(1, "thuky", "Thư Ký"), True)
    sec = await services.members.by_user(committee.id, 1)
    chair, _ = await roster.add(committee, sec, Person(2, "chutich", "Chủ Tịch"), "chair", "UBND")
    a, _ = await roster.join(committee, Person(4, "an", "Nguyễn An"), "Sở Tài chính")
    b, _ = await roster.join(committee, Person(5, "binh", "Trần Bình"), "Sở KH&ĐT")
    return committee, {"sec": sec, "chair": chair, "a": a, "b": b}


async def both(first, second) -> list:
    """Run two service calls concurrently; their results or DomainErrors, in order."""
    return await asyncio.gather(first, second, return_exceptions=True)


def refused(results) -> list[str]:
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, DomainError):
            raise result
    return [r.key for r in results if isinstance(r, DomainError)]


async def new_task(services, board) -> int:
    committee, seats = board
    view = await services.tasks.create(
        committee, seats["sec"], [Person(username="an")], "Báo cáo kinh phí due 31/12"
    )
    return view.number


async def test_done_and_cancel_at_once_one_of_them_is_refused(services, board):
    committee, seats = board
    number = await new_task(services, board)
    results = await both(
        services.tasks.done(committee, seats["a"], number, "xong"),
        services.tasks.cancel(committee, seats["chair"], number, "không cần"),
    )
    assert refused(results) == ["task.already_done"]
    task = await services.tasks.task(committee, number)
    assert task.item.status == "done" and task.done_at is not None


async def test_cancel_then_done_at_once_leaves_a_cancelled_task_without_done_at(services, board):
    committee, seats = board
    number = await new_task(services, board)
    results = await both(
        services.tasks.cancel(committee, seats["chair"], number, "không cần"),
        services.tasks.done(committee, seats["a"], number, "xong"),
    )
    assert refused(results) == ["task.already_cancelled"]
    task = await services.tasks.task(committee, number)
    assert task.item.status == "cancelled" and task.done_at is None


async def test_two_extension_requests_at_once_only_one_is_pending(services, board):
    committee, seats = board
    number = await new_task(services, board)
    results = await both(
        services.tasks.extend(committee, seats["a"], number, "05/01/2027 chờ số liệu"),
        services.tasks.extend(committee, seats["a"], number, "06/01/2027 chờ số liệu"),
    )
    assert refused(results) == ["extend.already_pending"]
    results = await both(
        services.tasks.decide(committee, seats["sec"], number, True),
        services.tasks.decide(committee, seats["chair"], number, False, "chưa đủ"),
    )
    assert refused(results) == ["extension.none_pending"]


async def test_a_done_and_a_reopen_at_once_are_applied_in_order(services, board):
    committee, seats = board
    number = await new_task(services, board)
    await services.tasks.done(committee, seats["a"], number)
    results = await both(
        services.tasks.reopen(committee, seats["sec"], number),
        services.tasks.reopen(committee, seats["chair"], number),
    )
    assert refused(results) == ["reopen.not_closed"]


async def test_two_joins_of_one_person_at_once_give_one_seat(services, board):
    committee, _ = board
    person = Person(9, "moi", "Người Mới")
    results = await both(
        services.roster.join(committee, person, "Sở Mới"),
        services.roster.join(committee, person, "Sở Mới 2"),
    )
    assert refused(results) == []
    assert [r[1] for r in results] == [True, False]  # joined, then updated the agency
    seats = [s for s in await services.members.list(committee.id) if s.user_id == 9]
    assert len(seats) == 1 and seats[0].agency == "Sở Mới 2"


async def test_a_seat_removed_meanwhile_acts_no_more(services, board):
    committee, seats = board
    number = await new_task(services, board)
    results = await both(
        services.roster.remove(committee, seats["sec"], Person(username="chutich")),
        services.tasks.cancel(committee, seats["chair"], number, "không cần"),  # checked before
    )
    assert refused(results) == ["common.seat_changed"]
    assert (await services.tasks.task(committee, number)).item.status == "open"


async def test_a_member_removed_meanwhile_casts_no_ballot_and_gives_no_opinion(services, board):
    committee, seats = board
    vote = await services.votes.create_motion(committee, seats["sec"], "Thông qua due 31/12")
    results = await both(
        services.roster.remove(committee, seats["sec"], Person(username="binh")),
        services.votes.cast(committee, seats["b"], vote.item.id, "f"),
    )
    assert refused(results) == ["common.seat_changed"]
    item = await services.consultations.open(committee, seats["sec"], "Góp ý due 31/12")
    results = await both(
        services.roster.remove(committee, seats["sec"], Person(username="an")),
        services.consultations.answer(item, seats["a"], "agree"),
    )
    assert refused(results) == ["common.seat_changed"]


async def test_a_chair_demoted_meanwhile_opens_closes_reminds_and_changes_nothing(services, board):
    """The remaining writers the gate let through also check the seat again inside their
    transaction: a seat changed meanwhile (here: the chair made a member) acts no more."""
    committee, seats = board
    chair = seats["chair"]
    consultation = await services.consultations.open(committee, chair, "Dự thảo A due 31/12")
    calls = [
        services.consultations.open(committee, chair, "Dự thảo B due 31/12"),
        services.votes.create_motion(committee, chair, "Thông qua quy chế due 31/12"),
        services.votes.create_poll(committee, chair, "Ngày họp? | T5 | T6 due 31/12"),
        services.consultations.close(consultation.item, chair),
        services.reminders.add(committee, chair, "+2h Họp Ban Chỉ đạo"),
        services.committee_settings.change(committee, chair, "quiet", "22:00-06:00"),
    ]
    for call in calls:
        demote = services.roster.set_role(committee, seats["sec"], Person(2), "member")
        results = await asyncio.gather(demote, call, return_exceptions=True)
        assert refused(results) == ["common.seat_changed"], call
        await services.roster.set_role(committee, seats["sec"], Person(2), "chair")  # again
        chair = await services.members.by_user(committee.id, 2)
    standing = await services.consultations.standing(consultation.item)
    assert not standing.closed
    assert (await services.committees.get(committee.id)).quiet_start != "22:00"
