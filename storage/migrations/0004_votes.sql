-- Votes: formal motions (for/against/abstain) and native Telegram polls.
CREATE TABLE votes (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    mode TEXT NOT NULL CHECK (mode IN ('motion', 'poll')),
    options TEXT NOT NULL DEFAULT '[]',   -- JSON list of option texts (polls)
    multi INTEGER NOT NULL DEFAULT 0,
    anonymous INTEGER NOT NULL DEFAULT 0,
    poll_id TEXT UNIQUE,                  -- Telegram poll id (polls); the poll message is items.message_id
    poll_counts TEXT,                     -- JSON {"counts": [..], "voters": n} from `poll` updates / stopPoll
    eligible_count INTEGER,               -- active voting members counted at close
    outcome TEXT,                         -- at close: motions 'passed' / 'rejected', polls 'closed'
    result TEXT,                          -- JSON snapshot of the tally at close (who counted, who chose what)
    result_message_id INTEGER
);

-- History of ballots; a voter's current ballot is their latest row (late = 0). choice is JSON:
-- a list of option indexes for polls ([] = retracted), "for"/"against"/"abstain" for motions.
-- member_id is the user's active seat when the ballot came in (NULL: not a member then).
-- late = 1: a poll answer that arrived after close, kept for the record and never counted.
CREATE TABLE ballots (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    member_id INTEGER REFERENCES members(id),
    user_id INTEGER NOT NULL,
    choice TEXT NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    at TEXT NOT NULL
);
CREATE INDEX ballots_item_user ON ballots(item_id, user_id, id);
