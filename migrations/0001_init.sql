-- Users of the bot: one row per Telegram user who ever wrote to it.
CREATE TABLE users (
    telegram_id   INTEGER PRIMARY KEY,
    language      TEXT CHECK (language IN ('kk', 'ru')),      -- NULL until the user picks one
    first_seen    TEXT NOT NULL,                               -- ISO 8601, UTC
    last_seen     TEXT NOT NULL,
    subscribed    INTEGER NOT NULL DEFAULT 1 CHECK (subscribed IN (0, 1)),
    blocked       INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1))
);

CREATE INDEX users_last_seen ON users (last_seen);
