"""The weekly digest: its content, rendering and splitting, /digest, and the posting schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.timeliness import Mark, Timeliness
from handlers import digest_render
from handlers.jobs import sweeper_of
from handlers.outbox import split_text
from tests.chat import GROUP, MEMBER_A, SECRETARY, running, services, set_up_committee, vi
from tests.factories import Factory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HANOI).astimezone(UTC)


async def a_week(services):
    f = Factory(services)
    now = f.now
    committee = await f.committee()
    a = await f.member(committee, "Nguyễn An", "Sở Tài chính")
    b = await f.member(committee, "Trần Bình", "Sở Kế hoạch và Đầu tư")
    c = await f.member(committee, "Võ Văn Hưng", "UBND tỉnh", role="chair")
    day = timedelta(days=1)
    await f.task(committee, a, "Đúng hạn", now + day, done_at=now - day)
    await f.task(committee, b, "Trễ hạn", now - 3 * day, done_at=now - day)
    await f.task(committee, a, "Đang làm <b>x</b>", now + 3 * day, progress=40)
    await f.task(committee, b, "Quá hạn", now - 2 * day)
    await f.task(committee, a, "Còn xa", now + 20 * day)
    await f.task(committee, a, "Xong từ lâu", now - 12 * day, done_at=now - 10 * day)
    consultation = await f.consultation(committee, "Góp ý dự thảo", now + 2 * day)
    await f.opinion(consultation, a, "agree")
    await f.vote(committee, "Thông qua kế hoạch", now + 4 * day)
    await f.vote(committee, "Chọn ngày", now + 4 * day, mode="poll", options=("T2", "T3"),
                 anonymous=True)  # fmt: skip
    await f.vote(committee, "Quy chế", now - day, outcome="passed")
    old = await f.vote(committee, "Cũ", now - 9 * day, outcome="rejected")
    return committee, (a, b, c), old


async def test_digest_content(services):
    committee, _, _ = await a_week(services)
    digest = await services.digest.build(committee)
    assert [(x.task.item.title, x.timeliness) for x in digest.done] == [
        ("Đúng hạn", Timeliness.DONE_ON_TIME),
        ("Trễ hạn", Timeliness.DONE_LATE),
    ]
    assert [x.task.item.title for x in digest.in_progress] == ["Đang làm <b>x</b>"]
    assert [(agency, [x.task.item.title for x in group]) for agency, group in digest.overdue] == [
        ("Sở Kế hoạch và Đầu tư", ["Quá hạn"])
    ]
    assert [x.task.item.title for x in digest.due_soon] == ["Đang làm <b>x</b>"]
    opened = [(o.item.title, o.responded, o.eligible) for o in digest.open_items]
    assert opened == [
        ("Góp ý dự thảo", 1, 3),
        ("Thông qua kế hoạch", 0, 3),
        ("Chọn ngày", None, 3),
    ]
    assert [(i.title, outcome) for i, outcome in digest.closed] == [("Quy chế", "passed")]
    marks = {x.agency: x.mark for x in digest.agencies}
    assert marks == {"Sở Tài chính": Mark.GREEN, "Sở Kế hoạch và Đầu tư": Mark.RED}


async def test_digest_rendering_escapes_and_states_the_rule(services, clock):
    committee, _, _ = await a_week(services)
    text = digest_render.render(await services.digest.build(committee), "vi")
    assert text.startswith(
        vi(
            "digest.header",
            title=committee.title,
            start="Thứ Ba, 24/11/2026",
            end="Thứ Ba, 01/12/2026",
        )
    )
    assert vi("digest.done", count=2) in text
    assert (
        "• #3 Đang làm &lt;b&gt;x&lt;/b&gt; — 40% · hạn 04/12 09:00 · Nguyễn An (Sở Tài chính)"
        in text
    )
    assert vi("digest.agency", agency="Sở Kế hoạch và Đầu tư", count=1) in text
    assert "• #4 Quá hạn — quá hạn 2 ngày · Trần Bình (Sở Kế hoạch và Đầu tư)" in text
    assert "• #7 Xin ý kiến: Góp ý dự thảo — 1/3 đã trả lời · hạn 03/12 09:00" in text
    # A poll is named a poll (Thăm dò), a motion a motion (Biểu quyết).
    assert "• #9 Thăm dò: Chọn ngày — bỏ phiếu kín · hạn 05/12 09:00" in text
    assert "• #8 Biểu quyết: Thông qua kế hoạch — 0/3 đã trả lời" in text
    assert "• #10 Biểu quyết: Quy chế — thông qua" in text and "Cũ" not in text
    assert "🔴 Sở Kế hoạch và Đầu tư: 0 đúng hạn, 2 trễ hoặc quá hạn, 0 đang trong hạn" in text
    assert text.endswith(vi("mark.rule"))
    english = digest_render.render(await services.digest.build(committee), "en")
    assert t("en", "digest.overdue", count=1) in english and english.endswith(t("en", "mark.rule"))


async def test_a_long_digest_splits_under_the_limit(services):
    f = Factory(services)
    committee = await f.committee()
    lead = await f.member(committee, "Nguyễn An", "Sở Tài chính")
    for n in range(120):
        await f.task(
            committee, lead, f"Nhiệm vụ số {n} " + "rất dài " * 10, f.now - timedelta(days=1)
        )
    text = digest_render.render(await services.digest.build(committee), "vi")
    parts = split_text(text)
    assert len(text) > 4096 and len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text


async def test_digest_on_demand_in_the_readers_language(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        committee = await services(conv).committees.by_chat(GROUP.id)
        reply = await conv.ask(GROUP, MEMBER_A, "/digest")
        expected = digest_render.render(await services(conv).digest.build(committee), "vi")
        assert reply == expected and vi("digest.nothing") in reply
        await conv.send(GROUP, MEMBER_A, "/lang en")
        assert (await conv.ask(GROUP, MEMBER_A, "/bantin")).startswith("📰 <b>Weekly digest")


async def test_scheduled_digest_once_off_and_caught_up_after_an_outage(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_committee(conv, fake)
        await conv.send(GROUP, SECRETARY, "/settings digest wed 08:00")
        sweeper = sweeper_of(conv.app)
        digests = lambda: [c for c in fake.sent(GROUP.id) if "📰" in (c.text or "")]  # noqa: E731
        await sweeper.sweep(local(2026, 12, 2, 7, 59))
        assert digests() == []
        await sweeper.sweep(local(2026, 12, 2, 8, 0))
        await sweeper.sweep(local(2026, 12, 2, 8, 1))
        assert len(digests()) == 1 and "⌛" not in digests()[0].text
        # down from Wednesday 8 Dec to Thursday 10 Dec 10:00: that week's digest once, late
        await sweeper.sweep(local(2026, 12, 10, 10))
        await sweeper.sweep(local(2026, 12, 10, 10, 5))
        assert len(digests()) == 2
        assert vi("digest.late", when="Thứ Tư, 09/12/2026 08:00") in digests()[1].text
        await conv.send(GROUP, SECRETARY, "/settings digest off")
        await sweeper.sweep(local(2026, 12, 16, 8))
        assert len(digests()) == 2
        weeks = await services(conv).db.fetchall("SELECT week, late FROM digest_posts")
        assert [(w, late) for w, late in weeks] == [("2026-12-02", 0), ("2026-12-09", 1)]
