"""In-process notifications between services: "item N changed" → the scheduler replans it."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)

Listener = Callable[[int], Awaitable[None]]

# Item ids changed inside the running guarded call, announced once its transaction committed.
_DEFERRED: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "deferred_item_changes", default=None
)


class Events:
    """Services call `item_changed` after every committed change to an item."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def on_item_changed(self, listener: Listener) -> None:
        """Subscribe to item changes (listeners get the item id)."""
        self._listeners.append(listener)

    async def item_changed(self, item_id: int) -> None:
        """Tell every listener that item `item_id` was created, changed, finished or closed."""
        deferred = _DEFERRED.get()
        if deferred is not None:  # inside a guarded call: after its commit
            deferred.append(item_id)
            return
        for listener in self._listeners:
            await listener(item_id)

    @asynccontextmanager
    async def deferred(self) -> AsyncIterator[None]:
        """Hold `item_changed` until the block ends well (nothing is announced on an error)."""
        if _DEFERRED.get() is not None:
            yield
            return
        changed: list[int] = []
        token = _DEFERRED.set(changed)
        try:
            yield
        finally:
            _DEFERRED.reset(token)
        for item_id in dict.fromkeys(changed):
            await self.item_changed(item_id)
