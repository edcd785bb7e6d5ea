"""ReminderService over a real database: planning, replanning, the sweep's choices, ad-hoc ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import scheduler
from bot.errors import DomainError
from bot.services.roster import Person
from storage.db import to_db
from tests.factories import Factory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


@pytest.fixture
async def world(services):
    f = Factory(services)
    committee = await f.committee()
    people = {
        "secretary": (await services.members.list(committee.id))[0],
        "chair": await f.member(committee, "Võ Văn Hưng", "UBND tỉnh", role="chair"),
        "a": await f.member(committee, "Nguyễn An", "Sở Tài chính"),
        "b": await f.member(committee, "Trần Bình", "Sở Kế hoạch và Đầu tư"),
    }
    return committee, people


def person(member) -> Person:
    return Person(member.user_id, member.username, member.full_name)


async def new_task(services, committee, people, text, coop=True):
    lead = [person(people["a"])] + ([person(people["b"])] if coop else [])
    view = await services.tasks.create(committee, people["secretary"], lead, text)
    return view.task.item


async def unsent(services, item_id):
    rows = await services.reminders.repo.for_item(item_id)
    return [(r.kind, r.seq, r.due_at) for r in rows if not r.sent_at and not r.cancelled_at]


async def sweep(services, clock, when):
    """What the job does, minus Telegram: take what is due and mark it sent."""
    clock.set(when)
    ready, _ = await services.reminders.due(when)
    for dispatch in ready:
        await services.reminders.sent(dispatch, when, None)
    return ready


async def test_a_new_task_is_planned_and_replanning_is_idempotent(services, world):
    committee, people = world
    item = await new_task(services, committee, people, "Báo cáo kinh phí hạn 04/12")
    planned = [
        (scheduler.OFFSET, 86400, local(2026, 12, 3, 8)),
        (scheduler.OFFSET, 0, local(2026, 12, 4, 8)),
        (scheduler.OVERDUE, 1, local(2026, 12, 7, 8)),
    ]
    assert await unsent(services, item.id) == planned
    before = await services.reminders.repo.for_item(item.id)
    await services.reminders.replan(item.id)
    await services.reminders.replan(item.id)
    assert await services.reminders.repo.for_item(item.id) == before


async def test_done_cancels_and_a_new_deadline_replans(services, world, clock):
    committee, people = world
    item = await new_task(services, committee, people, "Việc A hạn 04/12")
    await services.items.update(item.id, clock.now(), deadline=local(2026, 12, 10, 23, 59))
    await services.reminders.replan(item.id)
    assert [k[2] for k in await unsent(services, item.id)] == [
        local(2026, 12, 7, 8),  # 3d
        local(2026, 12, 9, 8),  # 1d
        local(2026, 12, 10, 8),  # 0d
        local(2026, 12, 11, 8),  # first overdue
    ]
    await services.tasks.done(committee, people["a"], item.number)
    assert await unsent(services, item.id) == []
    reasons = {r.cancel_reason for r in await services.reminders.repo.for_item(item.id)}
    assert reasons == {"replanned"}


async def test_sweep_sends_once_then_the_overdue_chain_escalates(services, world, clock):
    committee, people = world
    await new_task(services, committee, people, "Việc B hạn 04/12")
    assert await sweep(services, clock, local(2026, 12, 3, 7, 59)) == []
    [first] = await sweep(services, clock, local(2026, 12, 3, 8))
    assert [m.display_name for m in first.members] == ["Nguyễn An", "Trần Bình"]
    assert not first.late and first.escalate_to == ()
    assert await sweep(services, clock, local(2026, 12, 3, 8, 1)) == []  # once
    await sweep(services, clock, local(2026, 12, 4, 8))
    sent = []
    for day in (7, 8, 9, 10):
        [overdue] = await sweep(services, clock, local(2026, 12, day, 8))
        sent.append((overdue.reminder.seq, [m.role for m in overdue.escalate_to]))
    assert sent == [(1, []), (2, []), (3, []), (4, ["chair", "secretary"])]
    assert await sweep(services, clock, local(2026, 12, 12, 8)) == []  # Saturday
    [monday] = await sweep(services, clock, local(2026, 12, 14, 8))
    assert monday.reminder.seq == 5


async def test_after_an_outage_only_the_latest_is_sent_and_marked_late(services, world, clock):
    committee, people = world
    item = await new_task(services, committee, people, "Việc C hạn 04/12")
    [late] = await sweep(services, clock, local(2026, 12, 7, 10))  # down Thu → Mon 10:00
    assert late.reminder.kind == scheduler.OVERDUE and late.late
    rows = await services.reminders.repo.for_item(item.id)
    assert sorted(r.cancel_reason for r in rows if r.cancel_reason) == ["superseded"] * 2
    assert (await services.reminders.repo.get(late.reminder.id)).late


async def test_quiet_hours_defer_at_sweep_time(services, world, clock):
    committee, people = world
    item = await new_task(services, committee, people, "Việc D hạn 04/12")
    await services.committee_settings.change(committee, 5000, "quiet", "07:00-09:00")
    assert await sweep(services, clock, local(2026, 12, 3, 8)) == []
    assert (await unsent(services, item.id))[0][2] == local(2026, 12, 3, 9)
    [sent] = await sweep(services, clock, local(2026, 12, 3, 9))
    assert not sent.late  # deferred by the rules, not by an outage


async def test_settings_changes_replan_open_items_and_the_digest(services, world, clock):
    committee, people = world
    await services.reminders.start()
    item = await new_task(services, committee, people, "Việc E hạn 02/12 17:00")
    await services.committee_settings.change(committee, 5000, "reminders", "2h,30m")
    await services.committee_settings.change(committee, 5000, "digest", "fri 16:00")
    assert await services.reminders.follow_settings() == 2
    assert [k[2] for k in await unsent(services, item.id)][:2] == [
        local(2026, 12, 2, 15),
        local(2026, 12, 2, 16, 30),
    ]
    digests = [
        r for r in await services.reminders.repo.scheduled(committee.id) if r.kind == "digest"
    ]
    assert [r.due_at for r in digests] == [local(2026, 12, 4, 16)]
    assert await services.reminders.follow_settings() == 0


async def test_consultation_silent_members_are_reminded(services, world, clock):
    committee, people = world
    standing = await services.consultations.open(
        committee, people["secretary"], "Góp ý dự thảo Kế hoạch hạn 07/12"
    )
    item = standing.item
    assert await unsent(services, item.id) == [
        (scheduler.PENDING, 0, local(2026, 12, 4, 8)),
        (scheduler.PENDING, 1, local(2026, 12, 7, 8)),
    ]
    await services.consultations.answer(item, people["a"], "agree")
    [friday] = await sweep(services, clock, local(2026, 12, 4, 8))
    assert sorted(m.display_name for m in friday.members) == ["Trần Bình", "Võ Văn Hưng"]
    await services.consultations.answer(item, people["b"], "agree")
    await services.consultations.answer(item, people["chair"], "agree")
    assert await sweep(services, clock, local(2026, 12, 7, 8)) == []
    rows = await services.reminders.repo.for_item(item.id)
    assert rows[-1].cancel_reason == "nobody"


async def test_anonymous_polls_get_no_silent_member_reminders(services, world):
    committee, _people = world
    f = Factory(services)
    poll = await f.vote(committee, "Chọn ngày họp", local(2026, 12, 7, 17), mode="poll",
                        options=("T2", "T3"), anonymous=True)  # fmt: skip
    motion = await f.vote(committee, "Thông qua kế hoạch", local(2026, 12, 7, 17))
    await services.reminders.replan(poll.id)
    await services.reminders.replan(motion.id)
    assert await unsent(services, poll.id) == []
    assert len(await unsent(services, motion.id)) == 2


async def test_auto_close_waits_for_an_allowed_moment(services, world, clock):
    committee, _people = world
    f = Factory(services)
    item = await f.consultation(committee, "Góp ý", local(2026, 12, 1, 23, 59))
    closable = services.reminders.closable_committees
    assert await closable(local(2026, 12, 1, 23, 0)) == frozenset()  # not due yet
    assert await closable(local(2026, 12, 2, 0, 0)) == frozenset()  # due, but quiet hours
    assert await closable(local(2026, 12, 2, 7)) == {committee.id}
    assert item.status == "open"


async def test_one_committee_in_quiet_hours_does_not_hold_back_another(services, world, clock):
    quiet, _people = world
    f = Factory(services)
    awake = await f.committee("Ban khác", chat_id=-2002)
    await services.committee_settings.change(awake, 5000, "quiet", "off")
    await f.consultation(quiet, "Góp ý A", local(2026, 12, 1, 22, 0))
    await f.consultation(awake, "Góp ý B", local(2026, 12, 1, 22, 30))
    assert await services.reminders.closable_committees(local(2026, 12, 1, 23, 0)) == {awake.id}
    closed = await services.consultations.close_due(local(2026, 12, 1, 23, 0), {awake.id})
    assert [s.item.title for s in closed] == ["Góp ý B"]
    assert closed[0].item.closed_at == local(2026, 12, 1, 22, 30)  # recorded at its deadline


async def test_adhoc_reminders_parse_limit_list_and_cancel(services, world, clock):
    committee, people = world
    user = people["secretary"].user_id
    meeting = await services.reminders.add(committee, user, "+2h Họp Ban Chỉ đạo lúc 14:00")
    assert (meeting.seq, meeting.text) == (1, "Họp Ban Chỉ đạo lúc 14:00")
    assert meeting.due_at == clock.now() + timedelta(hours=2)
    report = await services.reminders.add(committee, user, "15/12 Nộp báo cáo quý")
    assert (report.seq, report.due_at) == (2, local(2026, 12, 15, 8))  # a date alone: 08:00
    evening = await services.reminders.add(committee, user, "hôm nay 22:30 Gửi số liệu")
    assert evening.due_at == local(2026, 12, 2, 7)  # quiet hours: the next allowed moment
    for bad, key in (
        ("Họp", "remind.usage"),
        ("+2h", "remind.usage"),
        ("+2h " + "x" * 2001, "common.too_long"),
        ("01/01/2020 Quá khứ", "date.past"),
    ):
        with pytest.raises(DomainError) as refused:
            await services.reminders.add(committee, user, bad)
        assert refused.value.key == key
    listed = [r.seq for r, _ in await services.reminders.scheduled(committee) if r.kind == "adhoc"]
    assert listed == [1, 3, 2]
    await services.reminders.cancel(committee, user, 1)
    with pytest.raises(DomainError) as again:
        await services.reminders.cancel(committee, user, 1)
    assert again.value.key == "unremind.not_found"
    actions = [e.action for e in await services.audit.latest(committee.id, 10)]
    assert actions.count("reminder.add") == 3 and "reminder.cancel" in actions


async def test_the_sweep_reads_only_due_rows(services, world, clock):
    committee, _ = world
    far = to_db(clock.now() + timedelta(days=30))
    for n in range(1000):
        await services.db.execute(
            "INSERT INTO reminders (committee_id, kind, seq, planned_at, due_at, text, created_at)"
            " VALUES (?, 'adhoc', ?, ?, ?, 'x', ?)",
            (committee.id, 100 + n, far, far, to_db(clock.now())),
        )
    await services.reminders.add(committee, 5000, "+1m Sắp họp")
    plan = await services.db.fetchall(
        "EXPLAIN QUERY PLAN SELECT * FROM reminders INDEXED BY reminders_due"
        " WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= ? ORDER BY due_at, id",
        (to_db(clock.now()),),
    )
    assert "USING INDEX reminders_due (due_at<?)" in " ".join(r[3] for r in plan)
    ready, cursor = await services.reminders.due(clock.now() + timedelta(minutes=1))
    assert [d.reminder.text for d in ready] == ["Sắp họp"] and cursor is None
