-- A stand-in confirming meeting attendance for the member away (issue 17): who gave the answer
-- (NULL: the invitee themselves), and the seat a stand-in's awaited text is for.
ALTER TABLE meeting_attendance ADD COLUMN acting_id INTEGER REFERENCES members(id);
ALTER TABLE meeting_prompts ADD COLUMN member_id INTEGER REFERENCES members(id);
