-- Votes: formal motions (for/against/abstain) and native Telegram polls.
CREATE TABLE votes (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    mode TEXT NOT NULL CHECK (mode IN ('motion', 'poll')),
    options TEXT NOT NULL DEFAULT '[]',   -- JSON list of option texts (polls)
    multi INTEGER NOT NULL DEFAULT 0,
    anonymous INTEGER NOT NULL DEFAULT 0,
    poll_id TEXT UNIQUE,                  -- Telegram poll id (polls)
    poll_counts TEXT,                     -- JSON list of counts from `poll` updates (anonymous)
    eligible_count INTEGER,               -- voting members counted at close
    outcome TEXT,                         -- motions: 'passed' / 'rejected' at close
    result_message_id INTEGER
);

-- History of ballots; a voter's current ballot is their latest row. choice is JSON:
-- a list of option indexes for polls ([] = retracted), "for"/"against"/"abstain" for motions.
CREATE TABLE ballots (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    member_id INTEGER REFERENCES members(id),
    user_id INTEGER NOT NULL,
    choice TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ballots_item_user ON ballots(item_id, user_id, id);
