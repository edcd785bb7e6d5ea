"""The unit of work of one update: its state and callbacks (`Database.unit` drives it)."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any, ClassVar


class Unit:
    """One update's unit of work, owned by the task that opened it."""

    # The running task's unit. A child task inherits the value but not the unit: `current_unit`
    # checks the owner.
    var: ClassVar[contextvars.ContextVar[Unit | None]] = contextvars.ContextVar(
        "db_unit", default=None
    )

    def __init__(self, task: asyncio.Task | None) -> None:
        self.task = task
        self.wrote = False  # True once the unit's transaction has begun
        self.callbacks: list[Callable[[], Any]] = []
        self.after: list[Callable[[], Any]] = []
        self.reads: dict[tuple[str, tuple], Any] = {}  # `Database.fetchone_once`, until it writes

    def before_commit(self, fn: Callable[[], Any]) -> None:
        """Run `fn()` (sync or async, no arguments) at the unit's successful end, inside it.

        Its writes join the unit's transaction (beginning it if the body wrote nothing), so they
        commit together with the body's. `self.wrote` tells whether the body wrote.
        """
        self.callbacks.append(fn)

    def after_commit(self, fn: Callable[[], Any]) -> None:
        """Run `fn()` (sync or async) once the unit has committed (or ended without writing);
        never after a rollback. The same callable registered twice runs once."""
        if fn not in self.after:
            self.after.append(fn)


def current_unit() -> Unit | None:
    """The running task's own unit of work, if any."""
    unit = Unit.var.get()
    return unit if unit is not None and unit.task is asyncio.current_task() else None
