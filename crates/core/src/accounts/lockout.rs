//! Login throttling: after a few consecutive wrong passwords each attempt waits longer, and
//! after more the account locks for a while (a mail tells its owner). The count is kept per
//! account (whichever of its names is tried), and per name when no account has it, so the
//! answers reveal nothing; it ends with a success, a password reset, or the lock running out.

use super::{Accounts, Internal, LoginName};
use crate::Timestamp;
use crate::domain::User;
use crate::events::{EventKind, NewEvent};
use crate::limits::Failures;
use crate::mail::MailKind;
use crate::observe::Login;

/// When attempts slow down and when the account locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// Consecutive failures allowed before each further attempt must wait.
    pub delay_after: u32,
    /// The longest wait between attempts, in seconds (it doubles from 1).
    pub max_delay_secs: i64,
    /// Consecutive failures that lock the account; 0 never locks.
    pub lock_after: u32,
    pub lock_secs: i64,
}

impl Default for Lockout {
    fn default() -> Self {
        Self {
            delay_after: 5,
            max_delay_secs: 60,
            lock_after: 10,
            lock_secs: 900,
        }
    }
}

impl Lockout {
    /// Seconds until the next attempt may be made after `f`, if it must wait.
    fn wait(&self, f: Failures, now: Timestamp) -> Option<i64> {
        let last = f.last?.0;
        let until = if self.lock_after > 0 && f.count >= self.lock_after {
            last + self.lock_secs
        } else if f.count >= self.delay_after {
            let doublings = (f.count - self.delay_after).min(30);
            last + (1_i64 << doublings).min(self.max_delay_secs)
        } else {
            return None;
        };
        (until > now.0).then_some(until - now.0)
    }

    fn locked(&self, f: Failures) -> bool {
        self.lock_after > 0 && f.count >= self.lock_after
    }
}

/// The counter key of a login: the account's when the name names one (its username and its
/// address count together), else the name's (case-insensitive: `Ann` and `ann` count
/// together).
pub(super) fn login_key(name: LoginName<'_>, account: Option<&User>) -> String {
    if let Some(user) = account {
        return format!("login:account:{}", user.id.0);
    }
    let raw = match name {
        LoginName::Email(s) | LoginName::Username(s) => s,
    };
    format!("login:{}", raw.trim().to_lowercase())
}

impl Accounts {
    /// Before checking a password: `Err(seconds)` while the name must wait; the failures
    /// counted so far otherwise (a lock that ran out starts the count afresh).
    pub(super) async fn login_gate(&self, key: &str) -> Result<Failures, i64> {
        let failures = self.limiter.failures(key, self.now()).await;
        if let Some(wait) = self.options.lockout.wait(failures, self.now()) {
            let locked = self.options.lockout.locked(failures);
            self.observe.login(if locked {
                Login::Locked
            } else {
                Login::Throttled
            });
            return Err(wait);
        }
        if self.options.lockout.locked(failures) {
            self.limiter.clear(key).await;
            return Ok(Failures::default());
        }
        Ok(failures)
    }

    /// A wrong password for `key`: counted, and when it locks an existing account, its
    /// owner is told.
    pub(super) async fn login_failed(
        &self,
        key: &str,
        user: Option<&User>,
    ) -> Result<(), Internal> {
        let lockout = self.options.lockout;
        let keep = lockout.lock_secs.max(lockout.max_delay_secs).max(60);
        let failures = self.limiter.fail(key, self.now(), keep).await;
        let Some(user) =
            user.filter(|_| lockout.lock_after > 0 && failures.count == lockout.lock_after)
        else {
            return Ok(());
        };
        let mut tx = self.begin().await?;
        self.queue_plain_mail(tx.as_mut(), MailKind::AccountLocked, user, &user.email)
            .await?;
        let event = NewEvent::by(EventKind::Lockout, Some(user.id), None)
            .with("until", self.now().0 + lockout.lock_secs);
        self.record(tx.as_mut(), event).await?;
        self.commit(tx).await?;
        tracing::warn!(
            user_id = user.id.0,
            "account locked after repeated wrong passwords"
        );
        Ok(())
    }

    /// Forget the account's failures (after a password reset).
    pub(super) async fn clear_login_failures(&self, user: &User) {
        let key = login_key(LoginName::Username(user.username.as_str()), Some(user));
        self.limiter.clear(&key).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_then_the_lock_holds_then_ends() {
        let l = Lockout::default();
        let at = |count, last| Failures {
            count,
            last: Some(Timestamp(last)),
        };
        let now = Timestamp(1_000);
        assert_eq!(l.wait(at(4, 1_000), now), None);
        assert_eq!(l.wait(at(5, 1_000), now), Some(1));
        assert_eq!(l.wait(at(7, 1_000), now), Some(4));
        assert_eq!(l.wait(at(9, 1_000), now), Some(16));
        assert_eq!(l.wait(at(9, 900), now), None);
        assert_eq!(l.wait(at(10, 1_000), now), Some(900));
        assert_eq!(l.wait(at(10, 100), now), None);
        assert!(l.locked(at(10, 100)));
        assert_eq!(
            login_key(LoginName::Email(" Ann@X.io "), None),
            "login:ann@x.io"
        );
    }
}
