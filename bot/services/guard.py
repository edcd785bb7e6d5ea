"""Check-then-act inside one transaction (issue 19, point 6): a guarded service call reads,
checks and writes in one `db.transaction()`, so two concurrent calls (`/done` and `/cancel` of
one task) run one after the other, the second seeing the first's result.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from bot.errors import DomainError
from bot.events import Events
from storage.members import Member

_NO_EVENTS = Events()


def guarded(method: Callable) -> Callable:
    """Run a service change with its checks in one transaction; listeners hear of it after.

    The acting seat (a `Member` among the first two arguments: the one the gate checked before
    the transaction) is read again inside it: a seat removed or given another role in the
    meantime acts no more. The service needs `self.db` (and `self.members`, `self.events` when
    it has them).
    """

    @functools.wraps(method)
    async def run(self, *args, **kwargs):
        events = getattr(self, "events", None) or _NO_EVENTS
        async with events.deferred(), self.db.transaction():
            await _check_actor(self, args[:2])
            return await method(self, *args, **kwargs)

    return run


def actor_id(actor: Member | int | None) -> int | None:
    """The user id of an actor given as a seat (checked again by `guarded`) or as a user id."""
    return actor.user_id if isinstance(actor, Member) else actor


async def check_actor(service, actor: Member | int | None) -> None:
    """Inside a transaction: refuse if the seat the gate checked has changed meanwhile."""
    await _check_actor(service, (actor,))


async def _check_actor(service, args: tuple) -> None:
    members = getattr(service, "members", None)
    actor = next((a for a in args if isinstance(a, Member)), None)
    if members is None or actor is None:
        return
    now = await members.get(actor.id)
    if now is None or (now.active, now.role, now.user_id) != (
        actor.active,
        actor.role,
        actor.user_id,
    ):  # what the gate saw is no longer so (the service's own checks refuse the rest)
        raise DomainError("common.seat_changed")
