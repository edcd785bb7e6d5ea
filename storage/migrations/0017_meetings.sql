-- Meetings (phiên họp, issue 15): place, agenda and pre-reads, attendance, conclusions.
-- The meeting's start is items.deadline (so a rescheduled meeting's reminders go stale like a
-- task's); items.status is 'open', 'held' (conclusions recorded) or 'cancelled'.
CREATE TABLE meetings (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    place TEXT NOT NULL DEFAULT '',
    sequence INTEGER NOT NULL DEFAULT 0,     -- the .ics SEQUENCE: raised on every change of time
    cancel_reason TEXT
);

-- Agenda lines (kind 'line') and pre-read documents (kind 'preread'), in the order added.
CREATE TABLE meeting_agenda (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    kind TEXT NOT NULL CHECK (kind IN ('line', 'preread')),
    text TEXT NOT NULL DEFAULT '',
    file_id TEXT,
    added_by INTEGER,
    added_at TEXT NOT NULL
);
CREATE INDEX meeting_agenda_item ON meeting_agenda(item_id, id);

-- Each invitee's current answer (the audit log keeps every change).
CREATE TABLE meeting_attendance (
    item_id INTEGER NOT NULL REFERENCES items(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    status TEXT NOT NULL CHECK (status IN ('attend', 'standin', 'absent')),
    detail TEXT NOT NULL DEFAULT '',         -- who stands in, or the reason for absence
    at TEXT NOT NULL,
    PRIMARY KEY (item_id, member_id)
);

-- A stand-in's name or an absence reason the bot waits for (a reply in the group, or the next
-- private message).
CREATE TABLE meeting_prompts (
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items(id),
    status TEXT NOT NULL CHECK (status IN ('standin', 'absent')),
    prompt_message_id INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, chat_id)
);
CREATE INDEX meeting_prompts_message ON meeting_prompts(chat_id, prompt_message_id);

-- Conclusions, in order; task_item_id is the task a conclusion with a person and a date became.
CREATE TABLE meeting_conclusions (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    text TEXT NOT NULL,
    task_item_id INTEGER REFERENCES items(id),
    created_at TEXT NOT NULL
);
CREATE INDEX meeting_conclusions_item ON meeting_conclusions(item_id, id);
CREATE UNIQUE INDEX meeting_conclusions_task ON meeting_conclusions(task_item_id)
    WHERE task_item_id IS NOT NULL;

-- A /conclude waiting for the secretary's confirmation (the parsed lines as JSON).
CREATE TABLE meeting_drafts (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    created_by INTEGER NOT NULL,
    lines TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT
);
