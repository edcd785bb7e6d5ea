"""A month of a 20-member committee on the injected clock (issue 13): 30 tasks, 3 consultations
and 2 motions, everybody reachable privately. The sweep runs every hour as the JobQueue would;
the test counts, per local day, the automatic group messages and the private ones, and checks
that every reminder that went out appears exactly once in its sweep's group messages and once
in the private message of each person it concerns."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.jobs import sweeper_of
from tests.chat import (
    CHAIR,
    DEPUTY,
    GROUP,
    MEMBER_A,
    MEMBER_B,
    SECRETARY,
    running,
    services,
    set_up_committee,
)
from tests.fakes import User, private_chat

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
OTHERS = [User(201 + i, f"Thành viên {i + 1:02d}", username=f"tv_so{i + 1:02d}") for i in range(15)]
MEMBERS = [CHAIR, DEPUTY, MEMBER_A, MEMBER_B, *OTHERS]  # 19 who answer and vote
EVERYONE = [SECRETARY, *MEMBERS]  # 20 seats
TASKS, CONSULTS, VOTES = range(1, 31), (31, 32, 33), (34, 35)
CONSULT_DAYS, VOTE_DAYS = {31: 8, 32: 16, 33: 23}, {34: 11, 35: 18}

# Per day of December 2026 (days with nothing sent left out): (automatic group messages,
# private messages). Group messages count a post's parts (a post is split under 4096 characters
# only when needed) and the results of closed items with their .docx; a weekend sends nothing.
EXPECTED: dict[int, tuple[int, int]] = {
    2: (1, 8),
    3: (1, 8),
    4: (1, 9),
    7: (2, 17),
    8: (1, 19),
    9: (3, 12),
    10: (1, 19),
    11: (1, 19),
    14: (3, 16),
    15: (1, 18),
    16: (1, 18),
    17: (3, 18),
    18: (1, 18),
    21: (3, 17),
    22: (2, 19),
    23: (2, 20),
    24: (4, 17),
    25: (2, 17),
    28: (2, 17),
    29: (2, 17),
    30: (2, 17),
    31: (2, 17),
}
# The same month before batching (one group message per reminder, one private copy per reminder
# and person), kept for comparison: 226 group and 677 private messages, against 41 and 357.
BEFORE: dict[int, tuple[int, int]] = {
    2: (5, 10),
    3: (5, 10),
    4: (5, 10),
    7: (9, 21),
    8: (8, 23),
    9: (9, 18),
    10: (8, 29),
    11: (9, 31),
    14: (12, 26),
    15: (10, 33),
    16: (10, 33),
    17: (13, 39),
    18: (11, 39),
    21: (14, 36),
    22: (12, 41),
    23: (13, 43),
    24: (14, 38),
    25: (12, 39),
    28: (13, 39),
    29: (12, 39),
    30: (11, 39),
    31: (11, 41),
}

# A reminder's own line, whatever message carries it (group or private).
NEEDLES = (
    re.compile(r"<b>Nhắc hạn nhiệm vụ #(\d+)</b>"),
    re.compile(r"<b>Nhiệm vụ #(\d+) đã quá hạn</b>"),
    re.compile(r"<b>Nhắc cho ý kiến #(\d+)</b>"),
    re.compile(r"<b>Nhắc biểu quyết #(\d+)</b>"),
)
KIND_OF_NEEDLE = ("task_offset", "task_overdue", "pending", "pending")


def local(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=HANOI).astimezone(UTC)


def lead_of(number: int) -> User:
    return MEMBERS[(number - 1) % len(MEMBERS)]


def coop_of(number: int) -> User:
    return MEMBERS[number % len(MEMBERS)]


def task_day(number: int) -> int:
    return 2 + (number - 1) % 28  # deadlines 02/12 … 29/12, weekends too


def needles(text: str) -> list[tuple[str, int]]:
    """(reminder kind, item number) of every reminder line in a message."""
    found = []
    for pattern, kind in zip(NEEDLES, KIND_OF_NEEDLE, strict=True):
        found += [(kind, int(m)) for m in pattern.findall(text)]
    return found


async def set_up_month(conv, fake) -> None:
    await set_up_committee(conv, fake)
    for i, user in enumerate(OTHERS):
        await conv.send(GROUP, user, f"/join Sở số {i + 1}")
    for user in EVERYONE:
        await conv.send(private_chat(user), user, "/start")
    for number in TASKS:
        lead, coop = lead_of(number), coop_of(number)
        day = task_day(number)
        await conv.send(
            GROUP,
            SECRETARY,
            f"/assign @{lead.username} @{coop.username} Việc {number} hạn {day:02d}/12",
        )
    for number, day in CONSULT_DAYS.items():
        await conv.send(GROUP, SECRETARY, f"/consult Góp ý dự thảo {number} hạn {day:02d}/12")
    for number, day in VOTE_DAYS.items():
        await conv.send(GROUP, SECRETARY, f"/vote Thông qua đề án {number} hạn {day:02d}/12")


async def act(conv, fake, day: int) -> None:
    """What people do at 10:00 that day: answers, ballots, tasks finished early or late."""
    if day == 2:
        for number in CONSULTS:
            for user in MEMBERS[:12]:
                await conv.send(GROUP, user, f"/opinion {number} agree")
        for number in VOTES:
            card = next(c for c in fake.sent(GROUP.id) if f"#{number}" in (c.text or "")[:80])
            for user in MEMBERS[:10]:
                await conv.press_button(GROUP, user, "Tán thành", card)
    for number in TASKS:
        if number % 3 == 0 and task_day(number) - 1 == day:
            await conv.send(GROUP, lead_of(number), f"/done {number}")
        if number % 3 == 1 and task_day(number) + 3 == day:
            await conv.send(GROUP, lead_of(number), f"/done {number}")


async def test_a_month_of_a_twenty_member_committee(tmp_path, clock):
    async with running(tmp_path, clock) as (conv, fake):
        await set_up_month(conv, fake)
        svc = services(conv)
        committee = await svc.committees.by_chat(GROUP.id)
        people = {m.user_id: m.id for m in await svc.members.list(committee.id)}
        private_ids = {user.id for user in EVERYONE}
        per_day: dict[date, list[int]] = {}
        problems: list[object] = []
        moment = clock.now().replace(minute=0, second=0) + timedelta(hours=1)
        while moment < local(31, 23) + timedelta(hours=1):
            clock.set(moment)
            day = moment.astimezone(HANOI).date()
            if moment.astimezone(HANOI).hour == 10:
                await act(conv, fake, day.day)
            mark = len(fake.calls)
            await sweeper_of(conv.app).sweep()
            fresh = [c for c in fake.calls[mark:] if c.ok and c.method.startswith("send")]
            group = [c.text or "" for c in fresh if c.chat_id == GROUP.id]
            private = [c for c in fresh if c.chat_id in private_ids]
            counts = per_day.setdefault(day, [0, 0])
            counts[0] += len(group)
            counts[1] += len(private)
            by_person = Counter(c.chat_id for c in private)
            if any(n > 1 for n in by_person.values()):
                problems.append(("several private messages in one sweep", moment, by_person))
            rows = await conv_rows(svc, moment)
            wanted = Counter((r["kind"], r["number"]) for r in rows)
            shown = Counter(n for text in group for n in needles(text))
            if wanted != shown:
                problems.append(("group lines", moment, wanted, shown))
            for user_id in private_ids:
                mine = Counter(
                    (r["kind"], r["number"]) for r in rows if people[user_id] in r["recipients"]
                )
                texts = [c.text or "" for c in private if c.chat_id == user_id]
                got = Counter(n for text in texts for n in needles(text))
                if mine != got:
                    problems.append(("private lines", moment, user_id, mine, got))
            moment += timedelta(hours=1)
        table = {d.day: tuple(v) for d, v in sorted(per_day.items()) if d.month == 12}
        assert problems == []
        posts = await svc.db.fetchall("SELECT day, posts FROM auto_posts ORDER BY day")
        assert {r["posts"] for r in posts} == {1}  # one batched post a working day
        assert {d: v for d, v in table.items() if v != (0, 0)} == EXPECTED


async def conv_rows(svc, moment: datetime) -> list[dict]:
    """Reminder rows of items marked sent at `moment`, with their item numbers and recipients."""
    import json

    from storage.db import to_db

    rows = await svc.db.fetchall(
        "SELECT r.kind, i.number, r.recipients FROM reminders r JOIN items i ON i.id = r.item_id"
        " WHERE r.sent_at = ? AND r.kind IN ('task_offset', 'task_overdue', 'pending')",
        (to_db(moment),),
    )
    return [
        {"kind": r["kind"], "number": r["number"], "recipients": json.loads(r["recipients"])}
        for r in rows
    ]
