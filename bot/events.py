"""In-process notifications between services: "item N changed" → the scheduler replans it."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)

Listener = Callable[[int], Awaitable[None]]
Fields = frozenset[str] | None  # names of the changed columns; None: anything may have changed

# Items changed inside the running guarded call (id → fields), announced once it committed.
_DEFERRED: contextvars.ContextVar[dict[int, Fields] | None] = contextvars.ContextVar(
    "deferred_item_changes", default=None
)


class Events:
    """Services call `item_changed` after every committed change to an item."""

    def __init__(self) -> None:
        self._listeners: list[tuple[Listener, Fields]] = []

    def on_item_changed(self, listener: Listener, watches: Iterable[str] | None = None) -> None:
        """Subscribe to item changes (listeners get the item id); `watches` names the only
        columns whose change can matter to the listener (None: every change)."""
        self._listeners.append((listener, None if watches is None else frozenset(watches)))

    async def item_changed(self, item_id: int, fields: Iterable[str] | None = None) -> None:
        """Tell listeners that item `item_id` was created, changed, finished or closed; `fields`
        names the columns that changed, when the caller knows exactly (None: anything)."""
        changed = None if fields is None else frozenset(fields)
        deferred = _DEFERRED.get()
        if deferred is not None:  # inside a guarded call: after its commit
            if item_id in deferred:
                changed = _union(deferred[item_id], changed)
            deferred[item_id] = changed
            return
        for listener, watches in self._listeners:
            if changed is None or watches is None or changed & watches:
                await listener(item_id)

    @asynccontextmanager
    async def deferred(self) -> AsyncIterator[None]:
        """Hold `item_changed` until the block ends well (nothing is announced on an error)."""
        if _DEFERRED.get() is not None:
            yield
            return
        changed: dict[int, Fields] = {}
        token = _DEFERRED.set(changed)
        try:
            yield
        finally:
            _DEFERRED.reset(token)
        for item_id, fields in changed.items():
            await self.item_changed(item_id, fields)


def _union(a: Fields, b: Fields) -> Fields:
    return None if a is None or b is None else a | b
