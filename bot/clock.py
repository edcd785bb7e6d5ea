"""Injectable clock: the only place the code asks what time it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall clock in UTC."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware in UTC, to the second."""
        return datetime.now(UTC).replace(microsecond=0)


class FakeClock(Clock):
    """A clock that tests move by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the frozen time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` (aware)."""
        self._now = when.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        """Move forward by a timedelta given as keywords; return the new time."""
        self._now += timedelta(**delta)
        return self._now
