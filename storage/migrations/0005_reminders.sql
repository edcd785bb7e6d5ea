-- Reminders: every automatic or ad-hoc message the bot will send, as rows (the source of truth;
-- the JobQueue only wakes the sweep). A row is due while sent_at and cancelled_at are NULL.
-- kind/seq: task_offset (seq = offset in seconds), task_overdue (seq = n-th overdue reminder),
-- pending (seq 0 = one working day before, 1 = morning of the deadline), digest (seq = local date
-- of the scheduled digest as YYYYMMDD), adhoc (seq = the number shown by /reminders).
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    item_id INTEGER REFERENCES items(id),
    kind TEXT NOT NULL CHECK (kind IN ('task_offset', 'task_overdue', 'pending', 'digest', 'adhoc')),
    seq INTEGER NOT NULL DEFAULT 0,
    deadline TEXT,                          -- the item's deadline this row was planned for
    planned_at TEXT NOT NULL,               -- when it should go out; sent well after = late
    due_at TEXT NOT NULL,                   -- when the sweep takes it (moves on when deferred)
    text TEXT NOT NULL DEFAULT '',          -- ad-hoc reminders: what to say
    created_by INTEGER,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    late INTEGER NOT NULL DEFAULT 0,
    recipients TEXT NOT NULL DEFAULT '[]',  -- member ids mentioned when it was sent
    message_id INTEGER,
    cancelled_at TEXT,
    cancel_reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);

-- The sweep reads only due rows: its cost grows with them, not with the table.
CREATE INDEX reminders_due ON reminders(due_at, id)
    WHERE sent_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX reminders_item ON reminders(item_id, kind) WHERE item_id IS NOT NULL;
CREATE INDEX reminders_scheduled ON reminders(committee_id, due_at)
    WHERE sent_at IS NULL AND cancelled_at IS NULL;
-- Replanning twice never plans the same reminder twice.
CREATE UNIQUE INDEX reminders_one_unsent ON reminders(item_id, kind, seq, deadline)
    WHERE sent_at IS NULL AND cancelled_at IS NULL AND item_id IS NOT NULL;
CREATE UNIQUE INDEX reminders_one_digest ON reminders(committee_id)
    WHERE kind = 'digest' AND sent_at IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX reminders_adhoc_number ON reminders(committee_id, seq) WHERE kind = 'adhoc';

-- One weekly digest per committee and week (the local date it was scheduled for).
CREATE TABLE digest_posts (
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    week TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, week)
);

-- Small scheduler bookkeeping (e.g. the last audit row whose settings change was replanned).
CREATE TABLE scheduler_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
