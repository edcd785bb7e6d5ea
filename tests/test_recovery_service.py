"""RecoveryService: what is held while the bot is away, and the secretary's decisions on it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import DomainError
from tests.test_consultations_service import SECRETARY, committee_with_members


async def away_past_deadline(services, clock):
    committee, seats = await committee_with_members(services)
    standing = await services.consultations.open(committee, seats[SECRETARY], "Dự thảo hạn 03/12")
    item = standing.item
    await services.recovery.away(committee, SECRETARY.user_id)
    clock.advance(days=7)
    return committee, item


async def test_nothing_closes_while_away_and_held_items_wait_for_a_decision(services, clock):
    committee, item = await away_past_deadline(services, clock)
    assert await services.reminders.closable_committees(clock.now()) == frozenset()
    back = await services.recovery.back(committee, SECRETARY.user_id)
    assert back.committee.active and [i.number for i in back.held] == [item.number]
    # Held: the sweep's closer does not see it, even though the bot is back.
    assert await services.consultations.close_due(clock.now()) == []
    assert (await services.items.get(item.id)).status == "open"


async def test_away_again_before_deciding_lists_the_item_again(services, clock):
    committee, item = await away_past_deadline(services, clock)
    await services.recovery.back(committee, SECRETARY.user_id)
    await services.recovery.away(committee, SECRETARY.user_id)
    back = await services.recovery.back(committee, SECRETARY.user_id)
    assert [i.id for i in back.held] == [item.id]


async def test_extend_gives_a_deadline_in_working_days_and_only_once(services, clock):
    committee, item = await away_past_deadline(services, clock)
    await services.recovery.back(committee, SECRETARY.user_id)
    for days in (0, 31):
        with pytest.raises(DomainError) as err:
            await services.recovery.extend(committee, item.id, days, SECRETARY.user_id)
        assert err.value.key == "recovery.bad_days"
    # Tuesday 08/12 + 2 working days = Thursday 10/12, end of day in Hà Nội.
    extended = await services.recovery.extend(committee, item.id, 2, SECRETARY.user_id)
    local = extended.deadline + timedelta(hours=7)
    assert (local.day, local.hour, local.minute) == (10, 23, 59)
    with pytest.raises(DomainError) as err:
        await services.recovery.close_now(committee, item.id, SECRETARY.user_id)
    assert err.value.key == "recovery.decided"


async def test_a_decision_on_another_committees_item_is_refused(services, clock):
    committee, item = await away_past_deadline(services, clock)
    await services.recovery.back(committee, SECRETARY.user_id)
    other = await services.roster.setup(-999, None, "Ban khác", SECRETARY, True)
    with pytest.raises(DomainError) as err:
        await services.recovery.close_now(other, item.id, SECRETARY.user_id)
    assert err.value.key == "recovery.gone"
    assert (await services.items.get(item.id)).status == "open"
