-- The admin-chat message that announced each registration, so that /forget can blank it.
ALTER TABLE registrations ADD COLUMN admin_message_id INTEGER;
