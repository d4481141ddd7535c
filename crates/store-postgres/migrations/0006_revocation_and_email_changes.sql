-- Access tokens issued before `tokens_valid_after` are void (a password change or reset,
-- "log out everywhere"), but those of `tokens_kept_session`, the session that changed the
-- password. Ending one session voids its tokens through `sessions.revoked_at`.
ALTER TABLE users ADD COLUMN tokens_valid_after BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN tokens_kept_session TEXT;

-- A new login address waiting for its verification: the account keeps its address until then.
CREATE TABLE pending_emails (
    user_id      BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email        TEXT    NOT NULL,
    email_key    TEXT    NOT NULL,
    requested_at BIGINT  NOT NULL
);

-- An e-mail change the old address may undo for a week (the token is stored hashed).
CREATE TABLE email_undo_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    old_email  TEXT    NOT NULL,
    new_email  TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX email_undo_tokens_user ON email_undo_tokens (user_id);
