-- Events (issue 18, the admins' side): who has been told that an event was cancelled.
-- Owed notices are not queued: everyone with a seat or a place in line at a cancelled event
-- that has not ended, not blocked and without a row here, is owed one. The row is written
-- as 'sending' before the call and settled after it, and the key forbids a second one, so
-- a restart never tells anyone twice ('sending' left by a crash becomes 'uncertain').
CREATE TABLE event_cancel_notices (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    status    TEXT NOT NULL DEFAULT 'sending'
              CHECK (status IN ('sending', 'sent', 'failed', 'blocked', 'uncertain')),
    sent_at   TEXT NOT NULL,
    PRIMARY KEY (event_id, user_id)
) WITHOUT ROWID;

CREATE INDEX event_cancel_notices_user ON event_cancel_notices (user_id);
CREATE INDEX event_cancel_notices_status ON event_cancel_notices (status);
