//! `Pages`: the HTML templates in `templates/`, HTML-escaped, rendered with the site name and
//! the frontend's URL (where the final pages lead back to).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Value, context};
use std::path::Path;
use tessera_templates::{Library, Sources, TemplateError};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "password_reset_form.html",
        include_str!("../../templates/password_reset_form.html"),
    ),
    (
        "password_reset_done.html",
        include_str!("../../templates/password_reset_done.html"),
    ),
    (
        "password_reset_confirm.html",
        include_str!("../../templates/password_reset_confirm.html"),
    ),
    (
        "password_reset_complete.html",
        include_str!("../../templates/password_reset_complete.html"),
    ),
    (
        "csrf_failure.html",
        include_str!("../../templates/csrf_failure.html"),
    ),
    (
        "email_undo.html",
        include_str!("../../templates/email_undo.html"),
    ),
    (
        "email_undo_done.html",
        include_str!("../../templates/email_undo_done.html"),
    ),
    (
        "email_verified.html",
        include_str!("../../templates/email_verified.html"),
    ),
    (
        "email_verify_invalid.html",
        include_str!("../../templates/email_verify_invalid.html"),
    ),
];

pub struct Pages {
    library: Library,
    site_name: String,
    /// Where the final pages (reset done, address verified, change undone) lead back to.
    frontend_url: String,
    /// Served over HTTPS: cookies get the `Secure` attribute.
    secure: bool,
    /// `scheme://host[:port]` of `TESSERA_PUBLIC_URL`: where form posts may come from.
    origin: String,
}

impl Pages {
    /// The pages of `site_name`, reached at `public_url`, with the operator's overrides in
    /// `dir` (its `pages/` and `lang/`), every one checked now.
    pub fn new(
        site_name: &str,
        public_url: &str,
        frontend_url: &str,
        dir: Option<&Path>,
    ) -> Result<Self, TemplateError> {
        let sources = Sources {
            folder: "pages",
            templates: TEMPLATES,
            sample: sample(),
        };
        Ok(Self {
            library: Library::load(&sources, dir)?,
            site_name: site_name.to_owned(),
            frontend_url: frontend_url.to_owned(),
            secure: public_url.starts_with("https://"),
            origin: super::origin::origin_of(public_url).unwrap_or_default(),
        })
    }

    pub fn secure(&self) -> bool {
        self.secure
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Render `template` with `title` and the page's own values.
    pub fn render(
        &self,
        status: StatusCode,
        template: &str,
        title: &str,
        values: Value,
    ) -> Response {
        let ctx = context! {
            site_name => &self.site_name,
            frontend_url => &self.frontend_url,
            title => title,
            ..values
        };
        match self.library.render(template, &ctx) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, template, "page template failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Html("<h1>Server Error (500)</h1>"),
                )
                    .into_response()
            }
        }
    }
}

/// Every value a page template is given, each set.
fn sample() -> Value {
    context! {
        site_name => "Tessera",
        frontend_url => "https://app.example/",
        title => "Title",
        back => true,
        csrf_token => "x",
        errors => vec!["An error."],
        validlink => true,
        valid => true,
        taken => false,
        reason => "A reason.",
        old_email => "old@example.com",
        new_email => "new@example.com",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_render_and_escape() {
        let pages = Pages::new(
            "Tess <&> era",
            "http://127.0.0.1:8000",
            "https://app.example/",
            None,
        )
        .unwrap();
        for (name, _) in TEMPLATES.iter().filter(|(n, _)| *n != "base.html") {
            let r = pages.render(
                StatusCode::OK,
                name,
                "T",
                context! { csrf_token => "x", validlink => true },
            );
            assert_eq!(r.status(), StatusCode::OK, "{name}");
        }
        let r = pages.render(
            StatusCode::OK,
            "password_reset_form.html",
            "T",
            context! { errors => vec!["<b>"] },
        );
        assert_eq!(r.status(), StatusCode::OK);
    }
}
