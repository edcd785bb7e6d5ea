"""The programme step of the guided flows without Telegram (issue 17): absent without
programmes, `ct:<code>` first in the composed arguments, back and forth, paging, a programme
removed meanwhile."""

from __future__ import annotations

import pytest

from bot.errors import DomainError
from bot.services.flows import NONE, PAGE_SIZE
from tests.factories import make_board


async def begin(services, board, kind="vote"):
    flow, _ = await services.flows.start(board.committee, board.secretary, kind, -100, None)
    return flow


async def to_programme_step(services, board, kind="vote"):
    flows = services.flows
    flow = await begin(services, board, kind)
    flow = await flows.typed(flow, "Thông qua Quy chế")
    return await flows.quick(flow, "nfri")


async def test_without_programmes_the_step_is_absent_both_ways(services, clock):
    board = await make_board(services)
    flow = await to_programme_step(services, board)
    assert flow.step is None and flow.position == (3, 3)  # title, deadline, summary
    assert services.flows.outcome(flow).text == "Thông qua Quy chế hạn 11/12/2026"
    flow = await services.flows.back(flow)
    assert flow.step.name == "deadline" and flow.position == (2, 3)
    with pytest.raises(DomainError):  # no programme step to answer
        await services.flows.choose(flow, NONE)


async def test_a_chosen_programme_comes_first_in_the_arguments(services, clock):
    board = await make_board(services)
    for args in ("KH125 Kế hoạch 125/KH-UBND", "CQS Chính quyền số"):
        await services.programmes.add(board.committee, board.secretary, args)
    flows = services.flows
    flow = await to_programme_step(services, board)
    assert flow.step.name == "programme" and flow.position == (3, 4)
    page = await flows.page(flow)
    assert [p.code for p in page.programmes] == ["CQS", "KH125"] and page.chosen is None
    kh125 = page.programmes[1]
    flow = await flows.choose(flow, kh125.id)
    assert flow.step is None and flow.answers["programme"] == "KH125"
    assert flows.outcome(flow).text == "ct:KH125 Thông qua Quy chế hạn 11/12/2026"
    flow = await flows.back(flow)
    assert (await flows.page(flow)).chosen == "KH125"
    flow = await flows.choose(flow, NONE)
    assert flows.outcome(flow).text == "Thông qua Quy chế hạn 11/12/2026"
    flow = await flows.back(flow)
    assert (await flows.page(flow)).chosen == ""
    with pytest.raises(DomainError, match=r"flow\.programme_gone"):
        await flows.choose(flow, 9999)
    # a poll's flags follow the options; the tag still goes first
    poll = await begin(services, board, "poll")
    poll = await flows.typed(poll, "Địa điểm")
    poll = await flows.typed(poll, "Hà Nội\nHuế")
    poll = await flows.toggle(poll, "anon")
    poll = await flows.next(poll)
    poll = await flows.no_deadline(poll)
    poll = await flows.choose(poll, kh125.id)
    assert flows.outcome(poll).text == "ct:KH125 Địa điểm | Hà Nội | Huế anon"


async def test_many_programmes_are_paged(services, clock):
    board = await make_board(services)
    for n in range(11):
        await services.programmes.add(
            board.committee, board.secretary, f"P{n:02d} Chương trình {n}"
        )
    flows = services.flows
    flow = await to_programme_step(services, board)
    first = await flows.page(flow)
    assert (first.number, first.count, len(first.programmes)) == (0, 2, PAGE_SIZE)
    flow = await flows.turn(flow, 1)
    last = await flows.page(flow)
    assert [p.code for p in last.programmes] == ["P08", "P09", "P10"]
    flow = await flows.choose(flow, last.programmes[-1].id)
    assert flows.outcome(flow).text.startswith("ct:P10 ")
