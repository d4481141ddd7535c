//! Where mailed links point: the frontend's pages (Djoser's URL settings) and Tessera's own
//! pages, and which mail carries which link.

use crate::mail::{LoginBy, MailKind};

/// Where mailed links point, and the site name mails carry.
#[derive(Debug, Clone)]
pub struct Links {
    pub site_name: String,
    pub frontend_url: String,
    /// e.g. `activate/{uid}/{token}`
    pub activation: String,
    /// e.g. `password/reset/confirm/{uid}/{token}`
    pub password_reset: String,
    /// e.g. `email/reset/confirm/{uid}/{token}`
    pub email_reset: String,
    /// Where Tessera itself is reached from outside (links to its own pages).
    pub public_url: String,
    /// Tessera's own pages, under `public_url`, as the HTTP layer serves them.
    pub pages: OwnPages,
}

/// The paths of Tessera's own pages that mails link to (`{uid}`, `{token}` filled in).
#[derive(Debug, Clone)]
pub struct OwnPages {
    /// Where a mailed password-reset link leads (the Auth API's reset pages).
    pub password_reset: String,
    /// Where a mailed e-mail verification link leads.
    pub verify_email: String,
    /// Where the link that undoes an e-mail change leads (`{token}` only).
    pub undo_email_change: String,
}

/// A mailed uid/token link: which mail carries it, and where it points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Link {
    /// The frontend's ACTIVATION_URL.
    Activation,
    /// The frontend's PASSWORD_RESET_CONFIRM_URL (Djoser dialect).
    PasswordReset,
    /// The frontend's e-mail reset page.
    EmailReset,
    /// Tessera's own reset pages (Auth API dialect).
    ResetPage,
    /// Tessera's own e-mail verification page.
    VerifyEmail,
}

impl Link {
    pub(super) fn mail_kind(self) -> MailKind {
        match self {
            Self::Activation => MailKind::Activation,
            Self::PasswordReset | Self::ResetPage => MailKind::PasswordReset,
            Self::EmailReset => MailKind::EmailReset,
            Self::VerifyEmail => MailKind::EmailVerification,
        }
    }

    /// The frontend's links are the Djoser dialect's, whose users log in with their address;
    /// Tessera's own pages are the Auth API's, whose users log in with their username.
    pub(super) fn login_by(self) -> LoginBy {
        match self {
            Self::Activation | Self::PasswordReset | Self::EmailReset => LoginBy::Email,
            Self::ResetPage | Self::VerifyEmail => LoginBy::Username,
        }
    }
}

impl Links {
    /// The URL of `link` for this uid and token.
    pub(super) fn url(&self, link: Link, uid: &str, token: &str) -> String {
        let (base, template) = match link {
            Link::Activation => (&self.frontend_url, self.activation.as_str()),
            Link::PasswordReset => (&self.frontend_url, self.password_reset.as_str()),
            Link::EmailReset => (&self.frontend_url, self.email_reset.as_str()),
            Link::ResetPage => (&self.public_url, self.pages.password_reset.as_str()),
            Link::VerifyEmail => (&self.public_url, self.pages.verify_email.as_str()),
        };
        let path = template.replace("{uid}", uid).replace("{token}", token);
        join(base, &path)
    }

    /// The link that undoes an e-mail change, to Tessera's own page.
    pub(super) fn undo_url(&self, token: &str) -> String {
        let path = self.pages.undo_email_change.replace("{token}", token);
        join(&self.public_url, &path)
    }
}

/// `base` and `path` with one slash between them.
fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}
