-- The web panel (issue 19): the audit log of admins' changes, one-time sign-in links,
-- panel sessions, each registration's status history, and the indexes its pages filter by.

-- Every change an admin made, from the panel, from Telegram or from the command line:
-- who (Telegram id), when, through what, what (an action code), on what (a target such as
-- "registration:12") and a JSON object of details. No names, phones or typed texts.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,                       -- ISO 8601, UTC
    admin_id  INTEGER,                             -- NULL for the command line
    via       TEXT NOT NULL CHECK (via IN ('panel', 'telegram', 'cli')),
    action    TEXT NOT NULL,
    target    TEXT,
    details   TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX audit_log_admin ON audit_log (admin_id, at);

-- One-time sign-in links sent by /panel: only the SHA-256 of the token is kept.
CREATE TABLE panel_links (
    token_hash  TEXT PRIMARY KEY,
    admin_id    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

-- Signed-in browsers: only the SHA-256 of the cookie's value is kept; the CSRF token of
-- the session's forms beside it. A session ends after 12 hours idle or on "sign out".
CREATE TABLE panel_sessions (
    token_hash  TEXT PRIMARY KEY,
    admin_id    INTEGER NOT NULL,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    ended_at    TEXT
);

CREATE INDEX panel_sessions_admin ON panel_sessions (admin_id);

-- Each status a registration took after its creation, and who set it (an admin's Telegram
-- id; NULL when the user cancelled it). No personal data: it stays after /forget.
CREATE TABLE registration_history (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id  INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    status           TEXT NOT NULL,
    at               TEXT NOT NULL,
    changed_by       INTEGER
);

CREATE INDEX registration_history_reg ON registration_history (registration_id, id);

-- The panel's filters and the dashboard's figures over 100,000 rows.
CREATE INDEX registrations_status_created ON registrations (status, created_at);
CREATE INDEX registrations_created_topic ON registrations (created_at, topic_id);
CREATE INDEX users_first_seen ON users (first_seen, language);
