-- Who gave an answer or a ballot on a member's behalf (issue 17): their stand-in that day
-- (NULL: the member themselves). The views current_opinions and current_ballots select `*`.
ALTER TABLE opinions ADD COLUMN acting_id INTEGER REFERENCES members(id);
ALTER TABLE ballots ADD COLUMN acting_id INTEGER REFERENCES members(id);
