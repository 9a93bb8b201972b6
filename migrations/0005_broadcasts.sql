-- Announcements: a job per announcement and one delivery row per recipient, written at
-- confirm time, so a restart resumes the job and never sends one person the same thing twice.

CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY,
    created_by          INTEGER NOT NULL,            -- the admin's Telegram id
    source_chat_id      INTEGER NOT NULL,            -- the admin's message that is copied
    source_message_id   INTEGER NOT NULL,
    audience            TEXT NOT NULL,               -- JSON, see bot/services/broadcasts.py
    buttons             TEXT NOT NULL DEFAULT '{}',  -- JSON: {"kind": "card"|"reg", "topic": id}
    status              TEXT NOT NULL DEFAULT 'scheduled'
                        CHECK (status IN ('scheduled', 'running', 'paused', 'done', 'cancelled')),
    due_at              TEXT NOT NULL,               -- ISO 8601 UTC: when sending may start
    created_at          TEXT NOT NULL,
    started_at          TEXT,
    finished_at         TEXT,
    progress_chat_id    INTEGER,                     -- the admin's live progress message
    progress_message_id INTEGER,
    flood_waits         INTEGER NOT NULL DEFAULT 0   -- 429s met while sending
);

CREATE INDEX broadcasts_due ON broadcasts (status, due_at);

-- 'sending' is written before the API call and settled after it: a row still 'sending' at
-- start-up may or may not have arrived, so it becomes 'uncertain' and is never sent again.
CREATE TABLE broadcast_deliveries (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (telegram_id) ON DELETE CASCADE,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked',
                                    'skipped', 'uncertain')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    message_id    INTEGER,                           -- the copy in the user's chat
    error         TEXT,
    updated_at    TEXT,
    PRIMARY KEY (broadcast_id, user_id)
) WITHOUT ROWID;

CREATE INDEX broadcast_deliveries_status ON broadcast_deliveries (broadcast_id, status);
CREATE INDEX broadcast_deliveries_user ON broadcast_deliveries (user_id);
