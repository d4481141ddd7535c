//! The operator's use cases on the outbox, behind `tessera mail …` and the admin API: rows by
//! state, one row, a failed mail or webhook queued again, delivered rows purged. A mail given
//! up has lost its context (its links and codes do not outlive it), so a retry makes it again
//! from the account as it is now, with a fresh link, or refuses what cannot be made again.

use super::{Accounts, AdminError, Internal, Link, Operator};
use crate::domain::UserId;
use crate::events::{EventKind, NewEvent};
use crate::mail::{Channel, MailKind, NewMail, OutboxQuery, OutboxRow, OutboxState, Requeue};
use crate::ports::{CodePurpose, Tx};

/// The most failed rows one "retry all" takes.
const RETRY_ALL_AT_MOST: i64 = 1000;

/// What "retry all" did: the rows queued again, and those it could not, with why.
#[derive(Debug, Clone, Default)]
pub struct RetriedAll {
    pub retried: Vec<i64>,
    pub refused: Vec<(i64, String)>,
}

impl Accounts {
    /// The time `secs` ago.
    pub fn ago(&self, secs: i64) -> crate::Timestamp {
        self.now().plus_secs(secs.saturating_neg())
    }

    /// The outbox's rows `query` asks for, newest first.
    pub async fn outbox(&self, query: &OutboxQuery) -> Result<Vec<OutboxRow>, Internal> {
        Ok(self.store.outbox(query).await?)
    }

    pub async fn outbox_row(&self, id: i64) -> Result<OutboxRow, AdminError> {
        self.store
            .outbox_row(id)
            .await?
            .ok_or(AdminError::NoSuchMail)
    }

    /// Queue failed row `id` again: a webhook as it was, a mail made again.
    #[tracing::instrument(skip_all, fields(mail_id = id))]
    pub async fn retry_outbox(&self, op: &Operator, id: i64) -> Result<OutboxRow, AdminError> {
        let row = self.outbox_row(id).await?;
        if row.status != OutboxState::Failed.as_str() {
            return Err(AdminError::NotFailed(row.status));
        }
        let mut tx = self.begin().await?;
        let again = match Channel::parse(&row.channel) {
            Some(Channel::Webhook) => Requeue::Webhook,
            _ => Requeue::Mail(Box::new(self.made_again(tx.as_mut(), &row).await?)),
        };
        if !tx.requeue(id, &again, self.now()).await? {
            return Err(AdminError::NotFailed("queued again meanwhile".into()));
        }
        let event = NewEvent::by(EventKind::MailRetried, row.user_id.map(UserId), op.actor())
            .with("via", op.via())
            .with("mail_id", id)
            .with("kind", row.kind.as_str())
            .with("channel", row.channel.as_str());
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        self.outbox_row(id).await
    }

    /// Queue every failed row again (at most `RETRY_ALL_AT_MOST`), each in its own
    /// transaction.
    pub async fn retry_all_failed(&self, op: &Operator) -> Result<RetriedAll, AdminError> {
        let query = OutboxQuery {
            state: OutboxState::Failed,
            channel: None,
            since: None,
            limit: RETRY_ALL_AT_MOST,
        };
        let mut done = RetriedAll::default();
        for row in self.store.outbox(&query).await?.into_iter().rev() {
            match self.retry_outbox(op, row.id).await {
                Ok(_) => done.retried.push(row.id),
                Err(AdminError::Internal(e)) => return Err(e.into()),
                Err(refused) => done.refused.push((row.id, refused.to_string())),
            }
        }
        Ok(done)
    }

    /// Delete the rows delivered more than `older_than_secs` ago; how many went.
    #[tracing::instrument(skip_all)]
    pub async fn purge_sent(&self, op: &Operator, older_than_secs: i64) -> Result<u64, Internal> {
        let before = self.ago(older_than_secs);
        let mut tx = self.begin().await?;
        let purged = tx.purge_sent(before).await?;
        let event = NewEvent::by(EventKind::MailPurged, None, op.actor())
            .with("via", op.via())
            .with("purged", purged)
            .with("sent_before", before.0);
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        Ok(purged)
    }

    /// The failed mail `row` made again from its account as it is now.
    async fn made_again(&self, tx: &mut dyn Tx, row: &OutboxRow) -> Result<NewMail, AdminError> {
        let refuse = |why| AdminError::CannotRetry(row.kind.clone(), why);
        let kind = MailKind::parse(&row.kind).ok_or(refuse("Tessera does not know this kind"))?;
        let user = match row.user_id {
            Some(id) => tx.user_by_id(UserId(id)).await?,
            None => None,
        };
        let user = user.ok_or(refuse("it names no account"))?;
        let link = match kind {
            MailKind::Activation if user.is_active => return Err(refuse("the account is active")),
            MailKind::Activation => Link::Activation,
            MailKind::EmailVerification if user.email_verified => {
                return Err(refuse("the address is verified"));
            }
            MailKind::EmailVerification => Link::VerifyEmail,
            MailKind::PasswordReset | MailKind::EmailReset if !user.is_active => {
                return Err(refuse("the account is inactive"));
            }
            // Tessera's own reset pages serve every account, whichever dialect asked.
            MailKind::PasswordReset => Link::ResetPage,
            MailKind::EmailReset => Link::EmailReset,
            MailKind::LoginCode | MailKind::SecurityCode => {
                return Err(refuse("its code has expired; the user asks for a new one"));
            }
            MailKind::DataExport => return Err(refuse("the user asks for a new export")),
            MailKind::EmailChanged => {
                return Err(refuse("its undo link is gone and cannot be made again"));
            }
            MailKind::RecoveryCodeUsed => {
                let mut mail = self.mail_for(&user, kind);
                let left = tx
                    .live_codes(user.id, CodePurpose::Recovery, self.now())
                    .await?;
                mail.context.codes_left = Some(left);
                return Ok(mail);
            }
            MailKind::Confirmation
            | MailKind::PasswordChanged
            | MailKind::TwoFactorEnabled
            | MailKind::TwoFactorDisabled
            | MailKind::AuthenticatorReplaced
            | MailKind::AccountLocked => return Ok(self.mail_for(&user, kind)),
        };
        Ok(self.link_mail(tx, link, &user).await?)
    }
}
