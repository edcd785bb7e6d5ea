"""Rows decoded once: an unchanged row gives the same frozen record, a changed row a new one."""

from __future__ import annotations

from bot.services.roster import Person


async def test_a_task_row_is_decoded_again_only_when_it_changed(services):
    roster = services.roster
    committee = await roster.setup(-100, None, "Ban", Person(1, "thuky", "Thư Ký"), True)
    sec = await services.members.by_user(committee.id, 1)
    await roster.join(committee, Person(4, "an", "Nguyễn An"), "Sở Tài chính")
    view = await services.tasks.create(committee, sec, [Person(username="an")], "Việc hạn 15/12")
    item_id = view.task.item.id
    first, again = await services.tasks.get(item_id), await services.tasks.get(item_id)
    assert first is again and first == view.task
    assert await services.members.by_user(committee.id, 1) is sec
    an = await services.members.by_user(committee.id, 4)
    await services.tasks.progress(committee, an, view.number, 40)
    changed = await services.tasks.get(item_id)
    assert changed is not first and changed.progress == 40 and first.progress == 0
    assert [t.progress for t in await services.tasks.repo.in_committee(committee.id)] == [40]
