-- The one definition of who counts on a consultation or vote and of each person's current answer
-- or ballot (issue 11 point 4). Cards, /pending, results, digests, reports and exports all read
-- these views (through storage/responses.py and the repositories), so they can never disagree.

-- Who counts: frozen at close (consultations.electorate, votes.result $.eligible); before that,
-- the committee's active members with a voting role (the secretary compiles and never counts).
CREATE VIEW electorate AS
SELECT c.item_id AS item_id, CAST(j.value AS INTEGER) AS member_id
FROM consultations c, json_each(c.electorate) j
WHERE c.electorate IS NOT NULL
UNION ALL
SELECT v.item_id, CAST(j.value AS INTEGER)
FROM votes v, json_each(v.result, '$.eligible') j
WHERE v.result IS NOT NULL
UNION ALL
SELECT i.id, m.id
FROM items i
JOIN members m ON m.committee_id = i.committee_id AND m.active = 1
    AND m.role IN ('chair', 'standing_deputy', 'deputy', 'member')
LEFT JOIN consultations c ON c.item_id = i.id
LEFT JOIN votes v ON v.item_id = i.id
WHERE i.kind IN ('consultation', 'vote') AND c.electorate IS NULL AND v.result IS NULL;

-- A member's current answer: their latest row on the item (at close the silent get an automatic
-- row, which is then their latest).
CREATE VIEW current_opinions AS
SELECT o.*
FROM opinions o
WHERE o.id = (SELECT MAX(p.id) FROM opinions p
              WHERE p.item_id = o.item_id AND p.member_id = o.member_id);

-- A person's current ballot: their latest on-time row (late = 1 rows arrived after the deadline,
-- are kept for the record and never count). A withdrawn poll answer (choice '[]') is current
-- too: it means "no ballot" (`Ballot.voted`).
CREATE VIEW current_ballots AS
SELECT b.*
FROM ballots b
WHERE b.late = 0
  AND b.id = (SELECT MAX(c.id) FROM ballots c
              WHERE c.item_id = b.item_id AND c.user_id = b.user_id AND c.late = 0);
