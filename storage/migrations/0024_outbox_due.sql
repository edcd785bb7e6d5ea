-- The sender's read of due rows (storage/outbox.py `pending`) orders by id: the partial index
-- outbox_pending (next_attempt_at, chat_id, id) cannot give that order, so SQLite scanned the
-- whole table, sent rows included (they stay until pruned: thousands in a busy week), on every
-- flush. This index holds only the pending rows, in id order: the read touches only them.
CREATE INDEX outbox_due ON outbox(id) WHERE sent_at IS NULL AND failed_at IS NULL;
