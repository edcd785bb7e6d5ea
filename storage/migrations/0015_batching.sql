-- Batching (issue 13): a committee's ceiling on automatic group posts a day, and the count kept
-- per committee and local day (what does not fit waits for the next morning, merged).
ALTER TABLE committees ADD COLUMN max_posts INTEGER NOT NULL DEFAULT 3;

CREATE TABLE auto_posts (
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    day TEXT NOT NULL,                      -- the committee's local date, YYYY-MM-DD
    posts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, day)
);
