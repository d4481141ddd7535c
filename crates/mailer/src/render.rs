//! `Renderer`: subject, text and HTML for each mail kind, from the templates in `templates/`.

use minijinja::Environment;
use tessera_core::mail::{MailContext, MailKind};

macro_rules! templates {
    ($($kind:literal),* $(,)?) => {
        &[$(
            (concat!($kind, ".subject.txt"), include_str!(concat!("../templates/", $kind, ".subject.txt"))),
            (concat!($kind, ".body.txt"), include_str!(concat!("../templates/", $kind, ".body.txt"))),
            (concat!($kind, ".body.html"), include_str!(concat!("../templates/", $kind, ".body.html"))),
        )*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "activation",
    "confirmation",
    "password_reset",
    "password_changed",
    "email_reset",
    "email_verification",
    "email_changed",
    "data_export",
    "login_code",
    "security_code",
    "two_factor_enabled",
    "two_factor_disabled",
    "authenticator_replaced",
    "recovery_code_used",
    "account_locked",
);

/// A mail ready to send.
#[derive(Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachment: Option<tessera_core::mail::Attachment>,
}

pub struct Renderer {
    env: Environment<'static>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    pub fn new() -> Self {
        let mut env = tessera_templates::environment();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("built-in mail templates parse");
        }
        Self { env }
    }

    pub fn render(
        &self,
        kind: MailKind,
        context: &MailContext,
    ) -> Result<Rendered, minijinja::Error> {
        let part = |suffix: &str| -> Result<String, minijinja::Error> {
            self.env
                .get_template(&format!("{}.{suffix}", kind.as_str()))?
                .render(minijinja::value::Serde(context))
        };
        Ok(Rendered {
            subject: part("subject.txt")?.trim().replace(['\r', '\n'], " "),
            text: part("body.txt")?,
            html: part("body.html")?,
            attachment: context.attachment.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_renders_and_html_is_escaped() {
        let r = Renderer::new();
        let ctx = MailContext {
            site_name: "Tessera <&>".into(),
            username: "ann".into(),
            email: "ann@x.io".into(),
            url: Some("https://app.example/activate/MQ/abc-123".into()),
            uid: Some("MQ".into()),
            code: Some("123456".into()),
            codes_left: Some(9),
            new_email: Some("new@x.io".into()),
            attachment: None,
            login_by: None,
        };
        for kind in [
            MailKind::Activation,
            MailKind::Confirmation,
            MailKind::PasswordReset,
            MailKind::PasswordChanged,
            MailKind::EmailReset,
            MailKind::EmailVerification,
            MailKind::DataExport,
            MailKind::EmailChanged,
            MailKind::LoginCode,
            MailKind::SecurityCode,
            MailKind::TwoFactorEnabled,
            MailKind::TwoFactorDisabled,
            MailKind::AuthenticatorReplaced,
            MailKind::RecoveryCodeUsed,
            MailKind::AccountLocked,
        ] {
            let m = r.render(kind, &ctx).unwrap();
            assert!(m.subject.contains("Tessera <&>"), "{kind:?}");
            assert!(m.html.contains("Tessera &lt;&amp;&gt;"), "{kind:?}");
        }
        let m = r.render(MailKind::Activation, &ctx).unwrap();
        assert!(m.text.contains("https://app.example/activate/MQ/abc-123"));
        let link = "<a href=\"https://app.example/activate/MQ/abc-123\">";
        assert!(m.html.contains(link), "{}", m.html);
        let m = r.render(MailKind::LoginCode, &ctx).unwrap();
        assert!(m.text.contains("123456") && m.html.contains("<strong>123456</strong>"));
        let m = r.render(MailKind::RecoveryCodeUsed, &ctx).unwrap();
        assert!(m.text.contains("9 are left"));
        let m = r.render(MailKind::EmailVerification, &ctx).unwrap();
        assert!(m.text.contains("once): 123456"));
    }
}
