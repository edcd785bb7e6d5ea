"""A progress report changes no reminder plan, so it replans nothing; every other change does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.events import Events
from bot.services.reminders import PLAN_FIELDS
from tests.factories import Factory
from tests.test_reminders_service import local, new_task, unsent


@pytest.fixture
async def world(services):
    """A committee, its secretary, member A, and A's task due 10/12 (the reminder tests' cast)."""
    f = Factory(services)
    committee = await f.committee()
    secretary = (await services.members.list(committee.id))[0]
    people = {"secretary": secretary, "a": await f.member(committee, "Nguyễn An", "Sở Tài chính")}
    item = await new_task(services, committee, people, "Việc A hạn 10/12", coop=False)
    return committee, people, item


@pytest.fixture
def replans(services) -> list[int]:
    """Item ids announced to a listener that watches what the reminder planner watches."""
    seen: list[int] = []

    async def listener(item_id: int) -> None:
        seen.append(item_id)

    services.events.on_item_changed(listener, watches=PLAN_FIELDS)
    return seen


async def test_a_progress_report_keeps_the_planned_reminders_exactly(services, world, replans):
    committee, people, item = world
    await services.tasks.start(committee, people["a"], item.number)
    assert replans == [item.id]  # open → in progress: a status change is announced
    before = await services.reminders.repo.for_item(item.id)
    await services.tasks.progress(committee, people["a"], item.number, 40, "đang tổng hợp")
    await services.tasks.progress(committee, people["a"], item.number, 60)
    assert replans == [item.id]  # progress alone: not announced to the planner
    assert await services.reminders.repo.for_item(item.id) == before
    await services.reminders.replan(item.id)  # what a replan would have done: nothing
    assert await services.reminders.repo.for_item(item.id) == before


async def test_the_first_progress_report_of_an_open_task_still_replans(services, world, replans):
    committee, people, item = world
    await services.tasks.progress(committee, people["a"], item.number, 10)
    assert replans == [item.id]  # it also moved the task to in progress


async def test_done_and_a_new_deadline_still_replan(services, world, replans):
    committee, people, item = world
    secretary = people["secretary"]
    await services.tasks.extend(committee, secretary, item.number, "15/12 chờ số liệu")
    assert replans == [item.id]
    assert local(2026, 12, 15, 8) in [at for _, _, at in await unsent(services, item.id)]
    await services.tasks.done(committee, people["a"], item.number)
    assert replans == [item.id, item.id]
    assert await unsent(services, item.id) == []


async def test_listeners_hear_only_what_they_watch_and_deferred_changes_merge():
    events = Events()
    heard: dict[str, list[int]] = {"all": [], "status": []}

    async def everything(item_id: int) -> None:
        heard["all"].append(item_id)

    async def status(item_id: int) -> None:
        heard["status"].append(item_id)

    events.on_item_changed(everything)
    events.on_item_changed(status, watches=("status",))
    await events.item_changed(1, {"progress"})
    await events.item_changed(2)
    assert heard == {"all": [1, 2], "status": [2]}
    async with events.deferred():
        await events.item_changed(3, {"progress"})
        await events.item_changed(3, {"status"})
        await events.item_changed(4, {"progress"})
    assert heard == {"all": [1, 2, 3, 4], "status": [2, 3]}


async def test_a_progress_report_during_a_send_retry_keeps_the_reminder(services, world, clock):
    committee, people, item = world
    await services.tasks.progress(committee, people["a"], item.number, 10)
    rows = await services.reminders.repo.for_item(item.id)
    first = min((r for r in rows if r.kind == "task_offset"), key=lambda r: r.due_at)
    clock.set(first.due_at + timedelta(minutes=1))
    retry = clock.now() + timedelta(minutes=2)
    await services.reminders.repo.failed(first.id, "HTTP 500", retry)  # the sweep retries it
    await services.tasks.progress(committee, people["a"], item.number, 20)
    row = await services.reminders.repo.get(first.id)
    assert (row.cancelled_at, row.due_at) == (None, retry)  # a replan here used to cancel it
