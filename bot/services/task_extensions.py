"""Deadline extensions: an assignee asks, the secretary or chair decides; they may also extend.

Part of `TaskService` (a mixin over the repositories and helpers `TaskService` provides).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import DomainError
from bot.models import SECRETARY_CHAIR
from bot.services.guard import guarded
from bot.services.settings import config_of
from bot.services.task_input import check_note, read_date_and_reason
from bot.services.task_queries import TaskView
from storage.committees import Committee
from storage.db import to_db
from storage.members import Member
from storage.tasks import ExtensionRequest, TaskRecord


@dataclass(frozen=True)
class ExtensionOutcome:
    """What `/extend`, `/approve`, `/reject` (or their buttons) did.

    `request` is None when the secretary or chair extended directly; `applied` says whether the
    deadline moved; `requester` is the member who asked (None for a direct extension).
    """

    view: TaskView
    request: ExtensionRequest | None
    applied: bool
    requester: Member | None


class TaskExtensions:
    """Extension part of `TaskService`."""

    @guarded
    async def extend(
        self, committee: Committee, actor: Member, number: int, text: str
    ) -> ExtensionOutcome:
        """`/extend N <date> <reason>`: secretary/chair apply it; an assignee asks for it."""
        task = await self.task(committee, number)
        self._require_open(task)
        manager = actor.role in SECRETARY_CHAIR
        if not manager:
            self._require_assignee(task, actor)
        now = self.clock.now()
        new, reason = read_date_and_reason(text, now, committee.tz, config_of(committee).calendar)
        if manager:
            view = await self._change(
                committee,
                actor,
                task,
                "task.extend",
                {"deadline": new},
                {},
                deadline_before=to_db(task.item.deadline),
                deadline_after=to_db(new),
                reason=reason,
            )
            return ExtensionOutcome(view, None, True, None)
        if not reason:
            raise DomainError("extend.no_reason", number=number)
        if task.item.deadline is not None and new <= task.item.deadline:
            raise DomainError("extend.not_later", number=number)
        if await self.repo.pending_extension(task.item.id) is not None:
            raise DomainError("extend.already_pending", number=number)
        async with self.db.transaction():
            request_id = await self.repo.add_extension(
                task.item.id, actor.user_id, task.item.deadline, new, reason, now
            )
            await self.audit.add(
                committee.id,
                "task.extension_request",
                actor.user_id,
                now,
                item_id=task.item.id,
                request=request_id,
                deadline_before=to_db(task.item.deadline),
                deadline_after=to_db(new),
                reason=reason,
            )
        await self.events.item_changed(task.item.id)
        request = await self.repo.extension(request_id)
        return ExtensionOutcome(await self.view(task.item.id), request, False, actor)

    @guarded
    async def decide(
        self, committee: Committee, actor: Member, number: int, approve: bool, reason: str = ""
    ) -> ExtensionOutcome:
        """`/approve N` or `/reject N [reason]`: decide the pending request of task N."""
        task = await self.task(committee, number)
        request = await self.repo.pending_extension(task.item.id)
        if request is None:
            raise DomainError("extension.none_pending", number=number)
        return await self._decide(committee, actor, task, request, approve, reason)

    @guarded
    async def decide_request(
        self, committee: Committee, actor: Member, request_id: int, approve: bool
    ) -> ExtensionOutcome:
        """The Approve/Reject buttons: decide this very request (refused once decided)."""
        request = await self.repo.extension(request_id)
        task = None if request is None else await self.repo.get(request.item_id)
        if task is None or task.item.committee_id != committee.id:
            raise DomainError("extension.unknown")
        if request.status != "pending":
            raise DomainError("extension.already_decided", number=task.item.number)
        return await self._decide(committee, actor, task, request, approve, "")

    async def set_extension_message(self, request_id: int, message_id: int) -> None:
        """Remember the group message carrying a request's Approve/Reject buttons."""
        await self.repo.set_extension_message(request_id, message_id)

    async def _decide(
        self,
        committee: Committee,
        actor: Member,
        task: TaskRecord,
        request: ExtensionRequest,
        approve: bool,
        reason: str,
    ) -> ExtensionOutcome:
        reason = check_note(reason)
        if approve and task.item.status not in ("open", "in_progress"):
            self._require_open(task)
        now = self.clock.now()
        status = "approved" if approve else "rejected"
        async with self.db.transaction():
            await self.repo.decide_extension(request.id, status, actor.user_id, reason, now)
            if approve:
                await self.items.update(task.item.id, now, deadline=request.new_deadline)
            await self.audit.add(
                committee.id,
                f"task.extension_{status}",
                actor.user_id,
                now,
                item_id=task.item.id,
                request=request.id,
                deadline_before=to_db(task.item.deadline),
                deadline_after=to_db(request.new_deadline if approve else task.item.deadline),
                reason=reason,
            )
        await self.events.item_changed(task.item.id)
        requester = await self.members.by_user(committee.id, request.requested_by)
        decided = await self.repo.extension(request.id)
        return ExtensionOutcome(await self.view(task.item.id), decided, approve, requester)
