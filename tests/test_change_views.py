"""What a task change returns is the task as stored: equal to reading it again, for every change."""

from __future__ import annotations

import pytest

from bot.services.roster import Person
from tests.factories import Factory


@pytest.fixture
async def world(services):
    f = Factory(services)
    committee = await f.committee()
    secretary = (await services.members.list(committee.id))[0]
    a = await f.member(committee, "Nguyễn An", "Sở Tài chính")
    b = await f.member(committee, "Trần Bình", "Sở Kế hoạch và Đầu tư")
    lead = [Person(m.user_id, m.username, m.full_name) for m in (a, b)]
    view = await services.tasks.create(committee, secretary, lead, "Việc A hạn 10/12")
    return committee, secretary, a, view.task.item.number


async def test_every_change_returns_what_reading_the_task_again_gives(services, world, clock):
    committee, secretary, a, number = world
    tasks = services.tasks

    async def extend():
        return (await tasks.extend(committee, secretary, number, "15/12 chờ số liệu")).view

    changes = [
        lambda: tasks.progress(committee, a, number, 10, "bắt đầu"),  # open → in progress
        lambda: tasks.progress(committee, a, number, 45),
        extend,
        lambda: tasks.done(committee, a, number, "xong"),
        lambda: tasks.reopen(committee, secretary, number),
        lambda: tasks.cancel(committee, secretary, number, "không cần nữa"),
        lambda: tasks.reopen(committee, secretary, number),
    ]
    for change in changes:
        clock.advance(hours=3, microseconds=123457)  # times are stored to the second
        view = await change()
        assert view == await tasks.view(view.task.item.id)
