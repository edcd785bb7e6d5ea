-- Tasks: one lead and any cooperating members, progress notes, extension requests.
CREATE TABLE tasks (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    description TEXT NOT NULL DEFAULT '',
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    started_at TEXT,
    done_at TEXT
);
CREATE INDEX tasks_done ON tasks(done_at);

CREATE TABLE task_assignees (
    item_id INTEGER NOT NULL REFERENCES items(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    is_lead INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, member_id)
);
CREATE INDEX task_assignees_member ON task_assignees(member_id, item_id);

CREATE TABLE task_notes (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    user_id INTEGER,
    percent INTEGER,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX task_notes_item ON task_notes(item_id, id);

CREATE TABLE extension_requests (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    requested_by INTEGER NOT NULL,
    old_deadline TEXT,
    new_deadline TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by INTEGER,
    decided_at TEXT,
    decision_reason TEXT,
    message_id INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX extension_requests_item ON extension_requests(item_id, status);

-- A task with its item columns and assignees (cooperators as a JSON array), for reading.
CREATE VIEW task_rows AS
SELECT items.*, tasks.description, tasks.progress, tasks.started_at, tasks.done_at,
       (SELECT member_id FROM task_assignees a WHERE a.item_id = items.id AND a.is_lead = 1)
           AS lead_id,
       (SELECT json_group_array(member_id) FROM task_assignees a
         WHERE a.item_id = items.id AND a.is_lead = 0) AS cooperator_ids
  FROM items JOIN tasks ON tasks.item_id = items.id;
