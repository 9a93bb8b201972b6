-- Crisis messages: only the kind of danger and the time are kept, never the words.
-- users.crisis_at: when the bot last answered this user with the helplines, so that for an
-- hour it keeps them in view instead of falling back to menus as if nothing happened.
ALTER TABLE users ADD COLUMN crisis_at TEXT;
-- question_log.crisis_kind: the detector's category (suicidal, self_harm, abuse…) of a crisis
-- message, for /stats; its `normalised` text is left empty.
ALTER TABLE question_log ADD COLUMN crisis_kind TEXT;
-- Tickets opened from a crisis answer ("write to a specialist now") go first in the queue.
ALTER TABLE tickets ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1));
ALTER TABLE tickets ADD COLUMN crisis_kind TEXT;
