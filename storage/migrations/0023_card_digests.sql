-- What each card message shows (issue 13: a card edit with unchanged content is never sent),
-- so the card editor (handlers/cards.py) still knows it after a restart or after its bounded
-- memory forgot the card. One row per card, keyed like the editor's cards: (kind, item id).
-- `digest` is a 16-byte hash of the text and keyboard; message_id 0 means the card was staged
-- for posting and its message id was not known yet (chat_id is then 0 too).
CREATE TABLE card_digests (
    kind TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    digest BLOB NOT NULL,
    PRIMARY KEY (kind, item_id)
) WITHOUT ROWID;
