-- Two-factor authentication: TOTP factors (secret sealed), one-time codes (hashed), login
-- challenges (ticket hashed), and the wrong codes that slow an account down.
CREATE TABLE totp_factors (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret       TEXT    NOT NULL,
    confirmed_at INTEGER,
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

-- Recovery codes (no expiry), e-mailed login codes and e-mail verification codes.
CREATE TABLE otp_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL,
    code_hash  TEXT    NOT NULL,
    expires_at INTEGER,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX otp_codes_user ON otp_codes (user_id, purpose);

CREATE TABLE login_challenges (
    ticket_hash     TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);

-- One row per wrong second-factor code, whatever the endpoint: a burst slows the account.
CREATE TABLE two_fa_failures (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    failed_at INTEGER NOT NULL
);
CREATE INDEX two_fa_failures_user ON two_fa_failures (user_id, failed_at);
