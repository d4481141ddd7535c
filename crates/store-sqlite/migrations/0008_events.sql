-- Audit events: what happened to an account, who did it, from where. No foreign key: an
-- account's events outlive it (its deletion is one of them) until the retention prunes them.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    user_id    INTEGER,
    actor_id   INTEGER,
    ip         TEXT    NOT NULL DEFAULT '',
    user_agent TEXT    NOT NULL DEFAULT '',
    request_id TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX events_user ON events (user_id, id);
CREATE INDEX events_at ON events (at);
