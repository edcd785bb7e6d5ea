"""Tasks (design §4): assign, start, progress, done, extend, reassign, cancel, reopen, lists.

Every change runs in one transaction with its audit entry, then `events.item_changed`. Item-level
rules (only an assignee reports progress, only the lead or the secretary/chair closes, …) are
checked here and refused with `DomainError`; the command table has already checked the role.
Extension requests and their decisions live in `TaskExtensions` (bot/services/task_extensions.py),
lists and history in `TaskQueries` (bot/services/task_queries.py); `TaskService` is all three.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.clock import Clock
from bot.errors import DomainError
from bot.events import Events
from bot.models import SECRETARY_CHAIR
from bot.services.guard import guarded
from bot.services.programme_tags import extract_tags
from bot.services.programmes import ProgrammeService
from bot.services.roster import Person, RosterService
from bot.services.settings import config_of
from bot.services.standins import StandinService
from bot.services.task_extensions import TaskExtensions
from bot.services.task_input import check_note, read_new_task
from bot.services.task_queries import OPEN, TaskQueries, TaskView
from storage.audit import AuditRepo
from storage.committees import Committee, CommitteeRepo
from storage.db import Database, from_db, to_db
from storage.items import ItemRepo
from storage.members import Member, MemberRepo
from storage.tasks import TaskRecord, TaskRepo

__all__ = ["Attachment", "TaskService", "TaskView"]


@dataclass(frozen=True)
class Attachment:
    """A document attached to a new task (the message `/assign` replied to)."""

    file_id: str
    name: str | None


class TaskService(TaskExtensions, TaskQueries):
    """The committee's core loop: give work to agencies and see where it stands."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        committees: CommitteeRepo,
        members: MemberRepo,
        items: ItemRepo,
        repo: TaskRepo,
        audit: AuditRepo,
        roster: RosterService,
        events: Events,
        programmes: ProgrammeService | None = None,
        standins: StandinService | None = None,
    ) -> None:
        self.db, self.clock, self.committees, self.members = db, clock, committees, members
        self.programmes = programmes  # `ct:<code>` and `theo <số> ngày …` (issue 17)
        self.standins = standins  # a stand-in reports progress for the member away (issue 17)
        self.items, self.repo, self.audit, self.roster, self.events = (
            items,
            repo,
            audit,
            roster,
            events,
        )

    @guarded
    async def create(
        self,
        committee: Committee,
        actor: Member,
        people: list[Person],
        text: str,
        attachment: Attachment | None = None,
    ) -> TaskView:
        """`/assign`: the first person leads, the others cooperate; all must be active members."""
        if not people:
            raise DomainError("assign.usage")
        seats: list[Member] = []
        for person in people:
            seat = await self.roster.require_member(committee, person)
            if all(seat.id != s.id for s in seats):
                seats.append(seat)
        now = self.clock.now()
        text, tags = extract_tags(text, now, committee.tz)
        parsed = read_new_task(text, now, committee.tz, config_of(committee).calendar)
        lead, cooperators = seats[0], seats[1:]
        async with self.db.transaction():
            number = await self.committees.take_number(committee.id)
            item_id = await self.items.insert(
                committee_id=committee.id,
                number=number,
                kind="task",
                title=parsed.title,
                status="open",
                deadline=parsed.deadline,
                created_by=actor.user_id,
                now=now,
                document_file_id=attachment.file_id if attachment else None,
                document_name=attachment.name if attachment else None,
                document_url=parsed.url,
            )
            await self.repo.insert(
                item_id, lead.id, [c.id for c in cooperators], parsed.description
            )
            tagged = {}
            if self.programmes is not None:
                tagged = await self.programmes.apply(committee, item_id, tags)
            await self.audit.add(
                committee.id,
                "task.create",
                actor.user_id,
                now,
                item_id=item_id,
                number=number,
                title=parsed.title,
                deadline=to_db(parsed.deadline),
                lead=lead.id,
                cooperators=[c.id for c in cooperators],
                document=attachment.name if attachment else parsed.url,
                **tagged,
            )
        await self.events.item_changed(item_id)
        return await self.view(item_id)

    @guarded
    async def start(self, committee: Committee, actor: Member, number: int) -> TaskView:
        """An assignee starts work: open → in_progress."""
        task = await self.task(committee, number)
        self._require_assignee(task, actor)
        if task.item.status == "in_progress":
            raise DomainError("task.already_started", number=number)
        self._require_open(task)
        now = self.clock.now()
        return await self._change(
            committee, actor, task, "task.start", {"status": "in_progress"}, {"started_at": now}
        )

    @guarded
    async def progress(
        self, committee: Committee, actor: Member, number: int, percent: int, note: str = ""
    ) -> TaskView:
        """Lead or cooperators report a percentage (0–100) with an optional note."""
        task = await self.task(committee, number)
        behalf = await self._on_behalf(committee, task, actor)
        self._require_open(task)
        if not 0 <= percent <= 100:
            raise DomainError("progress.bad_percent", value=percent)
        note = check_note(note)
        item_cols, task_cols = {}, {"progress": percent}
        if task.item.status == "open":
            item_cols["status"] = "in_progress"
            task_cols["started_at"] = self.clock.now()
        return await self._change(
            committee, actor, task, "task.progress", item_cols, task_cols, note=(percent, note),
            **behalf,
        )  # fmt: skip

    @guarded
    async def done(
        self, committee: Committee, actor: Member, number: int, note: str = ""
    ) -> TaskView:
        """The lead (or the secretary or chair) marks the task done."""
        task = await self.task(committee, number)
        if actor.id != task.lead_id and actor.role not in SECRETARY_CHAIR:
            raise DomainError("done.forbidden", number=number)
        self._require_open(task)
        note = check_note(note)
        now = self.clock.now()
        item_cols = {"status": "done", "closed_at": now}
        task_cols = {"done_at": now, "progress": 100, "started_at": task.started_at or now}
        return await self._change(
            committee, actor, task, "task.done", item_cols, task_cols, note=(None, note)
        )

    @guarded
    async def reassign(
        self, committee: Committee, actor: Member, number: int, person: Person
    ) -> TaskView:
        """A new lead; the old lead is dropped (a cooperator who becomes lead stops cooperating)."""
        task = await self.task(committee, number)
        self._require_open(task)
        seat = await self.roster.require_member(committee, person)
        if seat.id == task.lead_id:
            raise DomainError("reassign.same", number=number, name=seat.display_name)
        cooperators = [m for m in task.cooperator_ids if m != seat.id]
        now = self.clock.now()
        async with self.db.transaction():
            await self.repo.set_assignees(task.item.id, seat.id, cooperators)
            await self.repo.touch(task.item.id, now)
            await self.audit.add(
                committee.id,
                "task.reassign",
                actor.user_id,
                now,
                item_id=task.item.id,
                before={"lead": task.lead_id, "cooperators": list(task.cooperator_ids)},
                after={"lead": seat.id, "cooperators": cooperators},
            )
        await self.events.item_changed(task.item.id)
        return await self.view(task.item.id)

    @guarded
    async def cancel(
        self, committee: Committee, actor: Member, number: int, reason: str = ""
    ) -> TaskView:
        """Cancel an open task (it leaves every list but `/show`)."""
        task = await self.task(committee, number)
        self._require_open(task)
        reason = check_note(reason)
        item_cols = {"status": "cancelled", "closed_at": self.clock.now()}
        return await self._change(
            committee, actor, task, "task.cancel", item_cols, {}, reason=reason
        )

    @guarded
    async def reopen(self, committee: Committee, actor: Member, number: int) -> TaskView:
        """Back from done or cancelled: in progress if work had started, else open."""
        task = await self.task(committee, number)
        if task.item.status in OPEN:
            raise DomainError("reopen.not_closed", number=number)
        status = "in_progress" if task.started_at else "open"
        task_cols: dict[str, object] = {"done_at": None}
        if task.item.status == "done":
            task_cols["progress"] = min(await self.repo.last_percent(task.item.id), 99)
        item_cols = {"status": status, "closed_at": None}
        return await self._change(committee, actor, task, "task.reopen", item_cols, task_cols)

    async def for_assignee(self, committee: Committee, actor: Member, number: int) -> TaskView:
        """Task #N, open, when `actor` is one of its assignees (else a refusal)."""
        task = await self.task(committee, number)
        self._require_assignee(task, actor)
        self._require_open(task)
        return (await self._views([task]))[0]

    async def set_card(self, item_id: int, message_id: int) -> None:
        """Remember the message that shows the task card (edited in place on every change)."""
        await self.items.update(item_id, self.clock.now(), message_id=message_id)

    # ---------------------------------------------------------------- helpers
    async def _change(
        self,
        committee: Committee,
        actor: Member,
        task: TaskRecord,
        action: str,
        item_cols: dict,
        task_cols: dict,
        note: tuple[int | None, str] | None = None,
        **details: object,
    ) -> TaskView:
        """Apply column changes, a progress note and the audit entry (in the transaction of the
        guarded call: every caller is one); the view is of the task as written."""
        now = self.clock.now()
        before = {"status": task.item.status, "progress": task.progress}
        after = {**before, **{k: v for k, v in {**item_cols, **task_cols}.items() if k in before}}
        if note is not None:
            details.update(percent=note[0], note=note[1])
        if item_cols:
            await self.items.update(task.item.id, now, **item_cols)
        else:
            await self.repo.touch(task.item.id, now)
        if task_cols:
            await self.repo.update(task.item.id, **task_cols)
        if note is not None and (note[0] is not None or note[1]):
            await self.repo.add_note(task.item.id, actor.user_id, *note, now)
        await self.audit.add(
            committee.id,
            action,
            actor.user_id,
            now,
            item_id=task.item.id,
            before=before,
            after=after,
            **details,
        )
        await self.events.item_changed(task.item.id, {*item_cols, *task_cols})
        item = replace(task.item, **_as_stored({**item_cols, "updated_at": now}))
        return (await self._views([replace(task, item=item, **_as_stored(task_cols))]))[0]

    async def _on_behalf(self, committee: Committee, task: TaskRecord, actor: Member) -> dict:
        """An assignee acts for themselves ({}); the stand-in of one acts for them (the audit
        entry names both); anyone else is refused."""
        if actor.id in task.assignee_ids or self.standins is None:
            self._require_assignee(task, actor)
            return {}
        member = await self.standins.principal(committee, actor, task.assignee_ids)
        if member is None:
            self._require_assignee(task, actor)
        return {"on_behalf_of": member.id, "on_behalf_name": member.display_name}

    @staticmethod
    def _require_assignee(task: TaskRecord, actor: Member) -> None:
        if actor.id not in task.assignee_ids:
            raise DomainError("task.not_assignee", number=task.item.number)

    @staticmethod
    def _require_open(task: TaskRecord) -> None:
        if task.item.status not in OPEN:
            raise DomainError(f"task.already_{task.item.status}", number=task.item.number)


def _as_stored(values: dict) -> dict:
    """Column values as reading them back gives them (a time: UTC, to the second)."""
    return {k: from_db(to_db(v)) if isinstance(v, datetime) else v for k, v in values.items()}
