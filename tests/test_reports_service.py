"""ReportService over a real database: classes per agency at the period's end, marks, next
period, consultation response rates (secretary not counted), vote outcomes, history; the text."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import DomainError
from bot.i18n import t
from bot.timeliness import Mark, Timeliness
from handlers.history_render import history_text
from handlers.report_render import report_text
from tests.factories import Factory

HN = ZoneInfo("Asia/Ho_Chi_Minh")
ON, LATE, OPEN, OVERDUE = (
    Timeliness.DONE_ON_TIME,
    Timeliness.DONE_LATE,
    Timeliness.OPEN_ON_TIME,
    Timeliness.OPEN_OVERDUE,
)


def hn(day: int, month: int, year: int = 2026, hour: int = 23, minute: int = 59) -> datetime:
    """A Hà Nội wall time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=HN).astimezone(UTC)


@pytest.fixture
async def world(services):
    f = Factory(services)
    committee = await f.committee()
    chair = await f.member(committee, "Võ Văn Hưng", "UBND tỉnh", role="chair")
    a = await f.member(committee, "Nguyễn An", "Sở Tài chính")
    b = await f.member(committee, "Trần Bình", "Sở Kế hoạch và Đầu tư")
    c = await f.member(committee, "Phạm Cường", "Sở Y tế")
    return f, committee, chair, a, b, c


async def tasks_of_h2(f, committee, a, b, c):
    for day, month in ((10, 9), (3, 10), (2, 10)):
        await f.task(
            committee,
            a,
            f"A đúng hạn {day}/{month}",
            hn(day, month),
            done_at=hn(day - 1, month, hour=10),
        )
    await f.task(committee, a, "A trễ", hn(15, 10), done_at=hn(20, 10, hour=10))
    await f.task(committee, a, "A quá hạn", hn(20, 11), cooperators=(b,))
    await f.task(committee, a, "A kỳ tới", hn(10, 1, 2027))
    await f.task(committee, a, "A kỳ trước", hn(10, 3), done_at=hn(1, 3))
    await f.task(committee, b, "B trong hạn", hn(15, 12), progress=40)
    await f.task(committee, b, "B đúng hạn", hn(1, 8), done_at=hn(1, 8, hour=12))
    await f.task(committee, b, "B đã hủy", hn(1, 9), cancelled=True)
    await f.task(committee, c, "C quá hạn", hn(20, 11))
    await f.task(committee, c, "C trễ", hn(1, 11), done_at=hn(5, 11, hour=8))


async def test_tasks_are_classified_per_lead_agency_with_marks(services, world):
    f, committee, _, a, b, c = world
    await tasks_of_h2(f, committee, a, b, c)
    report = await services.reports.report(committee, "H2 2026")
    assert report.label == "H2 2026" and report.as_of == services.clock.now()
    by_agency = {line.agency: line for line in report.agencies}
    assert list(by_agency) == ["Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Y tế"]
    assert by_agency["Sở Tài chính"].counts == {ON: 3, LATE: 1, OPEN: 0, OVERDUE: 1}
    assert by_agency["Sở Kế hoạch và Đầu tư"].counts == {ON: 1, LATE: 0, OPEN: 1, OVERDUE: 0}
    assert by_agency["Sở Kế hoạch và Đầu tư"].cancelled == 1
    assert by_agency["Sở Y tế"].counts == {ON: 0, LATE: 1, OPEN: 0, OVERDUE: 1}
    marks = {name: line.mark for name, line in by_agency.items()}
    assert marks == {
        "Sở Tài chính": Mark.AMBER,
        "Sở Kế hoạch và Đầu tư": Mark.GREEN,
        "Sở Y tế": Mark.RED,
    }
    assert report.totals() == {ON: 4, LATE: 2, OPEN: 1, OVERDUE: 2}
    shortcomings = [line.task.item.title for line in report.shortcomings()]
    assert shortcomings == ["A quá hạn", "A trễ", "C quá hạn", "C trễ"]
    assert [line.task.item.title for line in report.upcoming] == ["A kỳ tới"]
    overdue = next(line for line in report.tasks if line.task.item.title == "A quá hạn")
    assert [m.display_name for m in overdue.cooperators] == ["Trần Bình"]
    assert overdue.late_by == services.clock.now() - hn(20, 11)


async def test_a_past_period_is_judged_at_its_end(services, world):
    f, committee, _, a, _, _ = world
    await f.task(committee, a, "Xong sau kỳ", hn(20, 9), done_at=hn(5, 10, hour=9))
    q3 = await services.reports.report(committee, "Q3 2026")
    assert q3.as_of == hn(1, 10, hour=0, minute=0)
    assert [line.status for line in q3.tasks] == [OVERDUE]
    h2 = await services.reports.report(committee, "H2 2026")
    assert [line.status for line in h2.tasks] == [LATE]


async def test_default_period_is_the_whole_current_half_year(services, world):
    f, committee, _, a, b, c = world
    await tasks_of_h2(f, committee, a, b, c)
    report = await services.reports.report(committee, "")
    assert (report.start, report.end) == (hn(1, 7, hour=0, minute=0), hn(1, 1, 2027, 0, 0))
    assert report.as_of == services.clock.now()  # judged as things stand today
    in_progress = next(line for line in report.tasks if line.task.item.title == "B trong hạn")
    assert in_progress.status is OPEN  # due 15/12, later in the half: open within deadline
    assert [line.task.item.title for line in report.upcoming] == ["A kỳ tới"]


async def test_tasks_due_next_week_are_this_half_years_results(services, world):
    """Issue 13: five tasks due next week, two already done, are not "nothing to review"."""
    f, committee, _, a, b, _ = world
    for n in range(5):
        done = hn(1, 12, hour=8) if n < 2 else None  # done early, before today's 09:00
        await f.task(committee, a if n % 2 else b, f"Việc tuần sau {n}", hn(8, 12), done_at=done)
    report = await services.reports.report(committee, "")
    assert not report.empty
    assert report.totals() == {ON: 2, LATE: 0, OPEN: 3, OVERDUE: 0}
    text = str(report_text(report, "vi"))
    assert t("vi", "report.tasks_total", assigned=5, done=2, on_time=2, late=0, open=3,
             overdue=0) in text  # fmt: skip
    assert t("vi", "report.shortcomings_none") in text


async def test_bad_and_empty_periods(services, world):
    _, committee, *_ = world
    with pytest.raises(DomainError) as err:
        await services.reports.report(committee, "H3 2026")
    assert err.value.key == "date.bad_period"
    assert (await services.reports.report(committee, "2025")).empty


async def test_consultation_response_rates_leave_out_the_secretary_and_silence(services, world):
    f, committee, chair, a, b, _ = world
    secretary = (await services.members.list(committee.id))[0]
    closed = await f.consultation(committee, "Dự thảo Đề án", hn(10, 11), closed=True, eligible=4)
    await f.opinion(closed, a, "agree")
    await f.opinion(closed, a, "disagree", "Đề nghị sửa mục 3")  # changed: counted once
    await f.opinion(closed, b, "deemed_agreed", auto=True)
    await f.opinion(closed, secretary, "agree")  # never eligible, never counted
    still_open = await f.consultation(committee, "Dự thảo Kế hoạch", hn(10, 12))
    await f.opinion(still_open, chair, "agree_with_comments", "Bổ sung kinh phí")
    report = await services.reports.report(committee, "H2 2026")
    first, second = report.consultations
    assert (first.responded, first.eligible) == (1, 4)
    assert first.answers == {"disagree": 1, "deemed_agreed": 1, "agree": 1}
    assert (second.responded, second.eligible) == (1, 4)  # chair, 3 members; not the secretary
    assert len(first.opinions) == 4
    text = report_text(report, "vi")
    assert t("vi", "report.consultations", count=2, responded=2, eligible=8, rate="25%") in text


async def test_vote_outcomes_from_the_frozen_result_or_current_ballots(services, world):
    f, committee, chair, a, b, c = world
    snapshot = {
        "eligible": [chair.id, a.id, b.id, c.id],
        "voters": 3,
        "counts": [],
        "choices": {str(chair.id): "for", str(a.id): "for", str(b.id): "against"},
    }
    await f.vote(committee, "Thông qua Quy chế", hn(1, 10), outcome="passed", result=snapshot)
    motion = await f.vote(committee, "Thông qua Kế hoạch", hn(20, 12))
    await f.ballot(motion, a, "for")
    await f.ballot(motion, a, "against")
    await f.ballot(motion, b, "abstain")
    poll = await f.vote(committee, "Ngày họp", hn(20, 12), mode="poll", options=("T2", "T3"))
    await f.ballot(poll, a, [0, 1])
    await f.ballot(poll, b, [1])
    await f.ballot(poll, chair, [0])
    await f.ballot(poll, chair, [])  # retracted
    anon = await f.vote(
        committee,
        "Địa điểm",
        hn(20, 12),
        mode="poll",
        options=("X", "Y"),
        anonymous=True,
        poll_counts={"counts": [3, 1], "voters": 4},
    )
    assert anon
    report = await services.reports.report(committee, "H2 2026")
    closed, open_motion, named, anonymous = report.votes
    assert (closed.outcome, closed.tally, closed.voted, closed.eligible) == (
        "passed",
        {"for": 2, "against": 1, "abstain": 0},
        3,
        4,
    )
    assert (open_motion.outcome, open_motion.tally, open_motion.voted) == (
        "open",
        {"for": 0, "against": 1, "abstain": 1},
        2,
    )
    assert (named.tally, named.voted, named.eligible) == ({"0": 1, "1": 2}, 2, 4)
    assert (anonymous.tally, anonymous.voted) == ({"0": 3, "1": 1}, 4)
    text = report_text(report, "vi")
    # Motions and polls apart, each count line adding up (polls are never passed or rejected).
    assert t("vi", "report.motions", count=2, passed=1, rejected=0, open=1) in text
    assert t("vi", "report.polls", count=2, closed=0, open=2) in text
    assert "Biểu quyết, thăm dò" not in text
    assert (
        t(
            "vi",
            "report.vote_poll",
            number=named.record.item.number,
            title="Ngày họp",
            leader="T3",
            count=2,
            voted=2,
            eligible=4,
            state=t("vi", "report.open_mark"),
        )
        in text
    )


async def test_report_text_has_the_three_sections_and_the_rule(services, world):
    f, committee, _, a, b, c = world
    await tasks_of_h2(f, committee, a, b, c)
    report = await services.reports.report(committee, "H2 2026")
    for lang in ("vi", "en"):
        text = report_text(report, lang)
        for key in ("report.results", "report.shortcomings"):
            assert t(lang, key) in text
        assert t(lang, "report.rule", rule=t(lang, "mark.rule")) in text
        assert t(lang, "report.next", start="01/01/2027", end="30/06/2027") in text
    text = report_text(report, "vi")
    assert (
        "🟡 <b>Sở Tài chính</b>: 5 nhiệm vụ — 3 đúng hạn, 1 trễ hạn, 0 trong hạn, 1 quá hạn" in text
    )
    assert "— hoàn thành trễ 4 ngày 11 giờ (hạn 15/10/2026)" in text
    assert t("vi", "report.tasks_cancelled", count=1) in text


async def test_history_of_an_item_and_of_the_committee(services, world):
    f, committee, _, a, *_ = world
    task = await f.task(committee, a, "Báo cáo <quý>", hn(5, 12))
    await services.audit.add(
        committee.id, "weird.thing", a.user_id, services.clock.now(), task.item.id, x=1
    )
    trail = await services.reports.history(committee, task.item.number)
    text = history_text(trail, HN, "vi")
    assert text.startswith(t("vi", "history.header_item", number=1, title="Báo cáo <quý>"))
    assert "giao nhiệm vụ «Báo cáo &lt;quý&gt;», chủ trì Nguyễn An, hạn 05/12/2026 23:59" in text
    # An action without a sentence in the catalog still reads as words, never as its code.
    assert "01/12/2026 09:00 · <b>Nguyễn An</b>: thay đổi mục khác" in text
    latest = history_text(await services.reports.history(committee, None), HN, "en")
    assert "#1 · changed an item" in latest and "weird" not in text + latest
    with pytest.raises(DomainError) as err:
        await services.reports.history(committee, 99)
    assert err.value.key == "item.not_found"


async def test_report_counts_answers_as_the_closed_result_did(services, world, clock):
    """A member who answered and then left is not counted, neither in the result nor the report."""
    _, committee, _chair, a, b, _ = world
    secretary = (await services.members.list(committee.id))[0]
    clock.set(hn(1, 12, hour=9))
    standing = await services.consultations.open(committee, secretary, "Dự thảo Quy chế hạn 10/12")
    item = standing.item
    await services.consultations.answer(item, a, "agree")
    await services.consultations.answer(item, b, "disagree", "Chưa đồng ý mục 2")
    await services.roster.leave(committee, b)
    closed = await services.consultations.close(item, secretary.user_id)
    report = await services.reports.report(committee, "Q4 2026")
    (line,) = report.consultations
    assert (line.responded, line.eligible) == (1, closed.eligible) == (1, 3)
