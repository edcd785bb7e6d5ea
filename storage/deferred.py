"""Writes that may wait for the next commit (`Database.defer`): marks whose loss at a kill only
repeats something harmless, such as "this read-only update was processed" or "this message was
sent" (the reply or message comes again after the restart)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFER_DELAY = 0.5  # seconds: when no other commit came, the deferred writes commit by themselves


@dataclass(frozen=True)
class Deferred:
    """One statement waiting for a commit, and what to call once it has committed."""

    sql: str
    params: tuple[Any, ...]
    done: Callable[[], None] | None = None


class DeferredWrites:
    """The queue: taken by a committing transaction, put back if it rolls back."""

    def __init__(self) -> None:
        self.items: list[Deferred] = []

    def add(self, item: Deferred) -> None:
        """Queue a statement."""
        self.items.append(item)

    def take(self) -> list[Deferred]:
        """Everything queued, for the transaction about to commit."""
        items, self.items = self.items, []
        return items

    def put_back(self, items: list[Deferred]) -> None:
        """The transaction that took them did not commit: they wait for the next one."""
        self.items[:0] = items

    @staticmethod
    def committed(items: list[Deferred]) -> None:
        """Tell their owners they are durable."""
        for item in items:
            if item.done is not None:
                item.done()
