-- Events (issue 18): what is on, who comes, who was reminded, what they thought of it.
-- Moments are in the storage form of bot/clock.py (ISO 8601 UTC text, comparable as strings).

CREATE TABLE events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: deep links and QR posters name it
    title_kk            TEXT NOT NULL,
    title_ru            TEXT NOT NULL,
    description_kk      TEXT NOT NULL DEFAULT '',
    description_ru      TEXT NOT NULL DEFAULT '',
    category            TEXT NOT NULL,                       -- an id of content/events.toml
    starts_at           TEXT NOT NULL,
    ends_at             TEXT NOT NULL,
    place_kk            TEXT NOT NULL,
    place_ru            TEXT NOT NULL,
    age_min             INTEGER CHECK (age_min IS NULL OR age_min BETWEEN 0 AND 120),
    age_max             INTEGER CHECK (age_max IS NULL OR age_max BETWEEN 0 AND 120),
    bring_kk            TEXT NOT NULL DEFAULT '',
    bring_ru            TEXT NOT NULL DEFAULT '',
    capacity            INTEGER CHECK (capacity IS NULL OR capacity > 0),  -- NULL: no limit
    needs_registration  TEXT,                                -- a topic id: RSVP through its form's data
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    created_by          INTEGER,                             -- the admin's Telegram id (NULL: imported)
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK (ends_at >= starts_at)
);

CREATE INDEX events_upcoming ON events (status, starts_at);
CREATE INDEX events_category ON events (category, status, starts_at);
CREATE INDEX events_ends ON events (status, ends_at);

-- One row per person and event: cancelling and coming back reuses it (and its check-in code).
-- `position` orders the waiting list (NULL unless waiting); seats are counted from the
-- confirmed rows inside the write transaction that adds one, so they never overshoot.
CREATE TABLE event_rsvps (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (telegram_id) ON DELETE CASCADE,
    status           TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    position         INTEGER,
    code             TEXT NOT NULL UNIQUE,                   -- the check-in code on the user's card
    registration_id  INTEGER REFERENCES registrations (id) ON DELETE SET NULL,
    checked_in_at    TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (event_id, user_id)
);

CREATE INDEX event_rsvps_status ON event_rsvps (event_id, status, position);
CREATE INDEX event_rsvps_user ON event_rsvps (user_id, status);

-- Every message the bot sends about an event on its own (reminders 24 h and 1 h before, the
-- rating question after, the news of a new event to a watcher): the row is written as
-- 'sending' before the call and settled after it, and the key forbids a second row, so a
-- restart never sends one twice ('sending' left by a crash becomes 'uncertain').
CREATE TABLE event_reminders (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('24h', '1h', 'rating', 'new')),
    status    TEXT NOT NULL DEFAULT 'sending'
              CHECK (status IN ('sending', 'sent', 'failed', 'blocked', 'uncertain')),
    sent_at   TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id, kind)
) WITHOUT ROWID;

CREATE INDEX event_reminders_user ON event_reminders (user_id);
CREATE INDEX event_reminders_status ON event_reminders (status);

CREATE TABLE event_ratings (
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (telegram_id) ON DELETE CASCADE,
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     TEXT CHECK (comment IS NULL OR length(comment) <= 1000),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id)
) WITHOUT ROWID;

CREATE INDEX event_ratings_user ON event_ratings (user_id);

-- "Tell me about the next event in this category": one row per person and category, removed
-- once they are told.
CREATE TABLE event_watches (
    user_id     INTEGER NOT NULL REFERENCES users (telegram_id) ON DELETE CASCADE,
    category    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, category)
) WITHOUT ROWID;

CREATE INDEX event_watches_category ON event_watches (category, created_at);

-- People who turned event reminders off (a row means off; most never do).
CREATE TABLE event_reminders_off (
    user_id  INTEGER PRIMARY KEY REFERENCES users (telegram_id) ON DELETE CASCADE
);
