//! Sessions: log in for a token pair, refresh, verify, and authenticate a bearer token.

use super::lockout::login_key;
use super::{Accounts, Challenge, Internal};
use crate::domain::{ClientInfo, EmailAddress, Password, User, UserId};
use crate::events::{EventKind, LoginFailure, NewEvent};
use crate::observe::Login;
use crate::passwords::Verification;
use crate::records::OutstandingRecord;
use crate::tokens::{Claims, JwtError, Subject, TokenPair, TokenType};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown account, wrong password or inactive account: one answer for all three.
    #[error("no active account found with the given credentials")]
    InvalidCredentials,
    /// Too many wrong passwords for this name lately: retry in so many seconds.
    #[error("too many failed logins; retry in {retry_after} s")]
    Throttled { retry_after: i64 },
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Token(JwtError),
    #[error("the token is blacklisted")]
    Blacklisted,
    #[error("no active account for this token")]
    NoActiveAccount,
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Token(JwtError),
    #[error("the token is blacklisted")]
    Blacklisted,
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Token(JwtError),
    #[error("the token's user does not exist")]
    UserNotFound,
    #[error("the token's user is inactive")]
    UserInactive,
    #[error("the token was revoked")]
    Revoked,
    #[error(transparent)]
    Internal(#[from] Internal),
}

#[derive(Debug, thiserror::Error)]
pub enum LogoutError {
    #[error(transparent)]
    Token(JwtError),
    #[error("the token is blacklisted")]
    Blacklisted,
    #[error(transparent)]
    Internal(#[from] Internal),
}

/// How a user names their account at login.
#[derive(Debug, Clone, Copy)]
pub enum LoginName<'a> {
    Email(&'a str),
    Username(&'a str),
}

/// What a correct password leads to.
#[derive(Debug)]
pub enum LoginOutcome {
    /// 2FA is off: the token pair.
    Session(User, TokenPair),
    /// 2FA is on: no tokens until the challenge is answered.
    Challenge(User, Challenge),
}

/// What refreshing does with the presented refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    /// Answer a new refresh token too.
    pub rotate: bool,
    /// Blacklist the presented one (only with `rotate`).
    pub blacklist: bool,
}

/// A refresh answer: a new access token, and a new refresh token when rotation is on.
#[derive(Debug, Clone)]
pub struct Refreshed {
    pub access: String,
    pub refresh: Option<String>,
}

impl Accounts {
    /// Check credentials; answer a pair, or a challenge when 2FA is on. Costs one password
    /// check whatever the outcome.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        name: LoginName<'_>,
        password: &Password,
        client: &ClientInfo,
    ) -> Result<LoginOutcome, LoginError> {
        let user = self.check_credentials(name, password).await?;
        let mut tx = self.begin().await?;
        let (outcome, observed) = if user.two_fa_enabled {
            let challenge = self.open_challenge(tx.as_mut(), &user).await?;
            let outcome = LoginOutcome::Challenge(user, challenge);
            (outcome, Login::SecondFactorRequired)
        } else {
            let pair = self.open_session(tx.as_mut(), &user, client).await?;
            let event = NewEvent::by_owner(EventKind::LoginSucceeded, user.id);
            self.record(tx.as_mut(), event).await?;
            (LoginOutcome::Session(user, pair), Login::Success)
        };
        self.commit(tx).await?;
        self.observe.login(observed);
        Ok(outcome)
    }

    /// The active account these credentials name (its password hash upgraded when due).
    /// Wrong passwords are counted per account when the name names one (its username and
    /// its address share one count), and per name when it does not.
    pub(super) async fn check_credentials(
        &self,
        name: LoginName<'_>,
        password: &Password,
    ) -> Result<User, LoginError> {
        let found = match name {
            LoginName::Email(raw) => match EmailAddress::parse(raw) {
                Ok(email) => self.store.user_by_email(&email).await,
                Err(_) => Ok(None),
            },
            LoginName::Username(raw) => self.store.user_by_username(raw.trim()).await,
        };
        let user = found.map_err(Internal::from)?;
        let key = login_key(name, user.as_ref());
        let failures = match self.login_gate(&key).await {
            Ok(failures) => failures,
            Err(retry_after) => {
                let refused =
                    NewEvent::login_failed(user.as_ref().map(|u| u.id), LoginFailure::Throttled);
                self.record_alone(refused).await?;
                return Err(LoginError::Throttled { retry_after });
            }
        };
        let verdict = self
            .hasher
            .verify(password.expose(), user.as_ref().map(|u| &u.password_hash))
            .await
            .map_err(Internal::from)?;
        let (Some(mut user), Verification::Valid { needs_rehash }) = (user.clone(), verdict) else {
            self.observe.login(Login::WrongCredentials);
            self.login_failed(&key, user.as_ref()).await?;
            let reason = match user {
                Some(_) => LoginFailure::WrongPassword,
                None => LoginFailure::UnknownAccount,
            };
            let refused = NewEvent::login_failed(user.as_ref().map(|u| u.id), reason);
            self.record_alone(refused).await?;
            return Err(LoginError::InvalidCredentials);
        };
        if failures.count > 0 {
            self.limiter.clear(&key).await;
        }
        if !user.is_active {
            self.observe.login(Login::Inactive);
            let refused = NewEvent::login_failed(Some(user.id), LoginFailure::Inactive);
            self.record_alone(refused).await?;
            return Err(LoginError::InvalidCredentials);
        }
        if needs_rehash {
            let upgraded = self
                .hasher
                .hash(password.expose())
                .await
                .map_err(Internal::from)?;
            let mut tx = self.begin().await?;
            // Only while the hash is the one just checked: a change or reset that committed
            // meanwhile wins over the upgrade of the old password.
            let done = tx
                .upgrade_password_hash(user.id, &user.password_hash, &upgraded)
                .await
                .map_err(Internal::from)?;
            self.commit(tx).await?;
            if done {
                user.password_hash = upgraded;
                tracing::info!(user_id = user.id.0, "password hash upgraded");
            }
        }
        Ok(user)
    }

    /// The rotation this deployment's configuration asks for (the Djoser dialect's).
    pub fn configured_rotation(&self) -> Rotation {
        Rotation {
            rotate: self.jwt.config.rotate_refresh_tokens,
            blacklist: self.jwt.config.blacklist_after_rotation,
        }
    }

    /// Blacklist a refresh token so it can never refresh again, and end its session.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, token: &str) -> Result<(), LogoutError> {
        let claims = self
            .jwt
            .decode(token, Some(TokenType::Refresh), self.now())
            .map_err(LogoutError::Token)?;
        let now = self.now();
        let mut tx = self.begin().await?;
        if !tx.blacklist(&claims, now).await.map_err(Internal::from)? {
            return Err(LogoutError::Blacklisted);
        }
        if let Some(sid) = &claims.sid {
            tx.revoke_session(sid, now).await.map_err(Internal::from)?;
        }
        let event = NewEvent::by_owner(EventKind::Logout, claims.user_id());
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// A new access token (and refresh token, when rotating) in the refresh token's session.
    /// A rotated-out token presented again after the grace window ends its whole session.
    #[tracing::instrument(skip_all)]
    pub async fn refresh(
        &self,
        token: &str,
        rotation: Rotation,
        client: &ClientInfo,
    ) -> Result<Refreshed, RefreshError> {
        let claims = self
            .jwt
            .decode(token, Some(TokenType::Refresh), self.now())
            .map_err(RefreshError::Token)?;
        let now = self.now();
        let issued = self
            .store
            .outstanding(&claims.jti)
            .await
            .map_err(Internal::from)?;
        let blacklisted = match &issued {
            Some(record) => record.blacklisted,
            None => self
                .store
                .is_blacklisted(&claims.jti)
                .await
                .map_err(Internal::from)?,
        };
        if blacklisted {
            self.refused_refresh(issued.as_ref(), now).await?;
        }
        let session = match issued.and_then(|r| r.session_id) {
            Some(sid) => self.store.session(&sid).await.map_err(Internal::from)?,
            None => None,
        };
        if session.as_ref().is_some_and(|s| s.revoked_at.is_some()) {
            return Err(RefreshError::Blacklisted);
        }
        let user = self
            .store
            .user_by_id(claims.user_id())
            .await
            .map_err(Internal::from)?;
        let user = user
            .filter(|u| u.is_active)
            .ok_or(RefreshError::NoActiveAccount)?;
        let who = Subject {
            user: user.id,
            username: Some(user.username.as_str()),
            session: session.as_ref().map(|s| s.id.as_str()),
        };
        let (access, _) = self.jwt.mint(TokenType::Access, who, now);
        let mut tx = self.begin().await?;
        let mut refresh = None;
        if rotation.rotate {
            if rotation.blacklist {
                // Already rotated out means a concurrent refresh inside the grace window.
                tx.rotate_out(&claims, now).await.map_err(Internal::from)?;
            }
            let (token, new_claims) = self.jwt.mint(TokenType::Refresh, who, now);
            tx.add_outstanding(&new_claims)
                .await
                .map_err(Internal::from)?;
            refresh = Some((token, new_claims.exp));
        }
        if let Some(mut session) = session {
            session.last_used_at = now.0;
            session.ip = client.ip_text();
            session.user_agent.clone_from(&client.user_agent);
            if let Some((_, exp)) = &refresh {
                session.expires_at = session.expires_at.max(*exp);
            }
            tx.touch_session(&session).await.map_err(Internal::from)?;
        }
        self.commit(tx).await?;
        Ok(Refreshed {
            access,
            refresh: refresh.map(|(token, _)| token),
        })
    }

    /// A blacklisted refresh token: fine inside the grace window after its rotation (two
    /// tabs refreshing at once); a replay after it, which ends the session; else refused.
    async fn refused_refresh(
        &self,
        issued: Option<&OutstandingRecord>,
        now: crate::Timestamp,
    ) -> Result<(), RefreshError> {
        let Some(rotated_at) = issued.and_then(|r| r.rotated_at) else {
            return Err(RefreshError::Blacklisted);
        };
        if now.0 - rotated_at <= self.options.refresh_grace_secs {
            return Ok(());
        }
        if let Some(sid) = issued.and_then(|r| r.session_id.as_deref()) {
            let mut tx = self.begin().await?;
            tx.revoke_session(sid, now).await.map_err(Internal::from)?;
            let user = issued.map(|r| UserId(r.user_id));
            let event = NewEvent::by(EventKind::RefreshReuseDetected, user, None);
            self.record(tx.as_mut(), event.with("session", sid)).await?;
            self.commit(tx).await?;
            tracing::warn!(
                user_id = issued.map_or(0, |r| r.user_id),
                "a rotated-out refresh token was replayed; its session is ended"
            );
        }
        Err(RefreshError::Blacklisted)
    }

    /// SimpleJWT's verify: any token type, signature and expiry, and the blacklist.
    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let claims = self
            .jwt
            .decode(token, None, self.now())
            .map_err(VerifyError::Token)?;
        if self.jwt.config.blacklist_after_rotation
            && self
                .store
                .is_blacklisted(&claims.jti)
                .await
                .map_err(Internal::from)?
        {
            return Err(VerifyError::Blacklisted);
        }
        Ok(claims)
    }

    /// The active user an access token belongs to, and the session it was issued in; one read.
    /// A token of an ended session, or issued before the account's tokens were voided (a
    /// password change or reset, "log out everywhere"), no longer stands.
    pub async fn authenticate(&self, token: &str) -> Result<(User, Option<String>), AuthError> {
        let claims = self
            .jwt
            .decode(token, Some(TokenType::Access), self.now())
            .map_err(AuthError::Token)?;
        let found = self
            .store
            .bearer(claims.user_id(), claims.sid.as_deref())
            .await
            .map_err(Internal::from)?;
        let found = found.ok_or(AuthError::UserNotFound)?;
        if !found.admits(claims.iat, claims.sid.as_deref()) {
            return Err(AuthError::Revoked);
        }
        let user = User::from(found.user);
        if !user.is_active {
            return Err(AuthError::UserInactive);
        }
        Ok((user, claims.sid))
    }
}
