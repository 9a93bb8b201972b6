-- Limits that survive /forget. Tickets and registrations are also counted by a keyed hash of
-- the Telegram id (HMAC-SHA256 under a random key kept in this database), which /forget
-- leaves in place: otherwise "forget, then ask three more" resets every limit.
-- A mark is needed only while its limit window lasts (a day, or while a ticket is open),
-- so housekeeping deletes older ones (bot/services/retention.py).
CREATE TABLE secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
);

INSERT INTO secrets (name, value) VALUES ('owner_key', randomblob(32));

CREATE TABLE ticket_owners (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    owner       TEXT NOT NULL,                  -- hex HMAC of the author's Telegram id
    created_at  TEXT NOT NULL                   -- ISO 8601, UTC
);

CREATE INDEX ticket_owners_owner ON ticket_owners (owner, created_at);

CREATE TABLE registration_owners (
    registration_id  INTEGER PRIMARY KEY REFERENCES registrations (id) ON DELETE CASCADE,
    owner            TEXT NOT NULL,
    created_at       TEXT NOT NULL
);

CREATE INDEX registration_owners_owner ON registration_owners (owner, created_at);

-- Cancelled and declined registrations lose their personal fields after the retention
-- period stated in content/consent.toml. This says when, so the card can say why.
ALTER TABLE registrations ADD COLUMN expired_at TEXT;
