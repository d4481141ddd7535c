// Shared by both store crates, which `include!` it: `StoreTx`: one transaction implementing the `Tx` port.
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::two_factor as tf;
use crate::{admin, backend, emails, events, ids, import, outbox, outbox_admin, sessions, users};
use async_trait::async_trait;
use sqlx::Transaction;
use tessera_core::Timestamp;
use tessera_core::domain::{EmailAddress, NewUser, User, UserId};
use tessera_core::events::NewEvent;
use tessera_core::mail::{NewMail, NewWebhook, Requeue};
use tessera_core::passwords::StoredHash;
use tessera_core::ports::{CodePurpose, Queued, StoreError, Tx};
use tessera_core::records::{
    ChallengeRecord, EmailUndoRecord, ImportedTokenRecord, SessionRecord, TotpFactorRecord,
};
use tessera_core::tokens::Claims;

pub(crate) struct StoreTx {
    tx: Transaction<'static, Db>,
    /// What was enqueued in this transaction.
    queued: Queued,
}

impl StoreTx {
    pub(crate) fn new(tx: Transaction<'static, Db>) -> Self {
        Self {
            tx,
            queued: Queued::default(),
        }
    }
}

#[async_trait]
impl Tx for StoreTx {
    async fn user_by_id(&mut self, id: UserId) -> Result<Option<User>, StoreError> {
        users::by_id(&mut *self.tx, id).await
    }

    async fn user_by_email(&mut self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        users::by_email(&mut *self.tx, email).await
    }

    async fn insert_user(&mut self, user: &NewUser) -> Result<User, StoreError> {
        let id = users::insert(&mut *self.tx, user).await?;
        users::by_id(&mut *self.tx, id)
            .await?
            .ok_or_else(|| backend(sqlx::Error::RowNotFound))
    }

    async fn save_profile(&mut self, user: &User) -> Result<(), StoreError> {
        users::save_profile(&mut *self.tx, user).await
    }

    async fn set_password_hash(
        &mut self,
        user: UserId,
        hash: &StoredHash,
    ) -> Result<(), StoreError> {
        users::set_password_hash(&mut *self.tx, user, hash.as_str()).await
    }

    async fn upgrade_password_hash(
        &mut self,
        user: UserId,
        from: &StoredHash,
        to: &StoredHash,
    ) -> Result<bool, StoreError> {
        users::upgrade_password_hash(&mut *self.tx, user, from.as_str(), to.as_str()).await
    }

    async fn record_login(&mut self, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        users::record_login(&mut *self.tx, user, at.0).await
    }

    async fn set_active(&mut self, user: UserId, active: bool) -> Result<(), StoreError> {
        users::set_active(&mut *self.tx, user, active).await
    }

    async fn set_staff(&mut self, user: UserId, staff: bool) -> Result<(), StoreError> {
        admin::set_staff(&mut *self.tx, user, staff).await
    }

    async fn delete_user(&mut self, id: UserId) -> Result<(), StoreError> {
        users::delete(&mut *self.tx, id).await
    }

    async fn set_email(
        &mut self,
        user: UserId,
        email: &EmailAddress,
        verified: bool,
    ) -> Result<(), StoreError> {
        emails::set_address(&mut *self.tx, user, email, verified).await
    }

    async fn mark_email_verified(&mut self, user: UserId) -> Result<(), StoreError> {
        emails::mark_verified(&mut *self.tx, user).await
    }

    async fn pending_email(&mut self, user: UserId) -> Result<Option<EmailAddress>, StoreError> {
        emails::pending(&mut *self.tx, user).await
    }

    async fn put_pending_email(
        &mut self,
        user: UserId,
        email: &EmailAddress,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        emails::put_pending(&mut *self.tx, user, email, now).await
    }

    async fn clear_pending_email(&mut self, user: UserId) -> Result<(), StoreError> {
        emails::clear_pending(&mut *self.tx, user).await
    }

    async fn insert_email_undo(&mut self, undo: &EmailUndoRecord) -> Result<(), StoreError> {
        emails::insert_undo(&mut *self.tx, undo).await
    }

    async fn email_undo(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<EmailUndoRecord>, StoreError> {
        emails::undo(&mut *self.tx, token_hash).await
    }

    async fn clear_email_undo(&mut self, user: UserId) -> Result<(), StoreError> {
        emails::clear_undo(&mut *self.tx, user).await
    }

    async fn record_event(&mut self, event: &NewEvent, now: Timestamp) -> Result<(), StoreError> {
        events::record(&mut *self.tx, event, now).await
    }

    async fn enqueue_mail(&mut self, mail: &NewMail, now: Timestamp) -> Result<(), StoreError> {
        outbox::enqueue(&mut *self.tx, mail, now).await?;
        self.queued.mails += 1;
        Ok(())
    }

    async fn requeue(
        &mut self,
        id: i64,
        again: &Requeue,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mail = match again {
            Requeue::Mail(mail) => Some(mail.as_ref()),
            Requeue::Webhook => None,
        };
        let done = outbox_admin::requeue(&mut *self.tx, id, mail, now).await?;
        if done {
            match again {
                Requeue::Mail(_) => self.queued.mails += 1,
                Requeue::Webhook => self.queued.webhooks += 1,
            }
        }
        Ok(done)
    }

    async fn purge_sent(&mut self, before: Timestamp) -> Result<u64, StoreError> {
        outbox_admin::purge_sent(&mut *self.tx, before).await
    }

    async fn enqueue_webhook(
        &mut self,
        hook: &NewWebhook,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        outbox::enqueue_webhook(&mut *self.tx, hook, now).await?;
        self.queued.webhooks += 1;
        Ok(())
    }

    async fn add_outstanding(&mut self, claims: &Claims) -> Result<(), StoreError> {
        sessions::add_outstanding(&mut *self.tx, claims).await
    }

    async fn blacklist_all(
        &mut self,
        user: UserId,
        keep: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO blacklisted_tokens (jti, blacklisted_at, expires_at)
             SELECT jti, $1, expires_at FROM outstanding_tokens
             WHERE user_id = $2 AND expires_at > $1
               AND COALESCE(session_id <> $3, TRUE)
             ON CONFLICT (jti) DO NOTHING",
            now.0,
            user.0,
            keep
        )
        .execute(&mut *self.tx)
        .await
        .map_err(backend)?;
        sessions::mark_all_revoked(&mut *self.tx, user, keep, now).await?;
        users::void_tokens_before(&mut *self.tx, user, keep, now.0).await
    }

    async fn session(&mut self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        sessions::by_id(&mut *self.tx, id).await
    }

    async fn insert_session(&mut self, session: &SessionRecord) -> Result<(), StoreError> {
        sessions::insert(&mut *self.tx, session).await
    }

    async fn touch_session(&mut self, session: &SessionRecord) -> Result<(), StoreError> {
        sessions::touch(&mut *self.tx, session).await
    }

    async fn revoke_session(&mut self, id: &str, now: Timestamp) -> Result<(), StoreError> {
        sessions::blacklist_session(&mut *self.tx, id, now).await?;
        sessions::mark_revoked(&mut *self.tx, id, now).await
    }

    async fn rotate_out(&mut self, claims: &Claims, now: Timestamp) -> Result<bool, StoreError> {
        let fresh = self.blacklist(claims, now).await?;
        sessions::mark_rotated(&mut *self.tx, &claims.jti, now).await?;
        Ok(fresh)
    }

    async fn blacklist(&mut self, claims: &Claims, now: Timestamp) -> Result<bool, StoreError> {
        sessions::blacklist_jti(&mut *self.tx, &claims.jti, now.0, claims.exp).await
    }

    async fn put_totp_factor(&mut self, factor: &TotpFactorRecord) -> Result<(), StoreError> {
        tf::put_totp_factor(&mut *self.tx, factor).await
    }

    async fn totp_factor(&mut self, user: UserId) -> Result<Option<TotpFactorRecord>, StoreError> {
        tf::totp_factor(&mut *self.tx, user).await
    }

    async fn confirm_totp_factor(
        &mut self,
        user: UserId,
        step: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        tf::confirm_totp_factor(&mut *self.tx, user, step, now).await
    }

    async fn set_two_fa_enabled(&mut self, user: UserId, on: bool) -> Result<(), StoreError> {
        users::set_two_fa_enabled(&mut *self.tx, user, on).await
    }

    async fn delete_totp_factor(&mut self, user: UserId) -> Result<(), StoreError> {
        tf::delete_totp_factor(&mut *self.tx, user).await
    }

    async fn use_totp_step(&mut self, user: UserId, step: i64) -> Result<bool, StoreError> {
        tf::use_totp_step(&mut *self.tx, user, step).await
    }

    async fn live_codes(
        &mut self,
        user: UserId,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        tf::live_codes(&mut *self.tx, user, purpose, now).await
    }

    async fn replace_codes(
        &mut self,
        user: UserId,
        purpose: CodePurpose,
        hashes: &[String],
        expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        tf::delete_codes(&mut *self.tx, user, purpose).await?;
        for hash in hashes {
            tf::insert_code(&mut *self.tx, user, purpose, hash, expires_at, now).await?;
        }
        Ok(())
    }

    async fn consume_code(
        &mut self,
        user: UserId,
        purpose: CodePurpose,
        hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        tf::consume_code(&mut *self.tx, user, purpose, hash, now).await
    }

    async fn code_guess_failed(
        &mut self,
        user: UserId,
        purpose: CodePurpose,
        max: i64,
    ) -> Result<(), StoreError> {
        tf::count_guess(&mut *self.tx, user, purpose).await?;
        tf::delete_guessed(&mut *self.tx, user, purpose, max).await
    }

    async fn insert_challenge(&mut self, challenge: &ChallengeRecord) -> Result<(), StoreError> {
        tf::prune_challenges(&mut *self.tx, challenge.user_id, challenge.created_at).await?;
        tf::insert_challenge(&mut *self.tx, challenge).await
    }

    async fn challenge_failed(&mut self, ticket_hash: &str) -> Result<i64, StoreError> {
        tf::challenge_failed(&mut *self.tx, ticket_hash).await
    }

    async fn clear_challenges(&mut self, user: UserId) -> Result<(), StoreError> {
        tf::clear_challenges(&mut *self.tx, user).await
    }

    async fn note_code_failure(&mut self, user: UserId, now: Timestamp) -> Result<(), StoreError> {
        let old = tf::failures_kept_from(now);
        tf::forget_failures(&mut *self.tx, user, Some(old)).await?;
        tf::note_failure(&mut *self.tx, user, now).await
    }

    async fn clear_code_failures(&mut self, user: UserId) -> Result<(), StoreError> {
        tf::forget_failures(&mut *self.tx, user, None).await
    }

    async fn import_users(&mut self, users: &[User]) -> Result<Vec<bool>, StoreError> {
        let batch = Batch::of(users, |u| u.id.0);
        let written = import::users(&mut self.tx, &batch.rows).await?;
        Ok(batch.written(|u| written.contains(&u.id.0)))
    }

    async fn follow_imported_ids(&mut self, highest: UserId) -> Result<(), StoreError> {
        ids::follow_imported(&mut self.tx, highest.0).await
    }

    async fn import_refresh_tokens(
        &mut self,
        tokens: &[ImportedTokenRecord],
    ) -> Result<Vec<bool>, StoreError> {
        let batch = Batch::of(tokens, |t| t.jti.as_str());
        let written = import::outstanding(&mut self.tx, &batch.rows).await?;
        import::blacklisted(&mut self.tx, &batch.rows).await?;
        Ok(batch.written(|t| written.contains(&t.jti)))
    }

    async fn import_totp_factors(
        &mut self,
        factors: &[TotpFactorRecord],
    ) -> Result<Vec<bool>, StoreError> {
        let batch = Batch::of(factors, |f| f.user_id);
        let written = import::totp_factors(&mut self.tx, &batch.rows).await?;
        Ok(batch.written(|f| written.contains(&f.user_id)))
    }

    fn queued(&self) -> Queued {
        self.queued
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(backend)
    }
}

/// The rows of an imported batch its statement is given: the first of each key (a later row
/// with the same key is not written, as it would meet the first), in their order.
struct Batch<'a, T> {
    rows: Vec<&'a T>,
    first: Vec<bool>,
}

impl<'a, T> Batch<'a, T> {
    fn of<K: Eq + std::hash::Hash>(all: &'a [T], key: impl Fn(&'a T) -> K) -> Self {
        let mut seen = std::collections::HashSet::with_capacity(all.len());
        let first: Vec<bool> = all.iter().map(|row| seen.insert(key(row))).collect();
        let rows = all
            .iter()
            .zip(&first)
            .filter(|(_, f)| **f)
            .map(|(r, _)| r)
            .collect();
        Self { rows, first }
    }

    /// For every row of the batch, whether it was written, `was_written` telling it of the
    /// rows given to the statement.
    fn written(&self, was_written: impl Fn(&T) -> bool) -> Vec<bool> {
        let mut given = self.rows.iter();
        self.first
            .iter()
            .map(|&first| first && given.next().is_some_and(|row| was_written(row)))
            .collect()
    }
}
