-- The outbox carries webhook POSTs beside mail: each channel's worker claims only its own
-- rows. A webhook row names no account (`user_id` NULL), so a deletion keeps its notice.
ALTER TABLE mail_outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail';
DROP INDEX mail_outbox_due;
CREATE INDEX mail_outbox_due ON mail_outbox (channel, status, next_attempt_at);
