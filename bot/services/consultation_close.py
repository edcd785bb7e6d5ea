"""Closing a consultation: the question asked before an early close, the close itself (silent
members get their automatic row: *deemed agreed* only when the silence rule is on and the
deadline has passed, else *no answer*) and the deadline closer."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot.errors import DomainError
from bot.services import closing
from bot.services.closing import EarlyClose
from bot.services.consultation_model import KIND, Standing, rank
from bot.services.guard import actor_id, check_actor
from storage.items import Item
from storage.members import Member


class ConsultationClosing:
    """The closing half of `ConsultationService` (its repositories, clock and events)."""

    async def early_close(self, item: Item) -> EarlyClose | None:
        """Before `/close N`: how many counted members would be recorded as *no answer* because
        the deadline has not passed (None: close at once, nothing to confirm)."""
        standing = await self.standing(item)
        return closing.early_close(item, self.clock.now(), len(standing.pending), standing.eligible)

    async def close(
        self, item: Item, actor: Member | int | None, at: datetime | None = None
    ) -> Standing:
        """Close now (recorded as closed `at`, default now): silent members get their automatic
        row; the result is frozen. `actor` is the closing seat (None: the deadline)."""
        now = self.clock.now()
        closed_at = at or now
        actor_user_id = actor_id(actor)
        async with self.db.transaction():
            await check_actor(self, actor)
            if await self.repo.status(item.id) != "open":
                raise DomainError("consult.already_closed", number=item.number)
            silence = (await self.repo.get(item.id)).silence_agree
            counted = await self.members.many(await self.repo.electorate(item.id))
            voters = sorted(counted.values(), key=rank)
            current = await self.repo.current(item.id)
            auto = closing.silent_answer(silence, item, closed_at)
            silent = [m for m in voters if m.id not in current]
            for member in silent:
                await self.repo.add_opinion(
                    item_id=item.id, member_id=member.id, answer=auto, text="", now=now,
                    auto=True,
                )  # fmt: skip
            await self.repo.mark_closed(item.id, [m.id for m in voters])
            await self.repo.drop_prompts(item.id, None)
            await self.items.update(item.id, now, status="closed", closed_at=closed_at)
            await self.audit.add(
                item.committee_id, "consultation.close", actor_user_id, now, item.id,
                before="open", after="closed", automatic=actor_user_id is None,
                eligible=len(voters), silent=len(silent), silence_agree=silence,
                early=closing.before_deadline(item, closed_at), recorded_as=auto,
            )  # fmt: skip
        await self.events.item_changed(item.id)
        return await self.standing(await self.items.get(item.id))

    async def close_due(
        self, now: datetime, committee_ids: Collection[int] | None = None
    ) -> list[Standing]:
        """Close every open consultation whose deadline has passed (all committees, or those
        given); answers stopped at the deadline, so that is when it is recorded as closed."""
        closed = []
        for item in await self.items.due_open(KIND, now, committee_ids):
            try:
                closed.append(await self.close(item, None, at=item.deadline))
            except DomainError:  # closed meanwhile by hand
                continue
        return closed

    async def set_result_message(self, item_id: int, message_id: int) -> None:
        """Remember the message that carries the result."""
        await self.repo.set_result_message(item_id, message_id)
