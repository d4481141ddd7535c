//! `Renderer`: subject, text and HTML for each mail kind, in the account's language, from the
//! templates in `templates/` (or the operator's overrides of them).

use minijinja::Value;
use std::path::Path;
use tessera_core::domain::Lang;
use tessera_core::mail::{LoginBy, MailContext, MailKind};
use tessera_templates::{Library, Sources, TemplateError};

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
    library: Library,
}

impl Renderer {
    /// The built-in templates with the overrides in `dir` (its `mail/` and `lang/`). With
    /// overrides every one is checked in every language now, so a broken one stops start-up;
    /// the built-in ones alone are loaded on the first mail.
    pub fn new(dir: Option<&Path>) -> Result<Self, TemplateError> {
        let sources = Sources {
            folder: "mail",
            templates: TEMPLATES,
            sample: || Value::from(minijinja::value::Serde(sample())),
        };
        Ok(Self {
            library: Library::load(sources, dir)?,
        })
    }

    pub fn render(
        &self,
        kind: MailKind,
        context: &MailContext,
    ) -> Result<Rendered, minijinja::Error> {
        let ctx = Value::from(minijinja::value::Serde(context));
        let part = |suffix: &str| -> Result<String, minijinja::Error> {
            self.library
                .render(&format!("{}.{suffix}", kind.as_str()), &ctx)
        };
        Ok(Rendered {
            subject: part("subject.txt")?.trim().replace(['\r', '\n'], " "),
            text: part("body.txt")?,
            html: part("body.html")?,
            attachment: context.attachment.clone(),
        })
    }
}

/// Every value a mail template is given, each set.
fn sample() -> MailContext {
    MailContext {
        site_name: "Tessera".into(),
        username: "ann".into(),
        email: "ann@example.com".into(),
        url: Some("https://app.example/activate/MQ/abc-123".into()),
        uid: Some("MQ".into()),
        code: Some("123456".into()),
        codes_left: Some(9),
        new_email: Some("new@example.com".into()),
        attachment: None,
        login_by: Some(LoginBy::Username),
        lang: Lang::En,
        message_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_renders_and_html_is_escaped() {
        let r = Renderer::new(None).unwrap();
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
            lang: Lang::En,
            message_id: None,
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
        let es = MailContext {
            lang: Lang::Es,
            ..ctx.clone()
        };
        let m = r.render(MailKind::PasswordReset, &es).unwrap();
        assert_eq!(m.subject, "Restablecer la contraseña en Tessera <&>");
        let fr = MailContext {
            lang: Lang::Fr,
            ..ctx.clone()
        };
        let m = r.render(MailKind::Activation, &fr).unwrap();
        assert!(m.text.contains("L’équipe Tessera <&>"), "{}", m.text);
    }

    /// "1 is left", not "1 are left": the count chooses the sentence, by each language's rule.
    #[test]
    fn the_recovery_codes_left_are_counted_in_each_language() {
        let r = Renderer::new(None).unwrap();
        let cases = [
            (Lang::En, 0, "Each code works once; that was the last one."),
            (Lang::En, 1, "Each code works once; 1 is left."),
            (Lang::En, 2, "Each code works once; 2 are left."),
            (
                Lang::Es,
                0,
                "Cada código sirve una sola vez; era el último.",
            ),
            (Lang::Es, 1, "Cada código sirve una sola vez; te queda 1."),
            (Lang::Es, 7, "Cada código sirve una sola vez; te quedan 7."),
            (
                Lang::Fr,
                0,
                "ne sert qu’une fois\u{202f}; c’était le dernier.",
            ),
            (
                Lang::Fr,
                1,
                "ne sert qu’une fois\u{202f}; il vous en reste 1.",
            ),
            (
                Lang::Fr,
                3,
                "ne sert qu’une fois\u{202f}; il vous en reste 3.",
            ),
        ];
        for (lang, left, expected) in cases {
            let ctx = MailContext {
                codes_left: Some(left),
                lang,
                ..sample()
            };
            let m = r.render(MailKind::RecoveryCodeUsed, &ctx).unwrap();
            assert!(m.text.contains(expected), "{lang:?} {left}: {}", m.text);
            assert!(m.html.contains(expected), "{lang:?} {left}: {}", m.html);
        }
    }
}
