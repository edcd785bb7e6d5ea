-- Recovery: consultations and votes whose deadline passed while the bot could not post to the
-- committee (removed from the group) are held open, not closed by the sweep, until the
-- secretary or chair decides (close now / extend). decided_at NULL = still held.
CREATE TABLE held_items (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    held_at TEXT NOT NULL,
    decided_at TEXT,
    decision TEXT                            -- 'closed' | 'extended'
);

CREATE INDEX held_items_undecided ON held_items(committee_id) WHERE decided_at IS NULL;
