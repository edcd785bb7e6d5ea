-- Consultations (xin ý kiến): silence rule, every answer kept, pending text prompts.
CREATE TABLE consultations (
    item_id INTEGER PRIMARY KEY REFERENCES items(id),
    silence_agree INTEGER NOT NULL,
    eligible_count INTEGER,              -- voting members counted at close
    electorate TEXT,                     -- JSON array of the member ids counted at close
    result_message_id INTEGER
);

-- History of answers; a member's current answer is their latest row. At close, silent members
-- get one row with answer 'deemed_agreed' or 'no_answer' and auto = 1.
CREATE TABLE opinions (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    answer TEXT NOT NULL CHECK (answer IN
        ('agree', 'agree_with_comments', 'disagree', 'deemed_agreed', 'no_answer')),
    text TEXT NOT NULL DEFAULT '',
    auto INTEGER NOT NULL DEFAULT 0,
    at TEXT NOT NULL
);
CREATE INDEX opinions_item_member ON opinions(item_id, member_id, id);

-- "Waiting for this member's comment": survives restarts (pitfalls: no ConversationHandler state).
-- chat_id is the group (the member replies to the prompt message) or the private chat (the next
-- text there is the comment).
CREATE TABLE opinion_prompts (
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items(id),
    answer TEXT NOT NULL CHECK (answer IN ('agree_with_comments', 'disagree')),
    prompt_message_id INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, chat_id)
);
CREATE INDEX opinion_prompts_message ON opinion_prompts(chat_id, prompt_message_id);
