-- Inbox: every update from Telegram, committed before Telegram is told it was received (polling:
-- before the next getUpdates offset; webhook: before the HTTP 200), then processed from here
-- exactly once, in update_id order. done_at is set in the same transaction as the state change
-- the update caused (or right after, for a command that changed nothing); error records a
-- handler failure (the row is done: it is not retried). Done rows are pruned after 7 days.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    chat_id INTEGER,
    payload TEXT NOT NULL,          -- the update's JSON as Telegram sent it
    received_at TEXT NOT NULL,
    done_at TEXT,
    error TEXT
);

-- The processor reads only the unprocessed rows; pruning reads done rows by age.
CREATE INDEX inbox_pending ON inbox(update_id) WHERE done_at IS NULL;
CREATE INDEX inbox_done ON inbox(done_at) WHERE done_at IS NOT NULL;
