-- The language a question was written in, as the bot recognised it (kk, ru or uz): about one
-- Shymkent resident in six is Uzbek, and /stats counts Uzbek messages so the department sees
-- the demand before a third language is added. NULL for rows logged before, or too short to tell.
ALTER TABLE question_log ADD COLUMN written_in TEXT CHECK (written_in IN ('kk', 'ru', 'uz'));
