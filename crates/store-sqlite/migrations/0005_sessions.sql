-- Sessions: one per login, the family of refresh tokens rotated from it, with what its owner
-- is shown of it. Each refresh token knows its session and when it was rotated out.
CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT    NOT NULL DEFAULT '',
    ip           TEXT    NOT NULL DEFAULT '',
    revoked_at   INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

ALTER TABLE outstanding_tokens ADD COLUMN session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE;
ALTER TABLE outstanding_tokens ADD COLUMN rotated_at INTEGER;
CREATE INDEX outstanding_tokens_session ON outstanding_tokens (session_id);
