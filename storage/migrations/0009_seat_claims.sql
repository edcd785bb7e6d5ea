-- A pre-registered seat (secretary, chair, deputies) claimed by the account that now shows its
-- @username waits for the secretary's or chair's confirmation (issue 19): one row per claim.
CREATE TABLE seat_claims (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    user_id INTEGER NOT NULL,
    username TEXT NOT NULL,
    full_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
    created_at TEXT NOT NULL,
    decided_by INTEGER,
    decided_at TEXT,
    UNIQUE (member_id, user_id)
);
