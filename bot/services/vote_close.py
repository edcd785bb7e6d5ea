"""Closing a vote: the question asked before a motion closes early (the pass rule counts all
active voting members, so whoever has not voted yet works as a vote against), the close itself
(a poll is stopped on Telegram first) and the deadline closer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.errors import DomainError
from bot.services import closing
from bot.services.closing import EarlyClose
from bot.services.guard import actor_id, check_actor
from storage.items import Item
from storage.members import Member
from storage.votes import Vote

if TYPE_CHECKING:
    from bot.services.votes import Tally

# Closing a poll stops it on Telegram first; the stopper returns the final {"counts", "voters"}.
Stopper = Callable[[Vote], Awaitable[dict[str, Any] | None]]


def _frozen(tally: Tally) -> tuple[str, dict[str, Any]]:
    """The outcome and the snapshot stored at close."""
    decision = tally.decision
    outcome = "closed" if decision is None else ("passed" if decision.passed else "rejected")
    return outcome, {
        "eligible": [m.id for m in tally.eligible],
        "choices": {str(k): v for k, v in tally.choices.items()},
        "others": tally.others,
        "chair": tally.chair_id,
        "counts": tally.option_counts,
        "voters": tally.voters,
        "acting": {str(k): m.id for k, m in tally.acting.items()},  # stand-ins' ballots
        "rule": decision.rule if decision else None,
    }


class VoteClosing:
    """The closing half of `VoteService` (its repositories, clock and events)."""

    async def early_close(self, item: Item) -> EarlyClose | None:
        """Before `/close N` of a motion: how many have not voted while the deadline is ahead
        (None: a poll, the deadline passed, or everyone voted — close at once)."""
        vote = await self.of_item(item)
        if vote.is_poll:
            return None
        tally = await self.tally(vote)
        eligible = len(tally.eligible)
        return closing.early_close(
            item, self.clock.now(), len(tally.non_voters), eligible, needed=eligible // 2 + 1
        )

    async def close(
        self,
        item: Item,
        actor: Member | int | None,
        stop: Stopper | None = None,
        at: datetime | None = None,
    ) -> Tally:
        """Close a vote now (stopping its poll first) and freeze its result; recorded as
        closed `at` (default now). `actor` is the closing seat (None: the deadline)."""
        actor_user_id = actor_id(actor)
        vote = await self.of_item(item)
        if not vote.is_open:
            raise DomainError("vote.already_closed", number=item.number)
        if vote.is_poll and stop is not None:
            final = await stop(vote)
            if final is not None and vote.anonymous:
                vote = await self.record_poll_counts(vote.poll_id, **final) or vote
        now = self.clock.now()
        async with self.db.transaction():  # no ballot slips in between tally and close
            await check_actor(self, actor)
            vote = await self.repo.get(item.id)
            if not vote.is_open:
                raise DomainError("vote.already_closed", number=item.number)
            tally = await self.tally(vote)
            outcome, snapshot = _frozen(tally)
            await self.repo.close(
                item.id, at or now, outcome=outcome, eligible_count=len(tally.eligible),
                result=snapshot, poll_counts=None,
            )  # fmt: skip
            await self.audit.add(
                item.committee_id, "vote.close", actor_user_id, now, item.id,
                before="open", after="closed", outcome=outcome, result=snapshot,
            )  # fmt: skip
        await self.events.item_changed(item.id)
        return await self.tally(await self.repo.get(item.id))

    async def close_due(
        self, now, stop: Stopper | None = None, committee_ids: Collection[int] | None = None
    ) -> list[Tally]:
        """Close every open vote whose deadline is at or before `now` (all committees, or those
        given); ballots stopped at the deadline, so that is when it is recorded as closed."""
        closed = []
        for item in await self.items.due_open("vote", now, committee_ids):
            try:
                closed.append(await self.close(item, None, stop, at=item.deadline))
            except DomainError:  # closed meanwhile by /close
                continue
        return closed
