-- Registrations for programmes, and the consents they rest on (Law of the RK No. 94-V).
-- Personal fields are NULL after /forget: the row stays only as an anonymous count.

CREATE TABLE consents (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER REFERENCES users (telegram_id) ON DELETE SET NULL,
    version             TEXT NOT NULL,               -- version of the notice the user agreed to
    language            TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
    guardian_confirmed  INTEGER NOT NULL DEFAULT 0 CHECK (guardian_confirmed IN (0, 1)),
    given_at            TEXT NOT NULL,               -- ISO 8601, UTC
    withdrawn_at        TEXT
);

CREATE INDEX consents_user ON consents (user_id);

CREATE TABLE registrations (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (telegram_id) ON DELETE SET NULL,
    topic_id    TEXT NOT NULL,
    full_name   TEXT,
    age         INTEGER CHECK (age BETWEEN 14 AND 35),
    phone       TEXT,                                -- normalised: +77011234567
    district    TEXT CHECK (district IN ('abai', 'al-farabi', 'enbekshi', 'karatau', 'turan')),
    occupation  TEXT CHECK (occupation IN ('study', 'work', 'neet', 'other')),
    comment     TEXT,
    consent_id  INTEGER REFERENCES consents (id) ON DELETE SET NULL,
    status      TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'contacted', 'enrolled', 'declined', 'cancelled')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    admin_notified_at TEXT                           -- NULL until posted to the admin chat
);

-- One active registration per user per programme, enforced by the database itself.
CREATE UNIQUE INDEX registrations_one_active
    ON registrations (user_id, topic_id) WHERE status IN ('new', 'contacted', 'enrolled');
CREATE INDEX registrations_topic ON registrations (topic_id, status);
CREATE INDEX registrations_created ON registrations (created_at);
