//! The console transport: each mail printed decoded (its From, To and Subject, the text part,
//! then the HTML part), never quoted-printable, so a link in it can be copied whole.

use crate::Rendered;
use lettre::message::Mailbox;
use std::io::Write;

/// The mail as a person reads it, between two rules.
pub(crate) fn decoded(from: &Mailbox, to: &str, mail: &Rendered) -> String {
    let rule = "-".repeat(79);
    let mut out = format!(
        "{rule}\nFrom: {from}\nTo: {to}\nSubject: {}\n",
        mail.subject
    );
    if let Some(file) = &mail.attachment {
        out.push_str(&format!(
            "Attachment: {} ({})\n",
            file.filename, file.content_type
        ));
    }
    out.push_str(&format!(
        "\n{}\n\n-- HTML part --\n{}\n{rule}\n",
        mail.text.trim_end(),
        mail.html.trim_end()
    ));
    out
}

/// Printed in one write, so that mails delivered at once never interleave.
pub(crate) fn print(from: &Mailbox, to: &str, mail: &Rendered) {
    let text = decoded(from, to, mail);
    let mut stdout = std::io::stdout().lock();
    // A closed stdout must not fail the delivery: there is nobody to read it.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_link_stays_on_one_line() {
        let url = format!("http://localhost:3000/activate/MQ/{}", "a".repeat(120));
        let mail = Rendered {
            subject: "Activación".into(),
            text: format!("Ve a:\n{url}\n"),
            html: format!("<a href=\"{url}\">{url}</a>"),
            attachment: None,
        };
        let from: Mailbox = "Tessera <noreply@x.io>".parse().unwrap();
        let out = decoded(&from, "ann@x.io", &mail);
        assert!(out.lines().any(|l| l == url), "{out}");
        assert!(out.contains("Subject: Activación\n") && out.contains("To: ann@x.io\n"));
        assert!(!out.contains("=\n") && !out.contains("=3D"), "{out}");
    }
}
