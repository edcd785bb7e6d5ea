"""Test data for reports: committees, members, tasks, consultations, votes and their answers.

Written through the repositories where they exist (items, members, tasks) and plain parameterized
SQL on the test database otherwise, so report tests do not depend on the feature services. Times
are aware UTC datetimes; `populate` builds a realistic committee of any size (the bench uses it).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.models import Role
from bot.services.roster import Person
from bot.wiring.graph import Services
from storage.committees import Committee
from storage.db import to_db
from storage.items import Item
from storage.members import Member
from storage.tasks import TaskRecord

AGENCIES = (
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Thông tin và Truyền thông",
    "Sở Nội vụ",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Tài nguyên và Môi trường",
    "Sở Giao thông vận tải",
    "Văn phòng UBND tỉnh",
    "Công an tỉnh",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Lao động - Thương binh và Xã hội",
)


class Factory:
    """Creates rows in the test database at `services.clock.now()` unless told otherwise."""

    def __init__(self, services: Services) -> None:
        self.s = services
        self._users = 5000

    @property
    def now(self) -> datetime:
        return self.s.clock.now()

    async def committee(
        self, title: str = "Ban Chỉ đạo Chuyển đổi số", chat_id: int = -1001, language: str = "vi"
    ) -> Committee:
        """A committee in Hà Nội time with a secretary seat (user 5000)."""
        committee_id = await self.s.committees.create(
            chat_id=chat_id,
            thread_id=None,
            title=title,
            timezone="Asia/Ho_Chi_Minh",
            language=language,
            created_by=self._users,
            now=self.now,
        )
        committee = await self.s.committees.get(committee_id)
        await self.member(committee, "Lê Thư Ký", "", role="secretary")
        return committee

    async def member(
        self, committee: Committee, name: str, agency: str, role: str = "member"
    ) -> Member:
        """An active seat bound to a fresh user id."""
        self._users += 1
        member_id = await self.s.members.insert(
            committee_id=committee.id,
            user_id=self._users,
            username=f"user{self._users}",
            full_name=name,
            role=role,
            agency=agency,
            now=self.now,
        )
        return await self.s.members.get(member_id)

    async def _item(
        self,
        committee: Committee,
        kind: str,
        title: str,
        status: str,
        deadline: datetime | None,
        created: datetime | None,
    ) -> int:
        number = await self.s.committees.take_number(committee.id)
        return await self.s.items.insert(
            committee_id=committee.id,
            number=number,
            kind=kind,
            title=title,
            status=status,
            deadline=deadline,
            created_by=None,
            now=created or self.now,
        )

    async def task(
        self,
        committee: Committee,
        lead: Member,
        title: str,
        deadline: datetime,
        *,
        done_at: datetime | None = None,
        cancelled: bool = False,
        cooperators: tuple[Member, ...] = (),
        created: datetime | None = None,
        progress: int = 0,
    ) -> TaskRecord:
        """A task: open (or in progress with `progress`), done at `done_at`, or cancelled."""
        status = "cancelled" if cancelled else "done" if done_at else "open"
        if status == "open" and progress:
            status = "in_progress"
        created = created or min(self.now, deadline - timedelta(days=10))
        async with self.s.db.transaction():
            item_id = await self._item(committee, "task", title, status, deadline, created)
            await self.s.tasks.repo.insert(item_id, lead.id, [c.id for c in cooperators], "")
            columns: dict[str, object] = {"progress": 100 if done_at else progress}
            if done_at or progress:
                columns["started_at"] = created + timedelta(days=1)
            if done_at:
                columns["done_at"] = done_at
                await self.s.db.execute(
                    "UPDATE items SET closed_at = ? WHERE id = ?", (to_db(done_at), item_id)
                )
            await self.s.tasks.repo.update(item_id, **columns)
            await self.s.audit.add(
                committee.id,
                "task.create",
                None,
                created,
                item_id,
                number=0,
                title=title,
                lead=lead.id,
                deadline=to_db(deadline),
            )
        return await self.s.tasks.repo.get(item_id)

    async def consultation(
        self,
        committee: Committee,
        title: str,
        deadline: datetime,
        *,
        closed: bool = False,
        silence_agree: bool = True,
        eligible: int | None = None,
    ) -> Item:
        """A consultation (closed at its deadline when `closed`)."""
        status = "closed" if closed else "open"
        async with self.s.db.transaction():
            item_id = await self._item(
                committee,
                "consultation",
                title,
                status,
                deadline,
                deadline - timedelta(days=7),
            )
            await self.s.db.execute(
                "INSERT INTO consultations (item_id, silence_agree, eligible_count)"
                " VALUES (?, ?, ?)",
                (item_id, int(silence_agree), eligible),
            )
            if closed:
                await self.s.db.execute(
                    "UPDATE items SET closed_at = ? WHERE id = ?", (to_db(deadline), item_id)
                )
        return await self.s.items.get(item_id)

    async def opinion(
        self,
        item: Item,
        member: Member,
        answer: str,
        text: str = "",
        at: datetime | None = None,
        auto: bool = False,
    ) -> None:
        """One answer row (a later row replaces the member's current answer)."""
        await self.s.db.execute(
            "INSERT INTO opinions (item_id, member_id, answer, text, auto, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (item.id, member.id, answer, text, int(auto), to_db(at or self.now)),
        )

    async def vote(
        self,
        committee: Committee,
        title: str,
        deadline: datetime,
        *,
        mode: str = "motion",
        options: tuple[str, ...] = (),
        anonymous: bool = False,
        outcome: str | None = None,
        result: dict | None = None,
        poll_counts: dict | None = None,
    ) -> Item:
        """A motion or poll; closed (at its deadline) when an outcome is given."""
        status = "closed" if outcome else "open"
        async with self.s.db.transaction():
            item_id = await self._item(
                committee, "vote", title, status, deadline, deadline - timedelta(days=3)
            )
            await self.s.db.execute(
                "INSERT INTO votes (item_id, mode, options, anonymous, outcome, result,"
                " poll_counts, eligible_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item_id,
                    mode,
                    json.dumps(list(options), ensure_ascii=False),
                    int(anonymous),
                    outcome,
                    None if result is None else json.dumps(result),
                    None if poll_counts is None else json.dumps(poll_counts),
                    None if result is None else len(result.get("eligible", [])),
                ),
            )
            if outcome:
                await self.s.db.execute(
                    "UPDATE items SET closed_at = ? WHERE id = ?", (to_db(deadline), item_id)
                )
        return await self.s.items.get(item_id)

    async def ballot(
        self,
        item: Item,
        member: Member,
        choice: object,
        at: datetime | None = None,
        late: bool = False,
    ) -> None:
        """One ballot row (`"for"`/`"against"`/`"abstain"` or a list of option indexes)."""
        await self.s.db.execute(
            "INSERT INTO ballots (item_id, member_id, user_id, choice, late, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                item.id,
                member.id,
                member.user_id,
                json.dumps(choice),
                int(late),
                to_db(at or self.now),
            ),
        )


async def populate(
    factory: Factory,
    committee: Committee,
    tasks: int,
    start: datetime,
    end: datetime,
    *,
    seed: int = 7,
    agencies: tuple[str, ...] = AGENCIES,
) -> list[Member]:
    """A committee with one member per agency and `tasks` tasks due in [start, end), as of now.

    Roughly: half done on time, a sixth done late, the rest open (overdue when past due), some
    cancelled; a consultation and a motion a month. Returns the members (one per agency).
    """
    rng = random.Random(seed)
    members = [
        await factory.member(committee, f"Cán bộ {i + 1}", a) for i, a in enumerate(agencies)
    ]
    span = (end - start).total_seconds()
    now = factory.now
    for n in range(tasks):
        deadline = start + timedelta(seconds=rng.uniform(0, span))
        lead = rng.choice(members)
        roll = rng.random()
        done = None
        if roll < 0.5 and deadline - timedelta(days=2) < now:
            done = deadline - timedelta(days=rng.uniform(0.1, 2))
        elif roll < 0.67 and deadline + timedelta(days=1) < now:
            done = min(now, deadline + timedelta(days=rng.uniform(0.5, 15)))
        await factory.task(
            committee,
            lead,
            f"Nhiệm vụ số {n + 1}: triển khai chuyển đổi số",
            deadline,
            done_at=done,
            cancelled=roll > 0.97,
            cooperators=tuple(rng.sample(members, 2)),
        )
    day = start + timedelta(days=15)
    while day < min(end, now):
        item = await factory.consultation(
            committee, f"Dự thảo kế hoạch {day:%m/%Y}", day, closed=True, eligible=len(members)
        )
        for member in members:
            if rng.random() < 0.8:
                await factory.opinion(
                    item,
                    member,
                    rng.choice(("agree", "agree_with_comments")),
                    "Góp ý bổ sung",
                    at=day - timedelta(days=1),
                )
        day += timedelta(days=30)
    return members


@dataclass
class Board:
    committee: Committee
    secretary: Member
    chair: Member
    deputy: Member
    a: Member
    b: Member


async def make_board(services: Services) -> Board:
    """A committee with a secretary, chair, deputy and two members (service tests)."""
    roster = services.roster
    committee = await roster.setup(-100, None, "Ban", Person(101, "thuky", "Lê Thư Ký"), True)
    secretary = await services.members.by_user(committee.id, 101)
    people = [
        (Person(102, "chair", "Võ Văn Hưng"), Role.CHAIR),
        (Person(103, "deputy", "Hoàng Nam"), Role.DEPUTY),
        (Person(104, "an", "Nguyễn An"), Role.MEMBER),
        (Person(105, "binh", "Trần Bình"), Role.MEMBER),
    ]
    seats = [(await roster.add(committee, secretary, p, r, "Sở"))[0] for p, r in people]
    return Board(committee, secretary, *seats)
