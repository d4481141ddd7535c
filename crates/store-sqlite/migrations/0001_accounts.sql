-- Accounts, issued refresh tokens, the blacklist, and the mail outbox.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT    NOT NULL,
    email_key      TEXT    NOT NULL UNIQUE,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    is_active      BOOLEAN NOT NULL,
    is_staff       BOOLEAN NOT NULL,
    is_superuser   BOOLEAN NOT NULL,
    last_login     INTEGER,
    date_joined    INTEGER NOT NULL,
    first_name     TEXT    NOT NULL DEFAULT '',
    last_name      TEXT    NOT NULL DEFAULT '',
    phone          TEXT    NOT NULL DEFAULT '',
    address_line_1 TEXT    NOT NULL DEFAULT '',
    address_line_2 TEXT    NOT NULL DEFAULT '',
    city           TEXT    NOT NULL DEFAULT '',
    state          TEXT    NOT NULL DEFAULT '',
    postcode       TEXT    NOT NULL DEFAULT '',
    country        TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE outstanding_tokens (
    jti        TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX outstanding_tokens_user ON outstanding_tokens (user_id);

CREATE TABLE blacklisted_tokens (
    jti            TEXT    PRIMARY KEY,
    blacklisted_at INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
);

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    context         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
