//! Two-factor helpers: codes computed from an enrolment's secret as an authenticator app
//! computes them, the flows that turn 2FA on, and QR codes read back from their images.

use super::{PASSWORD, TestApp, status_json};
use reqwest::StatusCode;
use serde_json::json;
use tessera_core::Clock;
use tessera_core::two_factor::totp_code_at;

impl TestApp {
    /// The code an authenticator shows now (on the service's clock) for a base32 secret.
    pub fn totp(&self, secret: &str) -> String {
        totp_code_at(secret, self.clock.now().0).expect("a base32 secret")
    }

    /// Move on to the next 30-second step (each step's code is accepted once); its code.
    pub fn next_totp(&self, secret: &str) -> String {
        self.clock.advance(30);
        self.totp(secret)
    }

    /// Enrol and confirm TOTP under `base` (a dialect's 2FA path, ending in `/`); returns
    /// the secret and the recovery codes.
    pub async fn enable_totp(&self, base: &str, access: &str) -> (String, Vec<String>) {
        let r = self
            .post_auth(&format!("{base}totp/"), access, json!({}))
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let secret = body["secret"].as_str().unwrap().to_owned();
        let code = self.totp(&secret);
        let r = self
            .post_auth(
                &format!("{base}totp/confirm/"),
                access,
                json!({"code": code}),
            )
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let codes = body["recovery_codes"].as_array().unwrap();
        let codes = codes.iter().map(|c| c.as_str().unwrap().to_owned());
        (secret, codes.collect())
    }

    /// Verify an Auth API account's address with the code of the verification mail.
    pub async fn api_verify_email(&self, email: &str, access: &str) {
        let seen = self
            .mail
            .all()
            .iter()
            .filter(|m| m.to.contains(&email.to_owned()))
            .count();
        let r = self
            .post_auth("/api/auth/verify_email/", access, json!({}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let code = self
            .mail
            .wait_for_subject(email, seen, "Verify")
            .await
            .code();
        let r = self
            .post_auth(
                "/api/auth/verify_email/confirm/",
                access,
                json!({"code": code}),
            )
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// An Auth API account with its address verified (a reset link goes only to a verified
    /// address); its access token.
    pub async fn api_verified(&self, username: &str, email: &str) -> String {
        self.api_create(username, email).await;
        let access = self.api_access(username).await;
        self.api_verify_email(email, &access).await;
        access
    }

    /// An Auth API account with a verified address and 2FA on: (access, secret, recovery codes).
    pub async fn api_two_fa_user(
        &self,
        username: &str,
        email: &str,
    ) -> (String, String, Vec<String>) {
        let access = self.api_verified(username, email).await;
        let (secret, codes) = self.enable_totp("/api/auth/2fa/", &access).await;
        (access, secret, codes)
    }

    /// Mail the Auth API login code of `ticket` to `email` and read it.
    pub async fn api_login_code(&self, email: &str, ticket: &str) -> String {
        let seen = self.mail.received_by(email);
        let r = self
            .post("/api/auth/otp/email/", json!({"ticket": ticket}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        self.mail
            .wait_for_subject(email, seen, "login code")
            .await
            .code()
    }

    /// Mail the caller (whose address is `email`) an Auth API security code and read it.
    pub async fn api_security_code(&self, email: &str, access: &str) -> String {
        let seen = self.mail.received_by(email);
        let r = self
            .post_auth("/api/auth/2fa/email/", access, json!({}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        self.mail
            .wait_for_subject(email, seen, "security code")
            .await
            .code()
    }

    /// Log in through the Auth API with 2FA on: the 202 challenge's ticket.
    pub async fn api_ticket(&self, username: &str) -> String {
        let r = self
            .post(
                "/api/auth/login/",
                json!({"username": username, "password": PASSWORD}),
            )
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        body["ticket"].as_str().unwrap().to_owned()
    }
}

/// The text of the one QR code in a PNG image.
pub fn qr_in_png(bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    decode(w, h, |x, y| pixels[y * info.line_size + x])
}

/// The text of the QR code drawn by an `<svg>` of one `<path>` of `M{x} {y}h{w}v{h}…` rects,
/// rasterised at 4 pixels per unit.
pub fn qr_in_svg(svg: &str) -> String {
    let number = |key: &str| -> usize {
        let start = svg.find(&format!("{key}=\"")).expect(key) + key.len() + 2;
        svg[start..].split('"').next().unwrap().parse().unwrap()
    };
    const SCALE: usize = 4;
    let (w, h) = (number("width") * SCALE, number("height") * SCALE);
    let mut pixels = vec![255u8; w * h];
    let path = svg
        .split(" d=\"")
        .nth(1)
        .expect("a path")
        .split('"')
        .next()
        .unwrap();
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let (x, y, rw, rh) = (nums[0], nums[1], nums[2], nums[3]);
        for py in y * SCALE..(y + rh) * SCALE {
            pixels[py * w + x * SCALE..py * w + (x + rw) * SCALE].fill(0);
        }
    }
    decode(w, h, |x, y| pixels[y * w + x])
}

fn decode(w: usize, h: usize, pixel: impl FnMut(usize, usize) -> u8) -> String {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, pixel);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("a readable QR code").1
}
