-- Recurring ad-hoc reminders (/remind … hằng tháng, issue 16): occurrence `seq` of a series of
-- kind 'adhoc' is one reminder row, created once (its key), also across a restart.
CREATE TABLE reminder_occurrences (
    series_id INTEGER NOT NULL REFERENCES series(id),
    seq INTEGER NOT NULL,
    reminder_id INTEGER NOT NULL UNIQUE REFERENCES reminders(id),
    PRIMARY KEY (series_id, seq)
);
