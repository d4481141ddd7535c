//! Test support: spawn the app, talk to it, read the mail it sends.

pub mod admin;
mod black_hole;
mod browser;
mod clock;
mod db;
mod django;
mod forwarder;
mod hooks;
mod outage;
mod pages;
mod process;
mod redis;
mod smtp;
mod two_factor;

pub use black_hole::BlackHole;
pub use browser::{Browser, csrf_input};
pub use clock::TestClock;
pub use db::TestDb;
pub use django::{DjangoSource, django_app, django_facts};
pub use forwarder::Forwarder;
pub use hooks::{HookSink, Received};
pub use outage::Outage;
pub use process::{ServeProcess, free_port, run_with_stdin, wait_until_up};
pub use redis::RedisServer;
pub use smtp::SmtpSink;
pub use two_factor::qr_in_png;
pub use two_factor::qr_in_svg;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tessera_server::config::{EmailBackend, SmtpTls};
use tessera_server::{Config, Overrides, Running};

pub const PASSWORD: &str = "passwordS.-";
pub const FRONTEND: &str = "https://front.example";
/// Where mailed links to Tessera's own pages point in tests (see `TestApp::own_link`).
pub const PUBLIC: &str = "https://auth.example";

/// A running service with its own database and mail sink.
pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub mail: SmtpSink,
    pub config: Config,
    /// The service's clock: real time, moved forward by tests that need it.
    pub clock: Arc<TestClock>,
    running: Option<Running>,
    pub db: db::TestDb,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Spawn with configuration tweaks.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let mail = SmtpSink::start().await;
        let db = db::TestDb::create().await;
        let mut config = Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            database_url: db.url.parse().expect("a database URL"),
            secret_key: Some(tessera_core::Secret::new(
                "test-secret-key-which-is-long-enough-0123456789",
            )),
            email_backend: EmailBackend::Smtp,
            smtp_host: "127.0.0.1".into(),
            smtp_port: mail.port(),
            smtp_tls: SmtpTls::None,
            email_from: "Tessera <noreply@tessera.test>".into(),
            frontend_url: FRONTEND.into(),
            public_url: Some(PUBLIC.into()),
            mail_retry_delay: 1,
            // A loaded two-core machine can take seconds over SQLite's fsyncs; the tests of
            // the timeout itself set their own.
            database_acquire_timeout: 10,
            ..Config::default()
        };
        tweak(&mut config);
        let clock = Arc::new(TestClock::default());
        let running = start(&config, &clock).await;
        Self {
            base: format!("http://{}", running.addr),
            client: Client::new(),
            mail,
            config,
            clock,
            running: Some(running),
            db,
        }
    }

    /// Stop the service (the database stays) and start it again on the same configuration.
    pub async fn restart(&mut self, tweak: impl FnOnce(&mut Config)) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        tweak(&mut self.config);
        let running = start(&self.config, &self.clock).await;
        self.base = format!("http://{}", running.addr);
        self.running = Some(running);
    }

    /// A second instance of the service on the same database (and configuration), as behind
    /// a load balancer.
    pub async fn another_instance(&self) -> Instance {
        let running = start(&self.config, &self.clock).await;
        Instance {
            base: format!("http://{}", running.addr),
            running,
        }
    }

    /// Stop the service and drop its database.
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        self.db.drop_db().await;
    }

    /// Run the real `tessera` binary against this app's database; returns (success, stdout, stderr).
    pub fn cli(&self, args: &[&str], stdin: &str) -> (bool, String, String) {
        self.cli_with(args, &[], stdin)
    }

    /// As `cli`, with these variables set too.
    pub fn cli_with(
        &self,
        args: &[&str],
        vars: &[(&str, &str)],
        stdin: &str,
    ) -> (bool, String, String) {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"));
        command
            .args(args)
            .envs(vars.iter().copied())
            .env("TESSERA_DATABASE_URL", &self.db.url)
            .env(
                "TESSERA_SECRET_KEY",
                self.config.secret_key.as_ref().unwrap().expose(),
            );
        let out = run_with_stdin(&mut command, stdin);
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        (out.status.success(), text(out.stdout), text(out.stderr))
    }

    /// A mailed link to Tessera's own pages, pointed at this test instance.
    pub fn own_link(&self, link: &str) -> String {
        link.replacen(PUBLIC, &self.base, 1)
    }

    /// Create an Auth API account (active, e-mail unverified); returns the 201 body.
    pub async fn api_create(&self, username: &str, email: &str) -> Value {
        let body = json!({"username": username, "email": email, "password": PASSWORD, "password2": PASSWORD});
        let (status, body) = status_json(self.post("/api/auth/", body).await).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Log in through the Auth API; returns the 200 body `{access, refresh, lang}`.
    pub async fn api_login(&self, username: &str, password: &str) -> Value {
        let (status, body) = status_json(
            self.post(
                "/api/auth/login/",
                json!({"username": username, "password": password}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Log in through the Auth API with the test password; the access token.
    pub async fn api_access(&self, username: &str) -> String {
        self.api_login(username, PASSWORD).await["access"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Where `GET /metrics` is: on its own listener when `metrics_bind` gave it one.
    pub fn metrics_url(&self) -> String {
        match self.running.as_ref().and_then(|r| r.metrics_addr) {
            Some(addr) => format!("http://{addr}/metrics"),
            None => self.url("/metrics"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn send_auth(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Value,
    ) -> Response {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Register through the API; returns the new id.
    pub async fn register(&self, email: &str, username: &str) -> i64 {
        let r = self
            .post(
                "/auth/users/",
                json!({"email": email, "username": username, "password": PASSWORD}),
            )
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    /// Register and activate through the mailed link; returns the id.
    pub async fn active_user(&self, email: &str, username: &str) -> i64 {
        let id = self.register(email, username).await;
        let mail = self.mail.wait_for(email, 1).await.pop().unwrap();
        let (uid, token) = mail.link_parts("/activate/");
        self.activate(&uid, &token).await;
        id
    }

    /// Activate with a mailed uid and token (204).
    pub async fn activate(&self, uid: &str, token: &str) {
        let body = json!({"uid": uid, "token": token});
        let r = self.post("/auth/users/activation/", body).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }

    /// Log in; returns (access, refresh).
    pub async fn login(&self, email: &str, password: &str) -> (String, String) {
        let r = self
            .post(
                "/auth/jwt/create/",
                json!({"email": email, "password": password}),
            )
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (
            body["access"].as_str().unwrap().to_owned(),
            body["refresh"].as_str().unwrap().to_owned(),
        )
    }

    /// Reset a password through Djoser's mailed link (the mail is the newest to `email`).
    pub async fn reset_password(&self, email: &str, new_password: &str) {
        let seen = self.mail.received_by(email);
        let r = self
            .post("/auth/users/reset_password/", json!({"email": email}))
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let mail = self
            .mail
            .wait_for_subject(email, seen, "Password reset")
            .await;
        let (uid, token) = mail.link_parts("/password/reset/confirm/");
        let body = json!({"uid": uid, "token": token, "new_password": new_password});
        let r = self.post("/auth/users/reset_password_confirm/", body).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }

    /// A logged-in active user: (id, access, refresh).
    pub async fn logged_in(&self, email: &str, username: &str) -> (i64, String, String) {
        let id = self.active_user(email, username).await;
        let (access, refresh) = self.login(email, PASSWORD).await;
        (id, access, refresh)
    }
}

/// Another instance started by `TestApp::another_instance`.
pub struct Instance {
    pub base: String,
    running: Running,
}

impl Instance {
    pub async fn stop(self) {
        self.running.stop().await;
    }
}

async fn start(config: &Config, clock: &Arc<TestClock>) -> Running {
    let overrides = Overrides {
        clock: Some(clock.clone()),
        mail_poll_interval: Some(Duration::from_millis(100)),
    };
    tessera_server::start(config, overrides)
        .await
        .expect("the app starts")
}

/// Status and JSON body (Null when the body is empty).
pub async fn status_json(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Assert status and exact JSON body.
pub async fn expect(r: Response, status: StatusCode, body: Value) {
    let (s, b) = status_json(r).await;
    assert_eq!((s, &b), (status, &body), "got {s} {b}");
}

/// The decoded payload of a JWT (no verification: for looking at claims).
pub fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("a JSON payload")
}
