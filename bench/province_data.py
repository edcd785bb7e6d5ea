"""Generate a province-scale database: 1,000 committees × 1,000 tasks, with everything around them.

Bulk `INSERT … SELECT` over recursive counters in ONE transaction on a plain sqlite3 connection
(journal off while generating): no Python per row. Values are arithmetic on the row number, so
the data is deterministic. The schema comes from the real migrations (`storage.migrate`).

Per committee (defaults): 15 seats (secretary, chair, deputy, 12 agencies; 9,000 distinct people
sitting on about 1.7 committees each), 1,000 tasks over two years (about 86 % done, 3 % cancelled,
the rest open or in progress, some overdue; a third with a cooperator; one progress note per
started task; an audit row per creation and per completion), 50 consultations (5 open, 10
opinions each), 30 votes (2 open, 10 ballots each), and the reminders rows the scheduler would
hold: one sent row per done task, up to three planned offsets per open task, one overdue row per
overdue task, a pending row per open consultation or vote, and the next weekly digest. Nothing is
due at NOW (Tue 2026-12-01 09:00 Hà Nội) unless `make_due` is called.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage.db import Database
from storage.migrate import migrate
from tests.factories import AGENCIES

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
NOW_TEXT = "2026-12-01T02:00:00Z"
SEATS = 15  # per committee: secretary, chair, deputy, then 12 agencies
PEOPLE = 9_000  # distinct users (a multiple of SEATS: one committee's seats are distinct people)
CONSULTATIONS = 50
VOTES = 30
OPEN_TAIL = 120  # the newest tasks of each committee are still open (plus a few old overdue ones)
ANSWERS = 10  # opinions per consultation, ballots per vote
DAY = 86_400


@dataclass(frozen=True)
class Shape:
    """How big: committees and tasks per committee."""

    committees: int = 1_000
    tasks: int = 1_000

    @property
    def items(self) -> int:
        """Item ids per committee (tasks, then consultations, then votes)."""
        return self.tasks + CONSULTATIONS + VOTES


# Every statement takes named parameters: :now, :committees, :tasks, :items, :seats, :people …
# Rows come from `n(i)`, a recursive counter; c = committee index, k = index within it.
COUNTER = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :count) "

STATEMENTS: list[tuple[str, str, str]] = [
    # (what, count expression, SQL after the counter)
    (
        "committees",
        "committees",
        "INSERT INTO committees (id, chat_id, title, timezone, language, next_number, created_by,"
        " created_at) SELECT i + 1, -1003000000000 - i, 'Ban Chỉ đạo số ' || (i + 1),"
        " 'Asia/Ho_Chi_Minh', 'vi', :items + 1, 100000 + (i * :seats) % :people,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', :now, '-800 days') FROM n",
    ),
    (
        "users",
        "people",
        "INSERT INTO users (user_id, username, full_name, updated_at)"
        " SELECT 100000 + i, 'canbo' || i, 'Cán bộ ' || i, :now FROM n",
    ),
    (
        "members",
        "seats_total",
        "INSERT INTO members (id, committee_id, user_id, username, full_name, role, agency,"
        " joined_at, updated_at)"
        " SELECT i + 1, i / :seats + 1, 100000 + i % :people, 'canbo' || (i % :people),"
        " 'Cán bộ ' || (i % :people),"
        " CASE i % :seats WHEN 0 THEN 'secretary' WHEN 1 THEN 'chair' WHEN 2 THEN 'deputy'"
        " ELSE 'member' END,"
        " CASE WHEN i % :seats >= 3 THEN"
        " (SELECT value FROM json_each(:agencies) WHERE key = (i % :seats - 3) % 12)"
        " WHEN i % :seats = 1 THEN 'UBND tỉnh' ELSE '' END,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', :now, '-790 days'), :now FROM n",
    ),
    # Tasks: k = i % tasks; created two years ago (k = 0) to 13 days ago (k = 999).
    (
        "task items",
        "tasks_total",
        "INSERT INTO items (id, committee_id, number, kind, title, status, deadline, created_by,"
        " created_at, updated_at, closed_at)"
        " SELECT id, c + 1, k + 1, 'task', 'Nhiệm vụ số ' || (k + 1) || ' của ban ' || (c + 1),"
        " status, deadline, 100000 + (c * :seats) % :people, created, COALESCE(closed, created),"
        " closed FROM ("
        "  SELECT *, CASE status WHEN 'done' THEN done WHEN 'cancelled' THEN deadline END AS closed"
        "  FROM (SELECT *, strftime('%Y-%m-%dT%H:%M:%SZ', :now, (created_s + 86400) || ' seconds')"
        "    AS started,"
        "    strftime('%Y-%m-%dT16:59:00Z', :now, (deadline_s + ((k * 13) % 7 - 4) * 86400)"
        "    || ' seconds') AS done"
        "   FROM (SELECT *,"
        "     strftime('%Y-%m-%dT%H:%M:%SZ', :now, created_s || ' seconds') AS created,"
        "     strftime('%Y-%m-%dT16:59:00Z', :now, deadline_s || ' seconds') AS deadline,"
        "     CASE WHEN k >= :tasks - :open_tail THEN"
        "      CASE WHEN k % 2 = 0 THEN 'in_progress' ELSE 'open' END"
        "     WHEN k % 50 = 7 THEN 'open' WHEN k % 33 = 0 THEN 'cancelled' ELSE 'done' END"
        "     AS status"
        "    FROM (SELECT c * :items + k + 1 AS id, c, k, -63072000 + k * (62000000 / :tasks)"
        "      AS created_s, -63072000 + k * (62000000 / :tasks) + (7 + (k * 37) % 60) * 86400"
        "      AS deadline_s FROM (SELECT i / :tasks AS c, i % :tasks AS k FROM n)))))",
    ),
    (
        "tasks",
        "tasks_total",
        "INSERT INTO tasks (item_id, progress, started_at, done_at)"
        " SELECT id, CASE status WHEN 'done' THEN 100 WHEN 'in_progress' THEN 5 + (number * 7) % 90"
        " ELSE 0 END,"
        " CASE WHEN status IN ('done', 'in_progress') THEN"
        " strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+1 day') END,"
        " CASE status WHEN 'done' THEN closed_at END"
        " FROM items WHERE kind = 'task'",
    ),
    (
        "task leads",
        "tasks_total",
        "INSERT INTO task_assignees (item_id, member_id, is_lead)"
        " SELECT c * :items + k + 1, c * :seats + 3 + k % 12 + 1, 1"
        " FROM (SELECT i / :tasks AS c, i % :tasks AS k FROM n)",
    ),
    (
        "task cooperators",
        "tasks_total",
        "INSERT INTO task_assignees (item_id, member_id, is_lead)"
        " SELECT c * :items + k + 1, c * :seats + 3 + (k + 5) % 12 + 1, 0"
        " FROM (SELECT i / :tasks AS c, i % :tasks AS k FROM n) WHERE k % 3 = 0",
    ),
    (
        "task notes",
        "tasks_total",
        "INSERT INTO task_notes (item_id, user_id, percent, note, at)"
        " SELECT item_id, NULL, progress, 'Đã triển khai', started_at FROM tasks"
        " WHERE started_at IS NOT NULL",
    ),
    (
        "audit (created)",
        "tasks_total",
        "INSERT INTO audit_log (committee_id, item_id, actor_user_id, action, details, at)"
        " SELECT committee_id, id, created_by, 'task.create',"
        " json_object('number', number, 'title', title, 'deadline', deadline), created_at"
        " FROM items WHERE kind = 'task'",
    ),
    (
        "audit (done)",
        "tasks_total",
        "INSERT INTO audit_log (committee_id, item_id, actor_user_id, action, details, at)"
        " SELECT committee_id, id, created_by, 'task.done',"
        " json_object('before', json_object('status', 'in_progress'),"
        " 'after', json_object('status', 'done')), closed_at"
        " FROM items WHERE kind = 'task' AND status = 'done'",
    ),
    # Consultations: q = 0..49, the last 5 open (deadline ahead), others closed long ago.
    (
        "consultation items",
        "consultations_total",
        "INSERT INTO items (id, committee_id, number, kind, title, status, deadline, created_by,"
        " created_at, updated_at, closed_at)"
        " SELECT c * :items + :tasks + q + 1, c + 1, :tasks + q + 1, 'consultation',"
        " 'Xin ý kiến số ' || (q + 1),"
        " CASE WHEN q >= 45 THEN 'open' ELSE 'closed' END,"
        " strftime('%Y-%m-%dT16:59:00Z', :now, days || ' days'),"
        " 100000 + (c * :seats) % :people,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', :now, (days - 14) || ' days'), :now,"
        " CASE WHEN q < 45 THEN strftime('%Y-%m-%dT16:59:00Z', :now, days || ' days') END"
        " FROM (SELECT c, q, CASE WHEN q >= 45 THEN (q - 45) * 3 + 2 ELSE (q - 45) * 7 END AS days"
        " FROM (SELECT i / 50 AS c, i % 50 AS q FROM n))",
    ),
    (
        "consultations",
        "consultations_total",
        "INSERT INTO consultations (item_id, silence_agree, eligible_count)"
        " SELECT id, 1, CASE status WHEN 'closed' THEN 13 END FROM items"
        " WHERE kind = 'consultation'",
    ),
    (
        "opinions",
        "consultations_total",
        "INSERT INTO opinions (item_id, member_id, answer, text, at)"
        " SELECT items.id, (items.committee_id - 1) * :seats + 3 + r.value + 1,"
        " CASE WHEN r.value % 4 = 3 THEN 'agree_with_comments' ELSE 'agree' END,"
        " CASE WHEN r.value % 4 = 3 THEN 'Đề nghị bổ sung số liệu' ELSE '' END, items.created_at"
        " FROM items JOIN json_each(:answers) AS r WHERE items.kind = 'consultation'"
        "",
    ),
    # Votes: v = 0..29, the last 2 open.
    (
        "vote items",
        "votes_total",
        "INSERT INTO items (id, committee_id, number, kind, title, status, deadline, created_by,"
        " created_at, updated_at, closed_at)"
        " SELECT c * :items + :tasks + 50 + v + 1, c + 1, :tasks + 50 + v + 1, 'vote',"
        " 'Biểu quyết số ' || (v + 1), CASE WHEN v >= 28 THEN 'open' ELSE 'closed' END,"
        " strftime('%Y-%m-%dT16:59:00Z', :now, days || ' days'),"
        " 100000 + (c * :seats) % :people,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', :now, (days - 3) || ' days'), :now,"
        " CASE WHEN v < 28 THEN strftime('%Y-%m-%dT16:59:00Z', :now, days || ' days') END"
        " FROM (SELECT c, v, CASE WHEN v >= 28 THEN (v - 28) * 2 + 1 ELSE (v - 28) * 20 END AS days"
        " FROM (SELECT i / 30 AS c, i % 30 AS v FROM n))",
    ),
    (
        "votes",
        "votes_total",
        "INSERT INTO votes (item_id, mode, eligible_count, outcome)"
        " SELECT id, 'motion', CASE status WHEN 'closed' THEN 13 END,"
        " CASE status WHEN 'closed' THEN 'passed' END FROM items"
        " WHERE kind = 'vote'",
    ),
    (
        "ballots",
        "votes_total",
        "INSERT INTO ballots (item_id, member_id, user_id, choice, at)"
        " SELECT items.id, m.id, m.user_id,"
        " CASE WHEN r.value = 9 THEN '\"against\"' ELSE '\"for\"' END, items.created_at"
        " FROM items JOIN json_each(:answers) AS r"
        " JOIN members m ON m.id = (items.committee_id - 1) * :seats + 3 + r.value + 1"
        " WHERE items.kind = 'vote'",
    ),
    # Reminders, as the scheduler would have left them.
    (
        "reminders (sent)",
        "tasks_total",
        "INSERT INTO reminders (committee_id, item_id, kind, seq, deadline, planned_at, due_at,"
        " created_at, sent_at, recipients)"
        " SELECT committee_id, id, 'task_offset', 86400, deadline,"
        " strftime('%Y-%m-%dT01:00:00Z', deadline, '-1 day'),"
        " strftime('%Y-%m-%dT01:00:00Z', deadline, '-1 day'), created_at,"
        " strftime('%Y-%m-%dT01:00:05Z', deadline, '-1 day'), '[]'"
        " FROM items WHERE kind = 'task' AND status = 'done'",
    ),
    (
        "reminders (planned)",
        "tasks_total",
        "INSERT INTO reminders (committee_id, item_id, kind, seq, deadline, planned_at, due_at,"
        " created_at)"
        " SELECT committee_id, id, 'task_offset', o.value * 86400, deadline, due, due, :now FROM ("
        "  SELECT items.*, o.value,"
        "   strftime('%Y-%m-%dT01:00:00Z', deadline, '-' || o.value || ' days') AS due"
        "  FROM items JOIN json_each('[3, 1, 0]') AS o"
        "  WHERE kind = 'task' AND status IN ('open', 'in_progress') AND deadline > :now"
        " ) AS o WHERE due > :now",
    ),
    (
        "reminders (overdue)",
        "tasks_total",
        "INSERT INTO reminders (committee_id, item_id, kind, seq, deadline, planned_at, due_at,"
        " created_at)"
        " SELECT committee_id, id, 'task_overdue', 1, deadline,"
        " strftime('%Y-%m-%dT01:00:00Z', :now, '+' || (1 + id % 5) || ' days'),"
        " strftime('%Y-%m-%dT01:00:00Z', :now, '+' || (1 + id % 5) || ' days'), :now"
        " FROM items WHERE kind = 'task' AND status IN ('open', 'in_progress')"
        " AND deadline <= :now",
    ),
    (
        "reminders (pending)",
        "committees",
        "INSERT INTO reminders (committee_id, item_id, kind, seq, deadline, planned_at, due_at,"
        " created_at)"
        " SELECT committee_id, id, 'pending', 1, deadline,"
        " strftime('%Y-%m-%dT01:00:00Z', deadline), strftime('%Y-%m-%dT01:00:00Z', deadline), :now"
        " FROM items WHERE kind IN ('consultation', 'vote') AND status = 'open'"
        " AND deadline > :now",
    ),
    (
        "reminders (digest)",
        "committees",
        "INSERT INTO reminders (committee_id, kind, seq, planned_at, due_at, created_at)"
        " SELECT i + 1, 'digest', 20261207, '2026-12-07T01:00:00Z', '2026-12-07T01:00:00Z', :now"
        " FROM n",
    ),
]


def _params(shape: Shape, count: int) -> dict:
    return {
        "count": count,
        "now": NOW_TEXT,
        "committees": shape.committees,
        "tasks": shape.tasks,
        "items": shape.items,
        "seats": SEATS,
        "people": PEOPLE,
        "open_tail": OPEN_TAIL,
        "agencies": json.dumps(AGENCIES),
        "answers": json.dumps(list(range(ANSWERS))),
    }


def _counts(shape: Shape) -> dict[str, int]:
    return {
        "committees": shape.committees,
        "people": PEOPLE,
        "seats_total": shape.committees * SEATS,
        "tasks_total": shape.committees * shape.tasks,
        "consultations_total": shape.committees * CONSULTATIONS,
        "votes_total": shape.committees * VOTES,
    }


def generate(path: Path, shape: Shape) -> dict[str, float]:
    """Build the database at `path` (replacing it); return seconds per step and the total."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()

    async def schema() -> None:
        db = await Database.open(path)
        await migrate(db)
        await db.close()

    asyncio.run(schema())
    timings: dict[str, float] = {"schema (migrations)": time.perf_counter() - started}
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")  # generation only: one transaction, nothing to undo
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")  # 256 MiB while building indexes
    counts = _counts(shape)
    conn.execute("BEGIN")
    for what, count, sql in STATEMENTS:
        step = time.perf_counter()
        conn.execute(COUNTER + sql, _params(shape, counts[count]))
        timings[what] = time.perf_counter() - step
    conn.execute("COMMIT")
    step = time.perf_counter()
    conn.execute("ANALYZE")
    timings["ANALYZE"] = time.perf_counter() - step
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    timings["total"] = time.perf_counter() - started
    return timings


def table_sizes(path: Path) -> dict[str, int]:
    """Row counts of the big tables, and the file size in MiB."""
    conn = sqlite3.connect(path)
    names = [
        "committees",
        "members",
        "items",
        "tasks",
        "task_assignees",
        "task_notes",
        "audit_log",
        "opinions",
        "ballots",
        "reminders",
    ]
    sizes = {}
    for name in names:
        sizes[name] = conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
    conn.close()
    sizes["file MiB"] = round(path.stat().st_size / 2**20)
    return sizes


def make_due(path: Path, how_many: int) -> list[int]:
    """Move `how_many` planned task reminders (one per committee) to be due just before NOW."""
    conn = sqlite3.connect(path, isolation_level=None)
    rows = conn.execute(
        "SELECT min(r.id) FROM reminders r JOIN items i ON i.id = r.item_id"
        " WHERE r.kind IN ('task_offset', 'task_overdue') AND r.sent_at IS NULL"
        " AND r.cancelled_at IS NULL"
        " GROUP BY r.committee_id ORDER BY r.committee_id LIMIT ?",
        (how_many,),
    ).fetchall()
    ids = [r[0] for r in rows]
    conn.execute(
        "UPDATE reminders SET due_at = ?, planned_at = ?"
        " WHERE id IN (SELECT value FROM json_each(?))",
        ("2026-12-01T01:59:00Z", "2026-12-01T01:59:00Z", json.dumps(ids)),
    )
    conn.close()
    return ids
