-- Outbox: every message the bot must post because of a committed change (a card, a result, a
-- document, a reply to a command that wrote) is a row written in the same transaction as the
-- change, and sent by one sender that marks it sent. A row is pending while sent_at and
-- failed_at are NULL; a transient failure moves next_attempt_at on (back-off), a permanent
-- refusal sets failed_at with the reason, reported once to the committee's secretary.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    thread_id INTEGER,
    committee_id INTEGER REFERENCES committees(id),
    kind TEXT NOT NULL CHECK (kind IN ('text', 'document', 'poll')),
    purpose TEXT NOT NULL DEFAULT 'reply',  -- what the sent message becomes (task.card, …)
    ref_id INTEGER,                         -- the item or request that purpose refers to
    payload TEXT NOT NULL DEFAULT '{}',     -- JSON: text, markup, reply_to, caption, poll fields
    document BLOB,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at TEXT,
    message_id INTEGER,
    failed_at TEXT,
    error TEXT,
    reported_at TEXT
);

-- The sender reads only pending rows, in order per chat.
CREATE INDEX outbox_pending ON outbox(next_attempt_at, chat_id, id)
    WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_unreported ON outbox(committee_id, id)
    WHERE failed_at IS NOT NULL AND reported_at IS NULL;
