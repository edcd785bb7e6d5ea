"""Lists read no meeting, programme or directive: a list line is the same with or without them."""

from __future__ import annotations

from bot.services.roster import Person
from handlers import task_render


async def test_a_linked_task_lists_as_its_full_view_renders(services):
    roster = services.roster
    committee = await roster.setup(-100, None, "Ban", Person(1, "thuky", "Thư Ký"), True)
    sec = await services.members.by_user(committee.id, 1)
    await roster.join(committee, Person(4, "an", "Nguyễn An"), "Sở Tài chính")
    await services.programmes.add(committee, sec, "CQS Chính quyền số")
    meeting = await services.tasks.create(committee, sec, [Person(username="an")], "Họp hạn 10/12")
    text = "Số hóa hồ sơ theo 1234/UBND-KT ngày 05/11/2026 ct:CQS hạn 15/12"
    task = await services.tasks.create(committee, sec, [Person(username="an")], text)
    await services.db.execute(  # as `/conclude` links a conclusion's task to its meeting
        "INSERT INTO meeting_conclusions (item_id, text, task_item_id, created_at)"
        " VALUES (?, 'x', ?, '2026-12-01T00:00:00Z')",
        (meeting.task.item.id, task.task.item.id),
    )
    full = await services.tasks.view(task.task.item.id)
    assert full.meeting == meeting.number and full.programme.code == "CQS" and full.directive
    lists = (
        await services.tasks.list_tasks(committee, sec),
        await services.tasks.list_tasks(committee, full.lead, "mine"),
        (await services.tasks.everywhere(4))[0][1],
    )
    for lang in ("vi", "en"):
        expected = task_render.line(full, committee, lang)
        for views in lists:
            [listed] = [v for v in views if v.number == task.number]
            assert task_render.line(listed, committee, lang) == expected
