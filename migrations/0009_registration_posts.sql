-- Every operators'-chat message that shows a registration: its card, the digest it was
-- listed in, each card an admin opened from a digest. /forget draws all of them again
-- without the data. chat_id is NULL for posts recorded before this table (the operators'
-- chat of the time, which redraws take to be the configured one).
CREATE TABLE registration_posts (
    id               INTEGER PRIMARY KEY,
    registration_id  INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    chat_id          INTEGER,
    message_id       INTEGER NOT NULL
);

CREATE UNIQUE INDEX registration_posts_one ON registration_posts (registration_id, chat_id, message_id);
CREATE INDEX registration_posts_message ON registration_posts (message_id);

INSERT INTO registration_posts (registration_id, chat_id, message_id)
    SELECT id, NULL, admin_message_id FROM registrations WHERE admin_message_id IS NOT NULL;
