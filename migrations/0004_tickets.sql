-- "Ask a specialist": one ticket per question handed to the operators' group.
-- The question itself is not stored here: it lives in the group's message (the operators'
-- working copy); the bot keeps only what it needs to route replies and count.
CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER REFERENCES users (telegram_id) ON DELETE SET NULL,
    language          TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
    status            TEXT NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'answered', 'closed')),
    rejected_topic    TEXT,                     -- the answer the user rejected just before
    created_at        TEXT NOT NULL,            -- ISO 8601, UTC
    first_answer_at   TEXT,                     -- for the median answer time in /stats
    answered_at       TEXT,                     -- the latest answer
    answered_by       INTEGER,                  -- Telegram id of the operator
    updated_at        TEXT NOT NULL
);

CREATE INDEX tickets_user ON tickets (user_id, status, created_at);

-- Every message of a ticket's thread, on both sides, so that a reply to any of them
-- (an operator's in the group, the user's in the private chat) finds its ticket.
CREATE TABLE ticket_messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('question', 'ticket', 'answer', 'followup')),
    created_at  TEXT NOT NULL,
    UNIQUE (chat_id, message_id)
);

CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, role);
