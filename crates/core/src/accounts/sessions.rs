//! Sessions: each login opens one (its refresh tokens, rotated from one another, form a
//! family); the owner lists them and ends one or all ("log out everywhere").

use super::{Accounts, Internal};
use crate::domain::{ClientInfo, User};
use crate::events::{EventKind, NewEvent};
use crate::ports::Tx;
use crate::records::SessionRecord;
use crate::tokens::{Subject, TokenPair};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no such session of this account")]
    NotFound,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl Accounts {
    /// Open a session for `user` from `client` inside `tx`: its first token pair.
    pub(super) async fn open_session(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        client: &ClientInfo,
    ) -> Result<TokenPair, Internal> {
        let now = self.now();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let who = Subject {
            user: user.id,
            username: Some(user.username.as_str()),
            session: Some(&id),
        };
        let pair = self.jwt.pair(who, now);
        let session = SessionRecord {
            id: id.clone(),
            user_id: user.id.0,
            created_at: now.0,
            last_used_at: now.0,
            expires_at: pair.refresh_claims.exp,
            user_agent: client.user_agent.clone(),
            ip: client.ip_text(),
            revoked_at: None,
        };
        tx.insert_session(&session).await?;
        tx.add_outstanding(&pair.refresh_claims).await?;
        Ok(pair)
    }

    /// A fresh pair in the live session `session` of `user` (its family gains a refresh
    /// token), or in a new session when there is none.
    pub(super) async fn pair_in_session(
        &self,
        tx: &mut dyn Tx,
        user: &User,
        session: Option<&str>,
        client: &ClientInfo,
    ) -> Result<TokenPair, Internal> {
        let live = match session {
            Some(id) => tx
                .session(id)
                .await?
                .filter(|s| s.user_id == user.id.0 && s.revoked_at.is_none()),
            None => None,
        };
        let Some(live) = live else {
            return self.open_session(tx, user, client).await;
        };
        let who = Subject {
            user: user.id,
            username: Some(user.username.as_str()),
            session: Some(&live.id),
        };
        let pair = self.jwt.pair(who, self.now());
        tx.add_outstanding(&pair.refresh_claims).await?;
        Ok(pair)
    }

    /// The account's live sessions, newest first.
    pub async fn sessions(&self, user: &User) -> Result<Vec<SessionRecord>, Internal> {
        Ok(self.store.sessions(user.id, self.now()).await?)
    }

    /// End one of the account's sessions: its refresh tokens stop refreshing.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn end_session(&self, user: &User, id: &str) -> Result<(), SessionError> {
        let session = self.store.session(id).await.map_err(Internal::from)?;
        let live = session.filter(|s| s.user_id == user.id.0 && s.revoked_at.is_none());
        if live.is_none() {
            return Err(SessionError::NotFound);
        }
        let mut tx = self.begin().await?;
        tx.revoke_session(id, self.now())
            .await
            .map_err(Internal::from)?;
        let event = NewEvent::by_owner(EventKind::SessionEnded, user.id).with("session", id);
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        tracing::info!("session ended");
        Ok(())
    }

    /// Log out everywhere: every session of the account ends.
    #[tracing::instrument(skip_all, fields(user_id = user.id.0))]
    pub async fn end_all_sessions(&self, user: &User) -> Result<(), Internal> {
        let mut tx = self.begin().await?;
        tx.blacklist_all(user.id, None, self.now()).await?;
        let event = NewEvent::by_owner(EventKind::SessionsEnded, user.id);
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        tracing::info!("all sessions ended");
        Ok(())
    }
}
