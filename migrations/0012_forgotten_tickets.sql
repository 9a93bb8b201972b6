-- When /forget closed a ticket. An unanswered question closed that way still holds one of
-- its author's open slots for a day (counted by the keyed hash of 0010), so that
-- "ask three, forget, ask three more" does not reset the open-tickets limit.
ALTER TABLE tickets ADD COLUMN forgotten_at TEXT;
