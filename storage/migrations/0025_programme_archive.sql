-- Programmes (issue 17): `/programme remove` archives a programme that items carry (hidden from
-- the list and from new tags; the items keep it); an unused one is deleted outright.
ALTER TABLE programmes ADD COLUMN archived_at TEXT;
