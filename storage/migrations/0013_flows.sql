-- Guided flows (issue 12): a short step-by-step dialogue in a group, addressed to its author
-- (pick people from buttons, type a title, pick a deadline, confirm). The state lives here so a
-- flow survives a restart; `step` indexes the flow's declared steps (bot/services/flow_specs.py),
-- `answers` is a JSON object of what has been given so far.
CREATE TABLE flows (
    id INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committees(id),
    chat_id INTEGER NOT NULL,
    thread_id INTEGER,
    user_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    page INTEGER NOT NULL DEFAULT 0,
    typing INTEGER NOT NULL DEFAULT 0,       -- 1: a date is being typed instead of picked
    answers TEXT NOT NULL DEFAULT '{}',
    card_message_id INTEGER,
    prompt_message_id INTEGER,
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'done', 'cancelled', 'expired')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX flows_open_expiry ON flows(expires_at) WHERE status = 'open';
CREATE INDEX flows_open_author ON flows(chat_id, user_id) WHERE status = 'open';
