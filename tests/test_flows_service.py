"""The flow engine without Telegram: quick deadlines, paging the roster, typed answers, the
one-line arguments each flow composes, author-only moves, expiry and the summary's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import DomainError
from bot.services.flows import PAGE_SIZE, FlowMoved, canonical
from bot.services.roster import Person
from tests.factories import make_board


def at(y, mo, d, h=9) -> datetime:  # Hà Nội time → UTC
    return datetime(y, mo, d, h - 7, 0, tzinfo=UTC)


async def begin(services, board, kind="assign"):
    flow, _ = await services.flows.start(board.committee, board.secretary, kind, -100, None)
    return flow


async def test_quick_deadlines_follow_the_calendar(services, clock):
    board = await make_board(services)
    flow = await begin(services, board)
    tz = board.committee.tz
    shown = {c: canonical(a, tz) for c, a in services.flows.quick_deadlines(flow)}
    assert shown == {
        "fri": "04/12/2026",
        "nfri": "11/12/2026",
        "eom": "31/12/2026",
        "w5": "08/12/2026",
    }
    clock.set(at(2026, 12, 5))  # a Saturday: "this Friday" has passed and is not offered
    shown = {c: canonical(a, tz) for c, a in services.flows.quick_deadlines(flow)}
    assert shown == {"nfri": "11/12/2026", "eom": "31/12/2026", "w5": "11/12/2026"}
    clock.set(at(2027, 2, 26))  # Friday: this Friday is today, the month ends on the 28th
    shown = {c: canonical(a, tz) for c, a in services.flows.quick_deadlines(flow)}
    assert shown == {
        "fri": "26/02/2027",
        "nfri": "05/03/2027",
        "eom": "28/02/2027",
        "w5": "05/03/2027",
    }


async def test_the_assign_flow_composes_the_one_line_arguments(services, clock):
    board = await make_board(services)
    flows = services.flows
    flow = await begin(services, board)
    flow = await flows.pick(flow, board.a.id)
    page = await flows.page(flow)
    assert board.a.id not in [m.id for m in page.members]  # the lead is not a cooperator
    flow = await flows.pick(flow, board.b.id)
    flow = await flows.pick(flow, board.deputy.id)
    flow = await flows.pick(flow, board.deputy.id)  # pressed again: unselected
    flow = await flows.next(flow)
    with pytest.raises(DomainError, match=r"common\.too_long"):
        await flows.typed(flow, "x" * 301)
    flow = await flows.typed(flow, "  Báo cáo   kinh phí ")
    flow = await flows.ask_typed(flow)
    with pytest.raises(DomainError, match=r"date\.past"):
        await flows.typed(flow, "30/11/2026 08:00")
    flow = await flows.typed(flow, "15/12 17:00")
    outcome = flows.outcome(flow)
    assert outcome.text == "Báo cáo kinh phí hạn 15/12/2026 17:00"
    assert [p.user_id for p in outcome.people] == [104, 105]
    assert isinstance(outcome.people[0], Person)


async def test_only_the_author_moves_and_a_stale_step_is_told(services, clock):
    board = await make_board(services)
    flow = await begin(services, board)
    with pytest.raises(DomainError, match=r"flow\.not_yours"):
        await services.flows.touch(flow.id, board.chair.user_id, -100, 0)
    with pytest.raises(DomainError, match=r"flow\.closed"):  # its buttons forged in another chat
        await services.flows.touch(flow.id, board.secretary.user_id, -999, 0)
    with pytest.raises(FlowMoved):
        await services.flows.touch(flow.id, board.secretary.user_id, -100, 2)
    clock.advance(minutes=31)
    with pytest.raises(DomainError, match=r"flow\.expired"):
        await services.flows.touch(flow.id, board.secretary.user_id, -100, 0)
    assert (await services.flows.get(flow.id)).row.status == "expired"
    assert await services.flows.expire_due() == []  # already closed at the touch


async def test_a_refusal_at_the_summary_leaves_the_flow_open(services, clock):
    board = await make_board(services)
    flows = services.flows
    flow = await begin(services, board, "vote")
    flow = await flows.typed(flow, "Thông qua")
    flow = await flows.quick(flow, "nfri")

    async def refuse(outcome):
        raise DomainError("date.past", text="x")

    with pytest.raises(DomainError):
        await flows.complete(flow, refuse)
    assert (await flows.get(flow.id)).row.status == "open"
    seen = []

    async def create(outcome):
        seen.append(outcome.text)

    await flows.complete(flow, create)
    assert seen == ["Thông qua hạn 11/12/2026"]
    assert (await flows.get(flow.id)).row.status == "done"
    with pytest.raises(DomainError, match=r"flow\.closed"):
        await flows.touch(flow.id, board.secretary.user_id, -100)


async def test_a_long_roster_is_paged(services, clock):
    board = await make_board(services)
    for n in range(12):
        person = Person(900 + n, f"u{n}", f"Người {n:02d}")
        await services.roster.add(
            board.committee, board.secretary, person, "member", f"Cơ quan {n:02d}"
        )
    flow = await begin(services, board)
    first = await services.flows.page(flow)
    assert (first.number, first.count, len(first.members)) == (0, 3, PAGE_SIZE)
    flow = await services.flows.turn(flow, 2)
    last = await services.flows.page(flow)
    assert last.number == 2 and len(last.members) == 17 - 2 * PAGE_SIZE
    flow = await services.flows.turn(flow, 9)  # beyond the end: the last page
    assert (await services.flows.page(flow)).number == 2
