-- Programmes (issue 17): a committee's programmes and plans (the four pillars, "KH 125/KH-UBND");
-- an item belongs to at most one; a task may carry the directing document's number and date.
CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    code TEXT NOT NULL,                       -- as typed; compared case-insensitively
    name TEXT NOT NULL,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    UNIQUE (committee_id, code COLLATE NOCASE)
);

CREATE TABLE item_programmes (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    programme_id INTEGER NOT NULL REFERENCES programmes(id)
);
CREATE INDEX item_programmes_programme ON item_programmes(programme_id, item_id);

CREATE TABLE task_directives (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    doc_number TEXT NOT NULL,                 -- số/ký hiệu, e.g. 1234/UBND-KT
    doc_date TEXT                             -- ISO date of the document, when given
);
