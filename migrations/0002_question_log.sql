-- Every free-text question, for the unanswered-questions report. Only the normalised text
-- is kept (lower-case, folded spelling), not the message as typed.
CREATE TABLE question_log (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (telegram_id) ON DELETE SET NULL,
    asked_at    TEXT NOT NULL,
    normalised  TEXT NOT NULL,
    language    TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
    topic_id    TEXT,                                   -- NULL: the bot did not know
    score       REAL NOT NULL,
    answered    INTEGER NOT NULL CHECK (answered IN (0, 1)),
    crisis      INTEGER NOT NULL DEFAULT 0 CHECK (crisis IN (0, 1)),
    helpful     INTEGER CHECK (helpful IN (0, 1))      -- the user's feedback, if any
);

CREATE INDEX question_log_asked_at ON question_log (asked_at);
