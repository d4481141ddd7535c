//! Steps the page tests share: an account's language changed, an e-mail change made to get
//! its undo link.

use super::{PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::json;

impl TestApp {
    /// Change an Auth API account's `lang` through `update/`.
    pub async fn api_set_lang(&self, username: &str, access: &str, lang: &str) {
        let r = self
            .send_auth(
                reqwest::Method::PATCH,
                &format!("/api/auth/update/{username}/"),
                access,
                json!({"lang": lang}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }

    /// Change a Djoser account's address from `old` to `new`; the undo link mailed to `old`
    /// (whose subject holds `subject`), pointed at this instance.
    pub async fn djoser_undo_link(
        &self,
        access: &str,
        old: &str,
        new: &str,
        subject: &str,
    ) -> String {
        let seen = self.mail.received_by(old);
        let body = json!({"current_password": PASSWORD, "new_email": new});
        let r = self.post_auth("/auth/users/set_email/", access, body).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let notice = self.mail.wait_for_subject(old, seen, subject).await;
        self.own_link(&notice.link())
    }
}
