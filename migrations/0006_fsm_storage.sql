-- Conversation state (aiogram FSM) kept in SQLite, so a half-filled form survives a restart.
-- `key` is built from bot, chat and user ids; `data` is JSON; `touched_at` is Unix seconds,
-- used to expire forms left idle.
CREATE TABLE fsm_state (
    key         TEXT PRIMARY KEY,
    state       TEXT,
    data        TEXT NOT NULL DEFAULT '{}',
    touched_at  REAL NOT NULL
);

CREATE INDEX fsm_state_touched ON fsm_state (touched_at);
