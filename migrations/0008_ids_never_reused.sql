-- Ids that travel in buttons (tickets, registrations, announcements, question-log rows) are
-- never handed out again. A plain INTEGER PRIMARY KEY gives max(id) + 1, so once the newest
-- row was deleted its id went to the next row, and a button still showing the old id (a
-- ticket post's "close") acted on someone else's row. AUTOINCREMENT never reuses an id.
--
-- SQLite cannot add AUTOINCREMENT to a table, so each table is rebuilt with its rows and
-- their ids (copying them also sets sqlite_sequence to the highest). A child table with
-- ON DELETE CASCADE is rebuilt beside its parent and the old child dropped first, so dropping
-- the old parent deletes nothing; renaming the new parent rewrites the child's reference.
-- `SELECT *` on purpose: a column added by another migration makes this one fail loudly
-- instead of dropping the column.

-- tickets and ticket_messages (0004)
CREATE TABLE tickets_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER REFERENCES users (telegram_id) ON DELETE SET NULL,
    language          TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
    status            TEXT NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'answered', 'closed')),
    rejected_topic    TEXT,
    created_at        TEXT NOT NULL,
    first_answer_at   TEXT,
    answered_at       TEXT,
    answered_by       INTEGER,
    updated_at        TEXT NOT NULL
);
INSERT INTO tickets_new SELECT * FROM tickets;

CREATE TABLE ticket_messages_new (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets_new (id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('question', 'ticket', 'answer', 'followup')),
    created_at  TEXT NOT NULL,
    UNIQUE (chat_id, message_id)
);
INSERT INTO ticket_messages_new SELECT * FROM ticket_messages;

DROP TABLE ticket_messages;
DROP TABLE tickets;
ALTER TABLE tickets_new RENAME TO tickets;
ALTER TABLE ticket_messages_new RENAME TO ticket_messages;
CREATE INDEX tickets_user ON tickets (user_id, status, created_at);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, role);

-- broadcasts and broadcast_deliveries (0005)
CREATE TABLE broadcasts_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    created_by          INTEGER NOT NULL,
    source_chat_id      INTEGER NOT NULL,
    source_message_id   INTEGER NOT NULL,
    audience            TEXT NOT NULL,
    buttons             TEXT NOT NULL DEFAULT '{}',
    status              TEXT NOT NULL DEFAULT 'scheduled'
                        CHECK (status IN ('scheduled', 'running', 'paused', 'done', 'cancelled')),
    due_at              TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    started_at          TEXT,
    finished_at         TEXT,
    progress_chat_id    INTEGER,
    progress_message_id INTEGER,
    flood_waits         INTEGER NOT NULL DEFAULT 0
);
INSERT INTO broadcasts_new SELECT * FROM broadcasts;

CREATE TABLE broadcast_deliveries_new (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts_new (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (telegram_id) ON DELETE CASCADE,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked',
                                    'skipped', 'uncertain')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    message_id    INTEGER,
    error         TEXT,
    updated_at    TEXT,
    PRIMARY KEY (broadcast_id, user_id)
) WITHOUT ROWID;
INSERT INTO broadcast_deliveries_new SELECT * FROM broadcast_deliveries;

DROP TABLE broadcast_deliveries;
DROP TABLE broadcasts;
ALTER TABLE broadcasts_new RENAME TO broadcasts;
ALTER TABLE broadcast_deliveries_new RENAME TO broadcast_deliveries;
CREATE INDEX broadcasts_due ON broadcasts (status, due_at);
CREATE INDEX broadcast_deliveries_status ON broadcast_deliveries (broadcast_id, status);
CREATE INDEX broadcast_deliveries_user ON broadcast_deliveries (user_id);

-- registrations (0003, 0007): no table refers to it
CREATE TABLE registrations_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER REFERENCES users (telegram_id) ON DELETE SET NULL,
    topic_id    TEXT NOT NULL,
    full_name   TEXT,
    age         INTEGER CHECK (age BETWEEN 14 AND 35),
    phone       TEXT,
    district    TEXT CHECK (district IN ('abai', 'al-farabi', 'enbekshi', 'karatau', 'turan')),
    occupation  TEXT CHECK (occupation IN ('study', 'work', 'neet', 'other')),
    comment     TEXT,
    consent_id  INTEGER REFERENCES consents (id) ON DELETE SET NULL,
    status      TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'contacted', 'enrolled', 'declined', 'cancelled')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    admin_notified_at TEXT,
    admin_message_id INTEGER
);
INSERT INTO registrations_new SELECT * FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_new RENAME TO registrations;
CREATE UNIQUE INDEX registrations_one_active
    ON registrations (user_id, topic_id) WHERE status IN ('new', 'contacted', 'enrolled');
CREATE INDEX registrations_topic ON registrations (topic_id, status);
CREATE INDEX registrations_created ON registrations (created_at);

-- question_log (0002): /forget deletes a user's rows; the 👍/👎 buttons carry the row id
CREATE TABLE question_log_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER REFERENCES users (telegram_id) ON DELETE SET NULL,
    asked_at    TEXT NOT NULL,
    normalised  TEXT NOT NULL,
    language    TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
    topic_id    TEXT,
    score       REAL NOT NULL,
    answered    INTEGER NOT NULL CHECK (answered IN (0, 1)),
    crisis      INTEGER NOT NULL DEFAULT 0 CHECK (crisis IN (0, 1)),
    helpful     INTEGER CHECK (helpful IN (0, 1))
);
INSERT INTO question_log_new SELECT * FROM question_log;
DROP TABLE question_log;
ALTER TABLE question_log_new RENAME TO question_log;
CREATE INDEX question_log_asked_at ON question_log (asked_at);
