-- Committees, people, their roster, the shared item sequence and the audit log.
CREATE TABLE committees (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL UNIQUE,
    thread_id INTEGER,
    title TEXT NOT NULL,
    timezone TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('vi', 'en')),
    workdays TEXT NOT NULL DEFAULT '0,1,2,3,4',          -- Python weekdays, Mon=0
    quiet_start TEXT DEFAULT '21:00',                     -- NULL = no quiet hours
    quiet_end TEXT DEFAULT '07:00',
    reminder_offsets TEXT NOT NULL DEFAULT '3d,1d,0d',   -- '' = off
    digest_weekday INTEGER DEFAULT 0,                     -- NULL = digest off
    digest_time TEXT DEFAULT '08:00',
    silence_agree INTEGER NOT NULL DEFAULT 1,
    next_number INTEGER NOT NULL DEFAULT 1,
    active INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER,
    created_at TEXT NOT NULL
);

-- A Telegram person across committees: language, whether DMs reach them.
CREATE TABLE users (
    user_id INTEGER PRIMARY KEY,
    username TEXT,
    full_name TEXT NOT NULL DEFAULT '',
    language TEXT CHECK (language IN ('vi', 'en')),
    can_dm INTEGER NOT NULL DEFAULT 0,
    notify INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX users_username ON users(username);

-- A seat on one committee; user_id is NULL while pre-registered by @username.
CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    user_id INTEGER,
    username TEXT,
    full_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('chair', 'standing_deputy', 'deputy', 'member', 'secretary')),
    agency TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    joined_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (committee_id, user_id),
    UNIQUE (committee_id, username)
);
CREATE INDEX members_user ON members(user_id);

-- Tasks, consultations and votes share one number sequence per committee (#N).
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('task', 'consultation', 'vote')),
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
CREATE INDEX items_open ON items(committee_id, kind, status, deadline);
CREATE INDEX items_deadline ON items(committee_id, deadline);
CREATE INDEX items_due ON items(kind, status, deadline);

-- Every state change: who, what, when, before/after as JSON.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    item_id INTEGER REFERENCES items(id),
    actor_user_id INTEGER,
    action TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    at TEXT NOT NULL
);
CREATE INDEX audit_committee ON audit_log(committee_id, id);
CREATE INDEX audit_item ON audit_log(item_id, id);
