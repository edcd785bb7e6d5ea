"""TaskService over a real SQLite database and a FakeClock: every rule of issue 3."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import DomainError
from bot.services.roster import Person
from bot.services.task_input import read_date_and_reason, read_percent
from bot.services.tasks import Attachment
from bot.timeliness import Timeliness
from tests.conftest import START

HANOI = "Asia/Ho_Chi_Minh"
DEC31 = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)  # 31/12/2026 23:59 in Hà Nội


@pytest.fixture
async def board(services):
    """A committee: secretary (creator), chair, deputy, two members; returns (committee, seats)."""
    roster = services.roster
    committee = await roster.setup(-100, None, "Ban", Person(1, "thuky", "Thư Ký"), True)
    sec = await services.members.by_user(committee.id, 1)
    chair, _ = await roster.add(committee, sec, Person(2, "chutich", "Chủ Tịch"), "chair", "UBND")
    deputy, _ = await roster.add(committee, sec, Person(3, "pho", "Phó Ban"), "deputy", "Sở TT")
    a, _ = await roster.join(committee, Person(4, "an", "Nguyễn An"), "Sở Tài chính")
    b, _ = await roster.join(committee, Person(5, "binh", "Trần Bình"), "Sở KH&ĐT")
    return committee, {"sec": sec, "chair": chair, "deputy": deputy, "a": a, "b": b}


def people(*names: str) -> list[Person]:
    return [Person(username=n) for n in names]


async def new_task(services, board, text="Báo cáo kinh phí due 31/12", who=("an", "binh")):
    committee, seats = board
    return await services.tasks.create(committee, seats["sec"], people(*who), text)


async def refused(key: str, call) -> DomainError:
    with pytest.raises(DomainError) as err:
        await call
    assert err.value.key == key, err.value
    return err.value


async def count_items(services) -> int:
    return await services.db.fetchval("SELECT count(*) FROM items")


async def test_create_numbers_people_deadline_audit_and_event(services, board):
    _, seats = board
    changed: list[int] = []

    async def listener(item_id: int) -> None:
        changed.append(item_id)

    services.events.on_item_changed(listener)
    view = await new_task(services, board, "Báo cáo kinh phí hạn 31/12\nChi tiết theo mẫu 02")
    assert view.number == 1 and view.status == "open" and view.task.progress == 0
    assert view.task.item.deadline == DEC31
    assert view.task.item.title == "Báo cáo kinh phí"
    assert view.task.description == "Chi tiết theo mẫu 02"
    assert view.lead.id == seats["a"].id and [m.id for m in view.cooperators] == [seats["b"].id]
    assert view.timeliness == Timeliness.OPEN_ON_TIME
    assert changed == [view.task.item.id]
    [entry] = await services.audit.for_item(view.task.item.id)
    assert (entry.action, entry.actor_user_id, entry.at) == ("task.create", 1, START)
    assert entry.details["deadline"] == "2026-12-31T16:59:00Z"
    second = await new_task(services, board, "Việc hai due +3d", ("binh",))
    assert second.number == 2 and second.task.item.deadline == datetime(
        2026, 12, 4, 16, 59, tzinfo=UTC
    )  # end of day


async def test_duplicates_are_dropped_and_a_link_or_document_is_kept(services, board):
    committee, seats = board
    view = await services.tasks.create(
        committee,
        seats["sec"],
        people("an", "binh", "an"),
        "Góp ý dự thảo https://example.gov.vn/du-thao.pdf, hạn 31/12",
        Attachment("FILE-1", "du_thao.docx"),
    )
    assert view.lead.id == seats["a"].id and len(view.cooperators) == 1
    item = view.task.item
    assert (item.document_file_id, item.document_name) == ("FILE-1", "du_thao.docx")
    assert item.document_url == "https://example.gov.vn/du-thao.pdf"


@pytest.mark.parametrize(
    ("who", "text", "key"),
    [
        (("an", "nguoi_la"), "Việc due 31/12", "roster.not_a_member"),
        (("an",), "due 31/12", "assign.no_title"),
        (("an",), "Việc không có hạn", "assign.no_deadline"),
        (("an",), "Việc due sớm nhất", "date.invalid"),
        (("an",), "Việc due 31/02", "date.impossible"),
        (("an",), "Việc due 30/11/2026", "date.past"),
        (("an",), "x" * 301 + " due 31/12", "task.title_too_long"),
        (("an",), "Việc due 31/12\n" + "y" * 2001, "task.note_too_long"),
        ((), "Việc due 31/12", "assign.usage"),
    ],
)
async def test_create_refusals_change_nothing(services, board, who, text, key):
    committee, seats = board
    await refused(key, services.tasks.create(committee, seats["sec"], people(*who), text))
    assert await count_items(services) == 0
    assert (await new_task(services, board)).number == 1  # the number was not used up


async def test_a_non_member_is_named_in_the_refusal(services, board):
    committee, seats = board
    err = await refused(
        "roster.not_a_member",
        services.tasks.create(committee, seats["sec"], people("nguoi_la"), "Việc due 31/12"),
    )
    assert err.params == {"name": "@nguoi_la"}


async def test_start_progress_done_and_who_may(services, board, clock):
    committee, s = board
    await new_task(services, board)
    tasks = services.tasks
    await refused("task.not_assignee", tasks.start(committee, s["deputy"], 1))
    await refused("task.not_assignee", tasks.progress(committee, s["sec"], 1, 10))
    view = await tasks.progress(committee, s["b"], 1, 40, "đã có số liệu")
    assert (view.status, view.task.progress, view.task.started_at) == ("in_progress", 40, START)
    await refused("task.already_started", tasks.start(committee, s["a"], 1))
    await refused("progress.bad_percent", tasks.progress(committee, s["a"], 1, 101))
    [note] = await services.tasks.repo.notes(view.task.item.id)
    assert (note.user_id, note.percent, note.note) == (5, 40, "đã có số liệu")
    await refused("done.forbidden", tasks.done(committee, s["b"], 1))
    await refused("done.forbidden", tasks.done(committee, s["deputy"], 1))
    clock.set(DEC31 + timedelta(days=1))
    done = await tasks.done(committee, s["a"], 1, "đã gửi")
    assert (done.status, done.task.progress, done.task.done_at) == ("done", 100, clock.now())
    assert done.timeliness == Timeliness.DONE_LATE
    await refused("task.already_done", tasks.progress(committee, s["a"], 1, 50))
    await refused("task.already_done", tasks.done(committee, s["sec"], 1))
    actions = [e.action for e in await services.audit.for_item(done.task.item.id)]
    assert actions == ["task.create", "task.progress", "task.done"]


async def test_secretary_or_chair_may_close_on_time(services, board):
    committee, s = board
    await new_task(services, board)
    view = await services.tasks.done(committee, s["chair"], 1)
    assert view.timeliness == Timeliness.DONE_ON_TIME


async def test_percent_reading():
    assert read_percent("50") == 50 and read_percent("75%") == 75 and read_percent("0") == 0
    for bad in ("150", "101%"):
        with pytest.raises(DomainError, match=r"progress\.bad_percent"):
            read_percent(bad)
    with pytest.raises(DomainError, match=r"progress\.usage"):
        read_percent("nửa")


@pytest.mark.parametrize(
    ("text", "local", "reason"),
    [
        ("31/12 17:00 chờ số liệu", "2026-12-31 17:00", "chờ số liệu"),
        ("thứ 6 lúc 9h họp xong mới có", "2026-12-04 09:00", "họp xong mới có"),
        ("+2w", "2026-12-15 23:59", ""),  # days and weeks: the end of that day
        ("15/01/2027  thiếu  người", "2027-01-15 23:59", "thiếu  người"),
    ],
)
async def test_date_and_reason(text, local, reason):
    from zoneinfo import ZoneInfo

    when, why = read_date_and_reason(text, START, ZoneInfo(HANOI))
    assert when.astimezone(ZoneInfo(HANOI)).strftime("%Y-%m-%d %H:%M") == local
    assert why == reason


async def test_extension_request_approve_reject_and_direct(services, board):
    committee, s = board
    tasks = services.tasks
    await new_task(services, board)
    await refused("extend.no_reason", tasks.extend(committee, s["a"], 1, "15/01/2027"))
    await refused("extend.not_later", tasks.extend(committee, s["a"], 1, "20/12 sớm hơn"))
    await refused("task.not_assignee", tasks.extend(committee, s["deputy"], 1, "15/01/2027 x"))
    await refused("date.past", tasks.extend(committee, s["a"], 1, "30/11/2026 x"))
    asked = await tasks.extend(committee, s["b"], 1, "15/01/2027 chờ số liệu")
    assert not asked.applied and asked.requester.id == s["b"].id
    assert asked.view.task.item.deadline == DEC31  # not moved yet
    await refused("extend.already_pending", tasks.extend(committee, s["a"], 1, "16/01/2027 y"))
    approved = await tasks.decide_request(committee, s["chair"], asked.request.id, True)
    assert approved.applied and approved.request.status == "approved"
    assert approved.view.task.item.deadline == datetime(2027, 1, 15, 16, 59, tzinfo=UTC)
    await refused(
        "extension.already_decided",
        tasks.decide_request(committee, s["sec"], asked.request.id, False),
    )
    await refused("extension.none_pending", tasks.decide(committee, s["sec"], 1, True))
    await tasks.extend(committee, s["a"], 1, "20/01/2027 thêm việc")
    rejected = await tasks.decide(committee, s["sec"], 1, False, "không đủ lý do")
    assert not rejected.applied and rejected.request.decision_reason == "không đủ lý do"
    assert rejected.view.task.item.deadline == datetime(2027, 1, 15, 16, 59, tzinfo=UTC)
    direct = await tasks.extend(committee, s["sec"], 1, "10/01/2027")  # earlier is fine for her
    assert direct.applied and direct.request is None
    assert direct.view.task.item.deadline == datetime(2027, 1, 10, 16, 59, tzinfo=UTC)
    actions = [e.action for e in await services.audit.for_item(direct.view.task.item.id)]
    assert actions[1:] == [
        "task.extension_request",
        "task.extension_approved",
        "task.extension_request",
        "task.extension_rejected",
        "task.extend",
    ]


async def test_reassign_cancel_reopen(services, board, clock):
    committee, s = board
    tasks = services.tasks
    await new_task(services, board)
    view = await tasks.reassign(committee, s["sec"], 1, Person(username="binh"))
    assert view.lead.id == s["b"].id and view.cooperators == ()  # old lead dropped
    await refused("reassign.same", tasks.reassign(committee, s["sec"], 1, Person(username="binh")))
    await refused(
        "roster.not_a_member", tasks.reassign(committee, s["sec"], 1, Person(username="ai"))
    )
    await refused("reopen.not_closed", tasks.reopen(committee, s["sec"], 1))
    await tasks.progress(committee, s["b"], 1, 30)
    cancelled = await tasks.cancel(committee, s["chair"], 1, "không còn cần")
    assert cancelled.status == "cancelled" and cancelled.timeliness is None
    await refused("task.already_cancelled", tasks.cancel(committee, s["chair"], 1))
    reopened = await tasks.reopen(committee, s["sec"], 1)
    assert (reopened.status, reopened.task.progress) == ("in_progress", 30)
    await tasks.done(committee, s["b"], 1)
    again = await tasks.reopen(committee, s["sec"], 1)
    assert (again.status, again.task.progress, again.task.done_at) == ("in_progress", 30, None)
    assert again.task.item.closed_at is None


async def test_unknown_and_wrong_kind(services, board):
    committee, s = board
    async with services.db.transaction():
        number = await services.committees.take_number(committee.id)
        await services.items.insert(
            committee_id=committee.id,
            number=number,
            kind="vote",
            title="Biểu quyết",
            status="open",
            deadline=DEC31,
            created_by=1,
            now=START,
        )
    await refused("task.wrong_kind", services.tasks.progress(committee, s["a"], 1, 10))
    await refused("item.not_found", services.tasks.done(committee, s["a"], 9))


async def test_lists_order_filters_and_everywhere(services, board, clock):
    committee, s = board
    tasks = services.tasks
    await new_task(services, board, "Muộn nhất due 31/12", ("an",))
    await new_task(services, board, "Sớm due 05/12", ("binh", "an"))
    await new_task(services, board, "Quá hạn sau due 03/12", ("binh",))
    await new_task(services, board, "Quá hạn trước due 02/12", ("an",))
    await new_task(services, board, "Xong due 20/12", ("an",))
    await tasks.done(committee, s["a"], 5)
    clock.set(datetime(2026, 12, 4, 2, 0, tzinfo=UTC))  # 04/12 09:00: #3 and #4 overdue
    order = [v.number for v in await tasks.list_tasks(committee, s["a"])]
    assert order == [4, 3, 2, 1]
    overdue = await tasks.list_tasks(committee, s["a"], "overdue")
    assert [v.number for v in overdue] == [4, 3]
    assert [v.number for v in await tasks.list_tasks(committee, s["a"], "mine")] == [4, 2, 1]
    assert [v.number for v in await tasks.list_tasks(committee, s["b"], "mine")] == [3, 2]
    assert [v.number for v in await tasks.list_tasks(committee, s["a"], "done")] == [5]
    other = await services.roster.setup(-200, None, "Ban khác", Person(9, "tk2", "TK2"), True)
    await services.roster.join(other, Person(4, "an", "Nguyễn An"), "Sở Tài chính")
    sec2 = await services.members.by_user(other.id, 9)
    await services.tasks.create(other, sec2, people("an"), "Việc ban khác due 10/12")
    groups = await tasks.everywhere(4)
    assert [(c.title, [v.number for v in views]) for c, views in groups] == [
        ("Ban", [4, 2, 1]),
        ("Ban khác", [1]),
    ]


async def test_scheduler_api_get_and_assignees(services, board):
    view = await new_task(services, board)
    task = await services.tasks.get(view.task.item.id)
    lead, cooperators = await services.tasks.assignees(task)
    assert lead.username == "an" and [m.username for m in cooperators] == ["binh"]
    assert await services.tasks.get(999) is None


async def test_history_names_the_actor(services, board):
    committee, s = board
    view = await new_task(services, board)
    await services.tasks.progress(committee, s["a"], 1, 20, "<b>x</b>")
    entries = await services.tasks.history(view.task)
    assert [(e.action, e.actor.full_name) for e in entries] == [
        ("task.create", "Thư Ký"),
        ("task.progress", "Nguyễn An"),
    ]
    assert entries[1].details["note"] == "<b>x</b>" and entries[1].details["percent"] == 20
