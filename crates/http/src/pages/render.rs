//! `Pages`: the HTML templates in `templates/`, HTML-escaped, rendered in a language with the
//! site name and the frontend's URL (where the final pages lead back to); their sentences
//! come from the catalogues, as the mails' do.

use super::lang::Carried;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Value, context};
use std::path::Path;
use tessera_core::domain::Lang;
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
    /// `TESSERA_DEFAULT_LANG`: pages that know no account, and carry no language, speak it.
    default_lang: Lang,
}

impl Pages {
    /// The pages of `site_name`, reached at `public_url`, with the operator's overrides in
    /// `dir` (its `pages/` and `lang/`), every one checked now (the built-in ones alone are
    /// loaded on the first page).
    pub fn new(
        site: &Site<'_>,
        default_lang: Lang,
        dir: Option<&Path>,
    ) -> Result<Self, TemplateError> {
        let sources = Sources {
            folder: "pages",
            templates: TEMPLATES,
            sample,
        };
        Ok(Self {
            library: Library::load(sources, dir)?,
            site_name: site.name.to_owned(),
            frontend_url: site.frontend_url.to_owned(),
            secure: site.public_url.starts_with("https://"),
            origin: super::origin::origin_of(site.public_url).unwrap_or_default(),
            default_lang,
        })
    }

    pub fn secure(&self) -> bool {
        self.secure
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The text of every `<style>` block of the page templates as loaded, for the pages'
    /// Content-Security-Policy to allow them by hash.
    pub fn styles(&self) -> Vec<&str> {
        TEMPLATES
            .iter()
            .filter_map(|(name, _)| self.library.source(name))
            .flat_map(|source| source.split("<style>").skip(1))
            .filter_map(|rest| rest.split_once("</style>").map(|(css, _)| css))
            .collect()
    }

    /// The language of a page: the account's when the page knows it, else the one the page
    /// before it carried over (`?lang=`), else `TESSERA_DEFAULT_LANG`.
    pub fn lang(&self, account: Option<Lang>, carried: Carried) -> Lang {
        account.or(carried.0).unwrap_or(self.default_lang)
    }

    /// What a link or form action adds to carry `lang` to the next page: nothing for the
    /// default language (Django's own URLs), else `?lang=…`.
    pub fn lang_query(&self, lang: Lang) -> String {
        match lang == self.default_lang {
            true => String::new(),
            false => format!("?lang={}", lang.as_str()),
        }
    }

    /// The sentence `key` in `lang`, its `{name}`s filled from `values`.
    pub fn text(&self, lang: Lang, key: &str, values: &Value) -> String {
        self.library
            .text(lang.as_str(), key, values)
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, key, "page text failed");
                key.to_owned()
            })
    }

    /// Render `template` in `lang`, titled by the sentence `title`, with the page's values.
    pub fn render(
        &self,
        status: StatusCode,
        lang: Lang,
        template: &str,
        title: &str,
        values: Value,
    ) -> Response {
        match self.html(lang, template, title, values) {
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

    fn html(
        &self,
        lang: Lang,
        template: &str,
        title: &str,
        values: Value,
    ) -> Result<String, minijinja::Error> {
        let ctx = context! {
            site_name => &self.site_name,
            frontend_url => &self.frontend_url,
            lang => lang.as_str(),
            lang_query => self.lang_query(lang),
            ..values
        };
        let title = self.text(lang, title, &ctx);
        self.library
            .render(template, &context! { title => title, ..ctx })
    }
}

/// Where the pages are and whose they are.
pub struct Site<'a> {
    pub name: &'a str,
    /// `TESSERA_PUBLIC_URL`: where the pages are reached.
    pub public_url: &'a str,
    /// `TESSERA_FRONTEND_URL`: where the final pages lead back to.
    pub frontend_url: &'a str,
}

/// Every value a page template is given, each set.
fn sample() -> Value {
    context! {
        site_name => "Tessera",
        frontend_url => "https://app.example/",
        title => "Title",
        lang_query => "?lang=es",
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

    fn pages(default_lang: Lang) -> Pages {
        let site = Site {
            name: "Tess <&> era",
            public_url: "http://127.0.0.1:8000",
            frontend_url: "https://app.example/",
        };
        Pages::new(&site, default_lang, None).unwrap()
    }

    #[test]
    fn pages_render_in_each_language_and_escape() {
        let pages = pages(Lang::En);
        let values = || context! { csrf_token => "x", validlink => true, back => true };
        for lang in Lang::ALL {
            for (name, _) in TEMPLATES.iter().filter(|(n, _)| *n != "base.html") {
                let html = pages
                    .html(lang, name, "page.password_reset.title", values())
                    .unwrap();
                let tag = format!("<html lang=\"{}\">", lang.as_str());
                assert!(html.contains(&tag), "{name}: {html}");
                assert!(html.contains("Tess &lt;&amp;&gt; era"), "{name}: {html}");
            }
        }
        let html = pages
            .html(
                Lang::Fr,
                "password_reset_form.html",
                "page.password_reset.title",
                context! { errors => vec!["<b>"] },
            )
            .unwrap();
        assert!(html.contains("<li>&lt;b&gt;</li>"), "{html}");
        assert!(html.contains("Réinitialisation du mot de passe"), "{html}");
        let r = pages.render(
            StatusCode::OK,
            Lang::Es,
            "password_reset_done.html",
            "page.password_reset_done.title",
            Value::UNDEFINED,
        );
        assert_eq!(r.status(), StatusCode::OK);
    }

    #[test]
    fn the_language_is_the_accounts_then_the_carried_then_the_default() {
        let pages = pages(Lang::Es);
        assert_eq!(
            pages.lang(Some(Lang::Fr), Carried(Some(Lang::En))),
            Lang::Fr
        );
        assert_eq!(pages.lang(None, Carried(Some(Lang::En))), Lang::En);
        assert_eq!(pages.lang(None, Carried(None)), Lang::Es);
        assert_eq!(pages.lang_query(Lang::Es), "");
        assert_eq!(pages.lang_query(Lang::Fr), "?lang=fr");
    }
}
