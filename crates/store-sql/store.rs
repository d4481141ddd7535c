// Shared by both store crates, which `include!` it: the `Store` port over the shared queries;
// only starting a write transaction (`begin_write`) and claiming mail (`claim`) are each
// database's own. `Backend` is the including crate's store type.

use crate::{
    Backend, admin, claim, emails, events, outbox, outbox_admin, services, sessions, two_factor,
    users,
};
use async_trait::async_trait;
use tessera_core::Timestamp;
use tessera_core::availability::Availability;
use tessera_core::domain::{EmailAddress, User, UserId};
use tessera_core::events::{EventQuery, EventRecord};
use tessera_core::mail::{Channel, OutboxQuery, OutboxRow};
use tessera_core::ports::{
    CodePurpose, Connections, IssuedToken, MailFailure, OutboxDepth, ServiceRecord, Store,
    StoreError, Tx, UserListing, UserSearch,
};
use tessera_core::records::{
    BearerRecord, ChallengeRecord, EmailUndoRecord, MailRecord, OutstandingRecord, SessionRecord,
    TotpFactorRecord,
};

#[async_trait]
impl Store for Backend {
    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError> {
        self.begin_write().await
    }

    fn availability(&self) -> &Availability {
        &self.availability
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query!("SELECT 1 AS one")
            .fetch_one(&self.pool)
            .await
            .map_err(crate::backend)?;
        Ok(())
    }

    fn connections(&self) -> Connections {
        Connections {
            open: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
        }
    }

    async fn outbox_depth(&self) -> Result<OutboxDepth, StoreError> {
        outbox::depth(&self.pool).await
    }

    async fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        users::by_id(&self.pool, id).await
    }

    async fn bearer(
        &self,
        id: UserId,
        session: Option<&str>,
    ) -> Result<Option<BearerRecord>, StoreError> {
        users::bearer(&self.pool, id, session).await
    }

    async fn user_by_email(&self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        users::by_email(&self.pool, email).await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        users::by_username(&self.pool, username).await
    }

    async fn find_users(&self, search: &UserSearch) -> Result<(i64, Vec<UserListing>), StoreError> {
        admin::find(&self.pool, search).await
    }

    async fn last_seen(&self, user: UserId) -> Result<Option<i64>, StoreError> {
        admin::last_seen(&self.pool, user).await
    }

    async fn username_taken(
        &self,
        username: &str,
        except: Option<UserId>,
    ) -> Result<bool, StoreError> {
        users::username_taken(&self.pool, username, except).await
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        users::all(&self.pool).await
    }

    async fn is_blacklisted(&self, jti: &str) -> Result<bool, StoreError> {
        sessions::is_blacklisted(&self.pool, jti).await
    }

    async fn outstanding(&self, jti: &str) -> Result<Option<OutstandingRecord>, StoreError> {
        sessions::outstanding(&self.pool, jti).await
    }

    async fn session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        sessions::by_id(&self.pool, id).await
    }

    async fn sessions(
        &self,
        user: UserId,
        now: Timestamp,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        sessions::live(&self.pool, user, now).await
    }

    async fn issued_tokens(&self, user: UserId) -> Result<Vec<IssuedToken>, StoreError> {
        sessions::issued(&self.pool, user).await
    }

    async fn service(&self, name: &str) -> Result<Option<ServiceRecord>, StoreError> {
        services::by_name(&self.pool, name).await
    }

    async fn services(&self) -> Result<Vec<ServiceRecord>, StoreError> {
        services::all(&self.pool).await
    }

    async fn add_service(
        &self,
        name: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        services::insert(&self.pool, name, secret_hash, now).await
    }

    async fn set_service_secret(
        &self,
        name: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        services::set_secret(&self.pool, name, secret_hash, now).await
    }

    async fn upgrade_service_secret(
        &self,
        name: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError> {
        services::upgrade_secret(&self.pool, name, from, to).await
    }

    async fn remove_service(&self, name: &str) -> Result<bool, StoreError> {
        services::delete(&self.pool, name).await
    }

    async fn totp_factor(&self, user: UserId) -> Result<Option<TotpFactorRecord>, StoreError> {
        two_factor::totp_factor(&self.pool, user).await
    }

    async fn challenge(&self, ticket_hash: &str) -> Result<Option<ChallengeRecord>, StoreError> {
        two_factor::challenge(&self.pool, ticket_hash).await
    }

    async fn code_failures_since(
        &self,
        user: UserId,
        since: Timestamp,
    ) -> Result<(i64, Option<Timestamp>), StoreError> {
        two_factor::failures_since(&self.pool, user, since).await
    }

    async fn live_codes(
        &self,
        user: UserId,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        two_factor::live_codes(&self.pool, user, purpose, now).await
    }

    async fn pending_email(&self, user: UserId) -> Result<Option<EmailAddress>, StoreError> {
        emails::pending(&self.pool, user).await
    }

    async fn email_undo(&self, token_hash: &str) -> Result<Option<EmailUndoRecord>, StoreError> {
        emails::undo(&self.pool, token_hash).await
    }

    async fn claim_outbox(
        &self,
        channel: Channel,
        now: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<MailRecord>, StoreError> {
        claim::claim(&self.pool, channel, now, until, limit).await
    }

    async fn release_mail(&self, id: i64) -> Result<(), StoreError> {
        outbox::release(&self.pool, id).await
    }

    async fn mail_sent(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        outbox::sent(&self.pool, id, now).await
    }

    async fn mail_failed(&self, id: i64, failure: &MailFailure) -> Result<(), StoreError> {
        outbox::failed(&self.pool, id, failure).await
    }

    async fn outbox(&self, query: &OutboxQuery) -> Result<Vec<OutboxRow>, StoreError> {
        outbox_admin::list(&self.pool, query).await
    }

    async fn outbox_row(&self, id: i64) -> Result<Option<OutboxRow>, StoreError> {
        outbox_admin::one(&self.pool, id).await
    }

    async fn events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError> {
        events::list(&self.pool, query).await
    }

    async fn prune_events(&self, before: Timestamp) -> Result<u64, StoreError> {
        events::prune(&self.pool, before).await
    }
}
