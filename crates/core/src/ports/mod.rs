//! The ports the adapters implement: `Store` (pool-level reads, the outbox) and `Tx` (one
//! transaction: every state change and the mail it causes commit or roll back together).

use crate::Timestamp;
use crate::availability::Availability;
use crate::domain::{EmailAddress, NewUser, User, UserId};
use crate::events::{EventQuery, EventRecord, NewEvent};
use crate::mail::{Channel, NewMail, NewWebhook, OutboxQuery, OutboxRow, Requeue};
use crate::passwords::StoredHash;
use crate::records::{
    BearerRecord, ChallengeRecord, EmailUndoRecord, ImportedTokenRecord, MailRecord,
    OutstandingRecord, SessionRecord, TotpFactorRecord,
};
use crate::tokens::Claims;
use async_trait::async_trait;

mod shapes;
pub use shapes::{
    CodePurpose, Connections, IssuedToken, MailFailure, OutboxDepth, Queued, ServiceRecord,
    StoreError, UniqueField, UserListing, UserSearch,
};

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Start a write transaction.
    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError>;
    async fn ping(&self) -> Result<(), StoreError>;
    /// Whether the database answers, as this store last saw it.
    fn availability(&self) -> &Availability;
    /// The connection pool now: connections open, and those idle among them.
    fn connections(&self) -> Connections;
    /// The mails waiting in the outbox: how many, and when the oldest was queued.
    async fn outbox_depth(&self) -> Result<OutboxDepth, StoreError>;

    async fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError>;
    /// The account an access token names, and what decides whether the token stands, in one
    /// read (the hot path of every authenticated request).
    async fn bearer(
        &self,
        id: UserId,
        session: Option<&str>,
    ) -> Result<Option<BearerRecord>, StoreError>;
    async fn user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError>;
    async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError>;
    async fn username_taken(
        &self,
        username: &str,
        except: Option<UserId>,
    ) -> Result<bool, StoreError>;
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;
    /// The accounts `search` asks for, by id, and how many match in all.
    async fn find_users(&self, search: &UserSearch) -> Result<(i64, Vec<UserListing>), StoreError>;
    /// The latest login or refresh of any of the account's sessions.
    async fn last_seen(&self, user: UserId) -> Result<Option<i64>, StoreError>;
    /// The new address an account waits to verify.
    async fn pending_email(&self, user: UserId) -> Result<Option<EmailAddress>, StoreError>;
    /// The e-mail change whose undo token hashes to `token_hash`.
    async fn email_undo(&self, token_hash: &str) -> Result<Option<EmailUndoRecord>, StoreError>;
    async fn is_blacklisted(&self, jti: &str) -> Result<bool, StoreError>;

    /// An issued refresh token, by jti.
    async fn outstanding(&self, jti: &str) -> Result<Option<OutstandingRecord>, StoreError>;
    async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// The account's unrevoked, unexpired sessions, newest first.
    async fn sessions(
        &self,
        user: UserId,
        now: Timestamp,
    ) -> Result<Vec<SessionRecord>, StoreError>;

    /// The refresh tokens issued to `user`, oldest first.
    async fn issued_tokens(&self, user: UserId) -> Result<Vec<IssuedToken>, StoreError>;
    async fn service(&self, name: &str) -> Result<Option<ServiceRecord>, StoreError>;
    async fn services(&self) -> Result<Vec<ServiceRecord>, StoreError>;
    async fn add_service(
        &self,
        name: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// `false` when no service has that name.
    async fn set_service_secret(
        &self,
        name: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Replace the service's secret hash `from` with `to` (the same secret rehashed); `false`
    /// when the stored hash is no longer `from` (a rotation committed meanwhile, and wins).
    async fn upgrade_service_secret(
        &self,
        name: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError>;
    /// `false` when no service has that name.
    async fn remove_service(&self, name: &str) -> Result<bool, StoreError>;

    async fn totp_factor(&self, user: UserId) -> Result<Option<TotpFactorRecord>, StoreError>;
    /// The login challenge whose ticket hashes to `ticket_hash`.
    async fn challenge(&self, ticket_hash: &str) -> Result<Option<ChallengeRecord>, StoreError>;
    /// Wrong second-factor codes given for `user` since `since`: how many, and the last one's time.
    async fn code_failures_since(
        &self,
        user: UserId,
        since: Timestamp,
    ) -> Result<(i64, Option<Timestamp>), StoreError>;
    /// Unexpired codes of `purpose` held for `user`.
    async fn live_codes(
        &self,
        user: UserId,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<i64, StoreError>;

    /// Claim up to `limit` pending rows of `channel` due at `now`, oldest first, until
    /// `until`: no other worker (of this instance or another) gets them meanwhile, and a
    /// claim that runs out lets them go by itself (a worker that died).
    async fn claim_outbox(
        &self,
        channel: Channel,
        now: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<MailRecord>, StoreError>;
    /// Let a claimed mail go before its claim runs out (a worker that stops first).
    async fn release_mail(&self, id: i64) -> Result<(), StoreError>;
    /// Mark a mail sent and drop its context: the links and codes it carried do not outlive
    /// their delivery.
    async fn mail_sent(&self, id: i64, now: Timestamp) -> Result<(), StoreError>;
    /// Record a failed attempt; a mail given up (no `retry_at`) has its context dropped too
    /// (a webhook's body, which carries no secret, is kept for a retry).
    async fn mail_failed(&self, id: i64, failure: &MailFailure) -> Result<(), StoreError>;

    /// The outbox's rows `query` asks for, newest first.
    async fn outbox(&self, query: &OutboxQuery) -> Result<Vec<OutboxRow>, StoreError>;
    async fn outbox_row(&self, id: i64) -> Result<Option<OutboxRow>, StoreError>;

    /// The audit events `query` asks for, newest first.
    async fn events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError>;
    /// Delete the events older than `before`; how many went.
    async fn prune_events(&self, before: Timestamp) -> Result<u64, StoreError>;
}

/// One open transaction. Dropping it without `commit` rolls everything back.
#[async_trait]
pub trait Tx: Send {
    async fn user_by_id(&mut self, id: UserId) -> Result<Option<User>, StoreError>;
    async fn user_by_email(&mut self, email: &EmailAddress) -> Result<Option<User>, StoreError>;
    async fn insert_user(&mut self, user: &NewUser) -> Result<User, StoreError>;
    /// The fields an owner edits: username, the address's spelling, language and profile
    /// (these columns only; a taken name or address is a `Conflict`).
    async fn save_profile(&mut self, user: &User) -> Result<(), StoreError>;
    async fn set_password_hash(
        &mut self,
        user: UserId,
        hash: &StoredHash,
    ) -> Result<(), StoreError>;
    /// Replace the password hash `from` with `to` (a rehash after a login); `false` when the
    /// stored hash is no longer `from` (a change or reset committed meanwhile, and wins).
    async fn upgrade_password_hash(
        &mut self,
        user: UserId,
        from: &StoredHash,
        to: &StoredHash,
    ) -> Result<bool, StoreError>;
    /// Django's `last_login` (it is in the mailed tokens' hash).
    async fn record_login(&mut self, user: UserId, at: Timestamp) -> Result<(), StoreError>;
    async fn set_active(&mut self, user: UserId, active: bool) -> Result<(), StoreError>;
    async fn set_staff(&mut self, user: UserId, staff: bool) -> Result<(), StoreError>;
    async fn delete_user(&mut self, id: UserId) -> Result<(), StoreError>;
    /// The login address and whether it is verified (these columns only; a taken address is
    /// `Conflict(Email)`).
    async fn set_email(
        &mut self,
        user: UserId,
        email: &EmailAddress,
        verified: bool,
    ) -> Result<(), StoreError>;
    async fn mark_email_verified(&mut self, user: UserId) -> Result<(), StoreError>;
    async fn pending_email(&mut self, user: UserId) -> Result<Option<EmailAddress>, StoreError>;
    /// Insert or replace the new address the account waits to verify.
    async fn put_pending_email(
        &mut self,
        user: UserId,
        email: &EmailAddress,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn clear_pending_email(&mut self, user: UserId) -> Result<(), StoreError>;
    async fn insert_email_undo(&mut self, undo: &EmailUndoRecord) -> Result<(), StoreError>;
    async fn email_undo(&mut self, token_hash: &str)
    -> Result<Option<EmailUndoRecord>, StoreError>;
    /// Forget every undo token of the account.
    async fn clear_email_undo(&mut self, user: UserId) -> Result<(), StoreError>;

    async fn enqueue_mail(&mut self, mail: &NewMail, now: Timestamp) -> Result<(), StoreError>;
    /// Put a failed row back in the queue, due at `now`, as `again` says; false when it is
    /// not failed (any more).
    async fn requeue(
        &mut self,
        id: i64,
        again: &Requeue,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Delete the rows delivered at or before `before`; how many went.
    async fn purge_sent(&mut self, before: Timestamp) -> Result<u64, StoreError>;
    /// Queue a webhook POST in the outbox, beside the change it tells of.
    async fn enqueue_webhook(
        &mut self,
        hook: &NewWebhook,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Record an audit event with the change it records.
    async fn record_event(&mut self, event: &NewEvent, now: Timestamp) -> Result<(), StoreError>;

    /// Record an issued refresh token by its jti (never the token itself), in the session its
    /// `sid` claim names.
    async fn add_outstanding(&mut self, claims: &Claims) -> Result<(), StoreError>;
    /// End every session of `user` but `keep` (the caller's own, when a change ends only the
    /// others): their refresh tokens are blacklisted, and every access token issued before
    /// `now` is void but those of `keep`.
    async fn blacklist_all(
        &mut self,
        user: UserId,
        keep: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    async fn session(&mut self, id: &str) -> Result<Option<SessionRecord>, StoreError>;
    async fn insert_session(&mut self, session: &SessionRecord) -> Result<(), StoreError>;
    /// A refresh in a session: when, from where, and until when it now lasts.
    async fn touch_session(&mut self, session: &SessionRecord) -> Result<(), StoreError>;
    /// End a session: blacklist every refresh token in it.
    async fn revoke_session(&mut self, id: &str, now: Timestamp) -> Result<(), StoreError>;
    /// Blacklist a refresh token as exchanged for its successor (rotation); `false` when it
    /// already was blacklisted.
    async fn rotate_out(&mut self, claims: &Claims, now: Timestamp) -> Result<bool, StoreError>;
    /// Blacklist a refresh token; `false` when it already was.
    async fn blacklist(&mut self, claims: &Claims, now: Timestamp) -> Result<bool, StoreError>;

    async fn totp_factor(&mut self, user: UserId) -> Result<Option<TotpFactorRecord>, StoreError>;
    /// Confirm the pending TOTP enrolment with the time step of its first code (used up by
    /// it); `false` when there is no pending enrolment (another request confirmed it).
    async fn confirm_totp_factor(
        &mut self,
        user: UserId,
        step: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Whether logging in needs a second factor (this column only).
    async fn set_two_fa_enabled(&mut self, user: UserId, on: bool) -> Result<(), StoreError>;
    /// Insert or replace the account's TOTP factor.
    async fn put_totp_factor(&mut self, factor: &TotpFactorRecord) -> Result<(), StoreError>;
    async fn delete_totp_factor(&mut self, user: UserId) -> Result<(), StoreError>;
    /// Record TOTP time step `step` as used; `false` when it or a later one already was (a
    /// replayed code).
    async fn use_totp_step(&mut self, user: UserId, step: i64) -> Result<bool, StoreError>;

    /// Unexpired codes of `purpose` held for `user`.
    async fn live_codes(
        &mut self,
        user: UserId,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<i64, StoreError>;
    /// Replace the account's codes of `purpose` with these hashes.
    async fn replace_codes(
        &mut self,
        user: UserId,
        purpose: CodePurpose,
        hashes: &[String],
        expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Delete the unexpired code of `purpose` with this hash; `false` when there is none.
    async fn consume_code(
        &mut self,
        user: UserId,
        purpose: CodePurpose,
        hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Count a wrong guess against the account's codes of `purpose`; they are deleted once
    /// `max` wrong guesses were made.
    async fn code_guess_failed(
        &mut self,
        user: UserId,
        purpose: CodePurpose,
        max: i64,
    ) -> Result<(), StoreError>;

    async fn insert_challenge(&mut self, challenge: &ChallengeRecord) -> Result<(), StoreError>;
    /// Count a wrong code on a challenge; its wrong codes so far.
    async fn challenge_failed(&mut self, ticket_hash: &str) -> Result<i64, StoreError>;
    /// End every login challenge of the account.
    async fn clear_challenges(&mut self, user: UserId) -> Result<(), StoreError>;
    /// Record a wrong second-factor code given for the account.
    async fn note_code_failure(&mut self, user: UserId, now: Timestamp) -> Result<(), StoreError>;
    /// Forget the account's wrong codes (after a success).
    async fn clear_code_failures(&mut self, user: UserId) -> Result<(), StoreError>;

    /// Take in accounts from another system, each with its own id and every field as given,
    /// in one statement; for each, whether it was written (`false`: its id, address or
    /// username is taken, here or by an earlier account of the batch).
    async fn import_users(&mut self, users: &[User]) -> Result<Vec<bool>, StoreError>;
    /// Let the ids of accounts created from now on be above every id taken and above
    /// `highest` (after `import_users` wrote ids of their own).
    async fn follow_imported_ids(&mut self, highest: UserId) -> Result<(), StoreError>;
    /// Take in refresh tokens another system issued (and their blacklisting); for each,
    /// whether it was written (`false`: known already, or its account does not exist here).
    async fn import_refresh_tokens(
        &mut self,
        tokens: &[ImportedTokenRecord],
    ) -> Result<Vec<bool>, StoreError>;
    /// Take in TOTP factors; for each, whether it was written (`false`: the account has one
    /// already, an earlier one of the batch included, or does not exist).
    async fn import_totp_factors(
        &mut self,
        factors: &[TotpFactorRecord],
    ) -> Result<Vec<bool>, StoreError>;

    /// What `enqueue_mail` and `enqueue_webhook` wrote in this transaction so far (counted
    /// once it commits).
    fn queued(&self) -> Queued;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
