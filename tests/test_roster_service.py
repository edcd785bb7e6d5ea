"""RosterService and the foundation repositories over a real database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import DomainError
from bot.models import Role
from bot.services.roster import Person
from storage.db import from_db, to_db

SECRETARY = Person(1, "thuky", "Lê Thư Ký")
CHAIR = Person(2, "chutich", "Võ Văn Hưng")
AN = Person(3, "so_taichinh", "Nguyễn An")


@pytest.fixture
async def committee(services):
    return await services.roster.setup(-100, None, "Ban Chỉ đạo", SECRETARY, is_admin=True)


def test_times_round_trip_through_storage_in_utc():
    moment = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)
    assert to_db(moment) == "2026-12-31T16:59:00Z"
    assert from_db(to_db(moment)) == moment
    with pytest.raises(ValueError, match="naive"):
        to_db(datetime(2026, 1, 1))


async def test_setup_needs_an_admin_and_happens_once(services):
    with pytest.raises(DomainError) as err:
        await services.roster.setup(-5, None, "Ban", SECRETARY, is_admin=False)
    assert err.value.key == "setup.not_admin"
    assert await services.committees.by_chat(-5) is None
    committee = await services.roster.setup(-5, 7, "Ban", SECRETARY, is_admin=True)
    assert (committee.thread_id, committee.timezone, committee.language) == (
        7,
        "Asia/Ho_Chi_Minh",
        "vi",
    )
    assert (committee.workdays, committee.quiet_start, committee.reminder_offsets) == (
        "0,1,2,3,4",
        "21:00",
        "3d,1d,0d",
    )
    seat = await services.roster.seat(committee, SECRETARY.user_id)
    assert seat.role == Role.SECRETARY
    with pytest.raises(DomainError) as err:
        await services.roster.setup(-5, None, "Ban khác", CHAIR, is_admin=True)
    assert (err.value.key, err.value.params) == ("setup.already", {"title": "Ban"})


async def test_join_then_change_agency_and_rejoin_after_leaving(services, committee):
    seat, new = await services.roster.join(committee, AN, "  Sở   Tài chính ")
    assert new and seat.agency == "Sở Tài chính" and seat.role == Role.MEMBER
    seat, new = await services.roster.join(committee, AN, "Sở Tài chính tỉnh")
    assert not new and seat.agency == "Sở Tài chính tỉnh"
    await services.roster.leave(committee, seat)
    assert await services.roster.seat(committee, AN.user_id) is None
    seat, new = await services.roster.join(committee, AN, "Sở Tài chính")
    assert new and seat.active
    with pytest.raises(DomainError) as err:
        await services.roster.join(committee, AN, "   ")
    assert err.value.key == "join.usage"


async def test_pre_registration_binds_on_first_message(services, committee):
    secretary = await services.roster.seat(committee, SECRETARY.user_id)
    seat, created = await services.roster.add(
        committee, secretary, Person(username="ChuTich"), Role.CHAIR, "UBND tỉnh"
    )
    assert created and seat.user_id is None and seat.username == "chutich"
    # a chair's seat is bound once the secretary confirms the account that claimed it
    claims = services.roster.claims
    arrival = await claims.arrive(committee.chat_id, CHAIR.user_id, "chutich", CHAIR.full_name)
    assert arrival.claim is not None
    assert await services.roster.seat(committee, CHAIR.user_id) is None
    await claims.decide(committee, secretary, arrival.claim.id, True)
    bound = await services.roster.seat(committee, CHAIR.user_id)
    assert bound.id == seat.id and bound.full_name == "Võ Văn Hưng"
    # someone already seen is bound at once when added by @username
    await services.roster.seen(AN)
    seat, _ = await services.roster.add(
        committee, secretary, Person(username="so_taichinh"), Role.MEMBER, "Sở Tài chính"
    )
    assert seat.user_id == AN.user_id


async def test_one_chair_and_never_without_a_manager(services, committee):
    secretary = await services.roster.seat(committee, SECRETARY.user_id)
    await services.roster.add(committee, secretary, CHAIR, Role.CHAIR, "UBND tỉnh")
    await services.roster.join(committee, AN, "Sở Tài chính")
    with pytest.raises(DomainError) as err:
        await services.roster.set_role(committee, secretary, AN, Role.CHAIR)
    assert (err.value.key, err.value.params) == ("roster.chair_taken", {"name": "Võ Văn Hưng"})
    await services.roster.remove(committee, secretary, CHAIR)
    with pytest.raises(DomainError) as err:
        await services.roster.leave(committee, secretary)
    assert err.value.key == "roster.last_manager"
    with pytest.raises(DomainError) as err:
        await services.roster.set_role(committee, secretary, SECRETARY, Role.MEMBER)
    assert err.value.key == "roster.last_manager"
    assert (await services.roster.seat(committee, SECRETARY.user_id)).role == Role.SECRETARY


async def test_roster_order_and_audit(services, committee):
    secretary = await services.roster.seat(committee, SECRETARY.user_id)
    await services.roster.join(committee, AN, "Sở Tài chính")
    await services.roster.add(committee, secretary, CHAIR, Role.CHAIR, "UBND tỉnh")
    await services.roster.open_private_chat(AN.user_id)
    entries = await services.roster.roster(committee)
    assert [(e.member.full_name, e.can_dm) for e in entries] == [
        ("Võ Văn Hưng", False),
        ("Nguyễn An", True),
        ("Lê Thư Ký", False),
    ]
    actions = [e.action for e in await services.audit.all(committee.id)]
    assert actions == ["committee.setup", "member.join", "member.add"]


async def test_language_and_notify_preferences(services, committee):
    await services.roster.seen(AN)
    await services.roster.set_language(AN.user_id, "en")
    await services.roster.set_notify(AN.user_id, False)
    prefs = await services.roster.prefs(AN.user_id)
    assert (prefs.language, prefs.notify, prefs.can_dm) == ("en", False, False)
    with pytest.raises(DomainError):
        await services.roster.set_language(AN.user_id, "fr")
    assert (await services.roster.prefs(AN.user_id)).language == "en"
