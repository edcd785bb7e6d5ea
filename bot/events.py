"""In-process notifications between services: "item N changed" → the scheduler replans it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Listener = Callable[[int], Awaitable[None]]


class Events:
    """Services call `item_changed` after every committed change to an item."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def on_item_changed(self, listener: Listener) -> None:
        """Subscribe to item changes (listeners get the item id)."""
        self._listeners.append(listener)

    async def item_changed(self, item_id: int) -> None:
        """Tell every listener that item `item_id` was created, changed, finished or closed."""
        for listener in self._listeners:
            await listener(item_id)
