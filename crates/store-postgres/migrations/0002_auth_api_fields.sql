-- The Auth API dialect's account fields: preferred language, 2FA switch, verified e-mail.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN two_fa_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT FALSE;
-- Djoser-dialect accounts that were activated proved their address by following the mail.
UPDATE users SET email_verified = TRUE WHERE is_active;
