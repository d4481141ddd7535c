-- Other micro-services that obtain tokens at internal/auth/; their secrets are stored hashed.
CREATE TABLE services (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    secret_hash TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    rotated_at  INTEGER
);
