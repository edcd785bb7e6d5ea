-- Collections (báo cáo định kỳ, issue 16): a document asked of each recipient by a deadline;
-- every submission kept (the latest per member counts), compiled into a .zip at close.
-- Series: recurring items (monthly, quarterly, yearly); each occurrence is its own #N.

CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    kind TEXT NOT NULL CHECK (kind IN ('collection', 'task', 'adhoc')),
    every TEXT NOT NULL CHECK (every IN ('month', 'quarter', 'year')),
    on_day INTEGER CHECK (on_day BETWEEN 1 AND 31),   -- day of the month, NULL: the first's
    anchor_date TEXT NOT NULL,       -- local date of occurrence 0's deadline (YYYY-MM-DD)
    anchor_time TEXT NOT NULL,       -- its local time of day (HH:MM)
    title TEXT NOT NULL,
    named INTEGER NOT NULL DEFAULT 0,            -- 1: only the recipients listed below
    recipients TEXT NOT NULL DEFAULT '[]',       -- JSON member ids when named
    created_by INTEGER,
    created_at TEXT NOT NULL,
    stopped_at TEXT,
    stopped_by INTEGER
);
CREATE INDEX series_committee ON series(committee_id) WHERE stopped_at IS NULL;

-- Occurrence `seq` of a series is exactly one item: created once, also across a restart.
CREATE TABLE occurrences (
    series_id INTEGER NOT NULL REFERENCES series(id),
    seq INTEGER NOT NULL,
    item_id INTEGER NOT NULL UNIQUE REFERENCES items(id),
    PRIMARY KEY (series_id, seq)
);

CREATE TABLE collections (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    closes_at TEXT NOT NULL,          -- automatic close; late submissions are taken until then
    named INTEGER NOT NULL DEFAULT 0,
    compiled_at TEXT,                 -- the .zip and register were staged (once)
    result_message_id INTEGER
);
CREATE INDEX collections_closing ON collections(closes_at) WHERE compiled_at IS NULL;

-- Who is asked (frozen at opening: every active voting member, or the named ones).
CREATE TABLE collection_recipients (
    item_id INTEGER NOT NULL REFERENCES items(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    PRIMARY KEY (item_id, member_id)
);

-- Every file sent (history); a member's current submission is their latest row.
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    file_id TEXT NOT NULL,
    file_unique_id TEXT,
    file_name TEXT NOT NULL,
    file_size INTEGER,
    at TEXT NOT NULL,
    late INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX submissions_item_member ON submissions(item_id, member_id, id);

-- "Waiting for this member's file": in the group (a reply to the prompt message) or in private.
CREATE TABLE collection_prompts (
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items(id),
    prompt_message_id INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, chat_id)
);
CREATE INDEX collection_prompts_message ON collection_prompts(chat_id, prompt_message_id);

-- A file sent in private without saying which collection: kept until the person picks one.
CREATE TABLE collection_parked_files (
    user_id INTEGER PRIMARY KEY,
    file_id TEXT NOT NULL,
    file_unique_id TEXT,
    file_name TEXT NOT NULL,
    file_size INTEGER,
    at TEXT NOT NULL
);
