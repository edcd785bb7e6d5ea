-- The working calendar (issue 17): each committee's own changes to Vietnam's public holidays,
-- as a small JSON object date → [kind, note], kind 'off' (a day off) or 'work' (a make-up
-- working day). Kept on the committee's row so its settings parse without another query.
ALTER TABLE committees ADD COLUMN calendar TEXT NOT NULL DEFAULT '';
