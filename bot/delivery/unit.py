"""The unit of work one update runs in: `Database.unit()` (storage/db.py).

STAND-IN (to be removed when `Database.unit()` is on main): until then `_StandInUnit` runs the
`before_commit` callables in their own transaction right after a successful block. That keeps
the shape of the code but is not atomic: a kill between a handler's own commit and that second
transaction processes the update again after a restart.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from storage.db import Database


class Unit(Protocol):
    """What the delivery layer needs of a unit of work."""

    def before_commit(self, fn: Callable[[], Any]) -> None:
        """Run `fn` inside the unit's transaction just before COMMIT."""


def unit_of(db: Database) -> AbstractAsyncContextManager[Unit]:
    """`db.unit()`, or the stand-in while the database has none."""
    unit = getattr(db, "unit", None)
    if unit is not None:
        return unit()
    return _StandInUnit(db)


class _StandInUnit:
    """STAND-IN for `Database.unit()`: hooks run in a transaction of their own after the block."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.hooks: list[Callable[[], Any]] = []

    def before_commit(self, fn: Callable[[], Any]) -> None:
        """Register `fn` (sync or async)."""
        self.hooks.append(fn)

    async def __aenter__(self) -> _StandInUnit:
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None and self.hooks:
            async with self.db.transaction():
                for fn in self.hooks:
                    result = fn()
                    if inspect.isawaitable(result):
                        await result
        return False
