-- Stand-ins (ủy quyền, issue 17): for a range of local dates another member acts for a member
-- (answers, progress, attendance; ballots only with /settings proxyvote on). Ended early by
-- `/standin off` (ended_at); otherwise the range ends by itself.
CREATE TABLE standins (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    member_id INTEGER NOT NULL REFERENCES members(id),      -- the member away (A)
    standin_id INTEGER NOT NULL REFERENCES members(id),     -- who acts for them (B)
    starts_on TEXT NOT NULL,                                -- ISO local dates, both included
    ends_on TEXT NOT NULL,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    ended_at TEXT,
    CHECK (member_id <> standin_id),
    CHECK (starts_on <= ends_on)
);
CREATE INDEX standins_member ON standins(committee_id, member_id, ends_on);
CREATE INDEX standins_standin ON standins(standin_id, ends_on);

ALTER TABLE committees ADD COLUMN proxy_vote INTEGER NOT NULL DEFAULT 0;
