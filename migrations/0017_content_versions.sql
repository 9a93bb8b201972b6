-- Every version of a content file the bot has seen (issue 20): saved from the web panel,
-- restored from an older version there, or found on disk at start-up or on a reload (a
-- hand edit). The whole text is kept (topic files are a few kilobytes), with its SHA-256,
-- so any version can be shown, compared and restored, and a hand edit is told from the
-- last recorded version by its hash.
CREATE TABLE content_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    path       TEXT NOT NULL,                -- inside content/, e.g. "topics/neet.toml"
    sha256     TEXT NOT NULL,
    body       TEXT NOT NULL,
    at         TEXT NOT NULL,                -- ISO 8601, UTC
    admin_id   INTEGER,                      -- NULL when found on disk
    via        TEXT NOT NULL CHECK (via IN ('panel', 'restore', 'disk')),
    restored_from INTEGER REFERENCES content_versions (id)
);

CREATE INDEX content_versions_path ON content_versions (path, id);
