-- A due mail is claimed by one worker until `claimed_until` (Unix seconds): no other worker,
-- of this instance or another, takes it meanwhile; a worker that died lets it go by itself.
ALTER TABLE mail_outbox ADD COLUMN claimed_until BIGINT;
