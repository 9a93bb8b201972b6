-- The web panel's ticket thread view (issue 20): the text of the messages in the user's
-- private chat (their question and follow-ups, the answers they were sent) is kept beside
-- the message's id, so that admins can read a thread in the browser. These rows are in the
-- user's chat, so /forget deletes them, text included (Tickets.forget_private_chat).
-- Older rows, and media without a caption, have no text (NULL).
ALTER TABLE ticket_messages ADD COLUMN body TEXT;
-- Who sent an answer (Telegram id of the operator or admin); NULL for the user's messages.
ALTER TABLE ticket_messages ADD COLUMN author INTEGER;

CREATE INDEX tickets_status ON tickets (status, urgent, created_at);
