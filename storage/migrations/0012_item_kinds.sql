-- foreign_keys: off
-- Meetings (issue 15) and report collections (issue 16) are items too, sharing the committee's
-- #N sequence, and have reminders of their own. SQLite cannot change a CHECK constraint in place,
-- so items and reminders are rebuilt the documented way (sqlite.org/lang_altertable.html, "other
-- kinds of table schema changes"): foreign keys off for this migration only (see the first line,
-- read by storage/migrate.py), create the new table, copy, drop the old one, rename, recreate its
-- indexes and the views that read it, and check every foreign key before committing.
DROP VIEW task_rows;
DROP VIEW electorate;

CREATE TABLE items_new (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('task', 'consultation', 'vote', 'meeting', 'collection')),
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    deadline TEXT,
    document_file_id TEXT,
    document_name TEXT,
    document_url TEXT,
    message_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    UNIQUE (committee_id, number)
);
INSERT INTO items_new (id, committee_id, number, kind, title, status, deadline, document_file_id,
                       document_name, document_url, message_id, created_by, created_at,
                       updated_at, closed_at)
SELECT id, committee_id, number, kind, title, status, deadline, document_file_id, document_name,
       document_url, message_id, created_by, created_at, updated_at, closed_at
FROM items;
DROP TABLE items;
ALTER TABLE items_new RENAME TO items;
CREATE INDEX items_open ON items(committee_id, kind, status, deadline);
CREATE INDEX items_deadline ON items(committee_id, deadline);
CREATE INDEX items_due ON items(kind, status, deadline);

CREATE TABLE reminders_new (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    item_id INTEGER REFERENCES items(id),
    kind TEXT NOT NULL CHECK (kind IN ('task_offset', 'task_overdue', 'pending', 'digest', 'adhoc',
                                       'meeting', 'collection')),
    seq INTEGER NOT NULL DEFAULT 0,
    deadline TEXT,
    planned_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    late INTEGER NOT NULL DEFAULT 0,
    recipients TEXT NOT NULL DEFAULT '[]',
    message_id INTEGER,
    cancelled_at TEXT,
    cancel_reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
INSERT INTO reminders_new (id, committee_id, item_id, kind, seq, deadline, planned_at, due_at,
                           text, created_by, created_at, sent_at, late, recipients, message_id,
                           cancelled_at, cancel_reason, attempts, last_error)
SELECT id, committee_id, item_id, kind, seq, deadline, planned_at, due_at, text, created_by,
       created_at, sent_at, late, recipients, message_id, cancelled_at, cancel_reason, attempts,
       last_error
FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_new RENAME TO reminders;
CREATE INDEX reminders_due ON reminders(due_at, id)
    WHERE sent_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX reminders_item ON reminders(item_id, kind) WHERE item_id IS NOT NULL;
CREATE INDEX reminders_scheduled ON reminders(committee_id, due_at)
    WHERE sent_at IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX reminders_one_unsent ON reminders(item_id, kind, seq, deadline)
    WHERE sent_at IS NULL AND cancelled_at IS NULL AND item_id IS NOT NULL;
CREATE UNIQUE INDEX reminders_one_digest ON reminders(committee_id)
    WHERE kind = 'digest' AND sent_at IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX reminders_adhoc_number ON reminders(committee_id, seq) WHERE kind = 'adhoc';

-- The views exactly as 0002 and 0008 made them.
CREATE VIEW task_rows AS
SELECT items.*, tasks.description, tasks.progress, tasks.started_at, tasks.done_at,
       (SELECT member_id FROM task_assignees a WHERE a.item_id = items.id AND a.is_lead = 1)
           AS lead_id,
       (SELECT json_group_array(member_id) FROM task_assignees a
         WHERE a.item_id = items.id AND a.is_lead = 0) AS cooperator_ids
  FROM items JOIN tasks ON tasks.item_id = items.id;

CREATE VIEW electorate AS
SELECT c.item_id AS item_id, CAST(j.value AS INTEGER) AS member_id
FROM consultations c, json_each(c.electorate) j
WHERE c.electorate IS NOT NULL
UNION ALL
SELECT v.item_id, CAST(j.value AS INTEGER)
FROM votes v, json_each(v.result, '$.eligible') j
WHERE v.result IS NOT NULL
UNION ALL
SELECT i.id, m.id
FROM items i
JOIN members m ON m.committee_id = i.committee_id AND m.active = 1
    AND m.role IN ('chair', 'standing_deputy', 'deputy', 'member')
LEFT JOIN consultations c ON c.item_id = i.id
LEFT JOIN votes v ON v.item_id = i.id
WHERE i.kind IN ('consultation', 'vote') AND c.electorate IS NULL AND v.result IS NULL;
