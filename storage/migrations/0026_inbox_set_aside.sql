-- An inbox row whose processing keeps failing (an error escaping its unit of work: a database
-- failure at its commit, a bug outside the handlers) is tried a few times, each failed attempt
-- counted here, then set aside: kept for good (never pruned; nothing typed is lost), no longer
-- handed out, so the updates behind it proceed. A transient error (database locked) is not
-- counted: it is simply tried again.
ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN set_aside_at TEXT;
