"""The four timeliness classes, with their boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.timeliness import Timeliness, timeliness

D = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "deadline", "done_at", "now", "expected"),
    [
        ("done", D, D, D + H, Timeliness.DONE_ON_TIME),
        ("done", D, D + timedelta(seconds=1), D + H, Timeliness.DONE_LATE),
        ("done", None, D, D + H, Timeliness.DONE_ON_TIME),
        ("open", D, None, D, Timeliness.OPEN_ON_TIME),
        ("in_progress", D, None, D + timedelta(seconds=1), Timeliness.OPEN_OVERDUE),
        ("open", None, None, D + 1000 * H, Timeliness.OPEN_ON_TIME),
        ("cancelled", D, None, D + H, None),
        # judged at a period's end: done later counts as still open then
        ("done", D, D + 2 * H, D + H, Timeliness.OPEN_OVERDUE),
        ("done", D, D - H, D - 2 * H, Timeliness.OPEN_ON_TIME),
    ],
)
def test_classes(status, deadline, done_at, now, expected):
    assert timeliness(status, deadline, done_at, now) is expected


@pytest.mark.parametrize(
    ("on_time", "late", "overdue", "open_ok", "mark"),
    [
        (0, 0, 0, 5, "green"),
        (4, 0, 0, 0, "green"),
        (3, 1, 0, 0, "amber"),
        (3, 0, 1, 9, "amber"),
        (1, 1, 0, 0, "red"),
        (0, 0, 1, 0, "red"),
        (2, 1, 2, 0, "red"),
    ],
)
def test_agency_mark(on_time, late, overdue, open_ok, mark):
    from bot.timeliness import agency_mark

    counts = {
        Timeliness.DONE_ON_TIME: on_time,
        Timeliness.DONE_LATE: late,
        Timeliness.OPEN_OVERDUE: overdue,
        Timeliness.OPEN_ON_TIME: open_ok,
    }
    assert agency_mark(counts) == mark
