"""Writes that may wait for the next commit (`Database.defer`): marks whose loss at a kill only
repeats something harmless, such as "this read-only update was processed" or "this message was
sent" (the reply or message comes again after the restart)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DEFER_DELAY = 0.5  # seconds: when no other commit came, the deferred writes commit by themselves


@dataclass(frozen=True)
class Deferred:
    """One statement waiting for a commit, and what to call once it has committed."""

    sql: str
    params: tuple[Any, ...]
    done: Callable[[], None] | None = None
    lazy: bool = False  # only rides others' commits (or the timer's): `write_deferred` skips it


class DeferredWrites:
    """The queue: taken by a committing transaction, put back if it rolls back; when no commit
    takes it within DEFER_DELAY seconds, `write()` (a transaction of its own) is called."""

    def __init__(self, write: Callable[[], Awaitable[None]]) -> None:
        self.items: list[Deferred] = []
        self._write = write
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task | None = None

    def add(self, item: Deferred) -> None:
        """Queue a statement (and make sure it commits within DEFER_DELAY)."""
        self.items.append(item)
        self._arm()

    def take(self) -> list[Deferred]:
        """Everything queued, for the transaction about to commit."""
        items, self.items = self.items, []
        return items

    def put_back(self, items: list[Deferred]) -> None:
        """The transaction that took them did not commit: they wait for the next one."""
        self.items[:0] = items
        if items:
            self._arm()

    @staticmethod
    def committed(items: list[Deferred]) -> None:
        """Tell their owners they are durable."""
        for item in items:
            if item.done is not None:
                item.done()

    async def close(self) -> None:
        """Stop the timer and let a write in progress end."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._task is not None:
            await self._task

    def _arm(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(DEFER_DELAY, self._due)

    def _due(self) -> None:
        self._timer = None
        if self.items and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            await self._write()
        except Exception:
            log.exception("committing deferred writes failed")
        finally:
            self._task = None
        if self.items:  # not written (a failure, or a transaction that took them rolled back)
            self._arm()
