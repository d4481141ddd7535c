//! A browser-like client for Tessera's HTML pages: no automatic redirects, cookies kept by
//! name, and the CSRF token read from a form.

use reqwest::{Client, Response};

/// A browser-like client: no automatic redirects, cookies kept in a jar by name.
pub struct Browser {
    client: Client,
    cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new() -> Self {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            client,
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &Response) {
        for set in r.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
    }

    pub async fn get(&mut self, url: &str) -> Response {
        let r = self
            .client
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }

    pub async fn post_form(&mut self, url: &str, form: &[(&str, &str)]) -> Response {
        let r = self
            .client
            .post(url)
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }

    pub async fn post_form_with(
        &mut self,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self
            .client
            .post(url)
            .header("cookie", self.cookie_header())
            .form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let r = request.send().await.unwrap();
        self.keep(&r);
        r
    }

    /// The text of the page at `url`.
    pub async fn page(&mut self, url: &str) -> String {
        self.get(url).await.text().await.unwrap()
    }

    /// The text of the answer to posting `form` to `url`.
    pub async fn post_page(&mut self, url: &str, form: &[(&str, &str)]) -> String {
        self.post_form(url, form).await.text().await.unwrap()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// The value of the hidden CSRF input of a page.
pub fn csrf_input(html: &str) -> String {
    let marker = "name=\"csrfmiddlewaretoken\" value=\"";
    let start = html.find(marker).expect("a CSRF input") + marker.len();
    html[start..start + 32].to_owned()
}
