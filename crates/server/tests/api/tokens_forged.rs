//! Forged and misused tokens, each refused: `alg: none`, an HMAC keyed with the RSA public
//! key, a header naming another algorithm or a `kid` the key lacks, a payload changed after
//! signing, the wrong token type, expiry and `nbf` with and without leeway, and `aud`/`iss`
//! when configured.

use crate::support::{PASSWORD, TestApp, claims, status_json};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::PathBuf;

const SECRET: &str = "test-secret-key-which-is-long-enough-0123456789";

fn hs256(payload: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        payload,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

/// An access token's claims for user 1, with `change` applied.
fn access_claims(change: Value) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut c =
        json!({"token_type": "access", "exp": now + 300, "iat": now, "jti": "f00", "user_id": "1"});
    c.as_object_mut()
        .unwrap()
        .extend(change.as_object().unwrap().clone());
    c
}

/// A token of `header` (JSON as written) and `payload`, HMAC-signed with `SECRET` under `alg`.
fn signed_as(header: &str, payload: &Value, alg: Algorithm) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, alg).unwrap();
    format!("{message}.{signature}")
}

async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.get_auth("/auth/users/me/", token).await.status()
}

#[tokio::test]
async fn unsigned_mistyped_expired_and_premature_tokens_are_refused() {
    let app = TestApp::spawn_with(|c| c.jwt_leeway = 10).await;
    let (_, access, refresh) = app.logged_in("ann@x.io", "ann").await;
    assert_eq!(me(&app, &access).await, StatusCode::OK);
    assert_eq!(
        me(&app, &hs256(&access_claims(json!({})), SECRET.as_bytes())).await,
        StatusCode::OK
    );

    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(access_claims(json!({})).to_string());
    for forged in [
        format!("{none_header}.{payload}."),
        format!("{none_header}.{payload}"),
    ] {
        assert_eq!(
            me(&app, &forged).await,
            StatusCode::UNAUTHORIZED,
            "alg none"
        );
    }
    assert_eq!(
        me(&app, &hs256(&access_claims(json!({})), b"another-key")).await,
        StatusCode::UNAUTHORIZED
    );
    // A refresh token is not a bearer token; a service-typed token is not a user token.
    assert_eq!(me(&app, &refresh).await, StatusCode::UNAUTHORIZED);
    let service = access_claims(json!({"token_type": "service", "service_name": "x"}));
    assert_eq!(
        me(&app, &hs256(&service, SECRET.as_bytes())).await,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post("/auth/jwt/refresh/", json!({"refresh": access}))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "an access token does not refresh"
    );

    let now = claims(&access)["iat"].as_i64().unwrap();
    let expired = |ago: i64| hs256(&access_claims(json!({"exp": now - ago})), SECRET.as_bytes());
    assert_eq!(
        me(&app, &expired(5)).await,
        StatusCode::OK,
        "inside the 10 s leeway"
    );
    let (status, body) = status_json(app.get_auth("/auth/users/me/", &expired(60)).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["messages"][0]["message"], "Token is expired");
    let premature = hs256(&access_claims(json!({"nbf": now + 120})), SECRET.as_bytes());
    assert_eq!(
        me(&app, &premature).await,
        StatusCode::UNAUTHORIZED,
        "not valid before nbf"
    );
    app.stop().await;

    let strict = TestApp::spawn().await;
    strict.active_user("ann@x.io", "ann").await;
    let token = hs256(&access_claims(json!({"exp": now - 5})), SECRET.as_bytes());
    assert_eq!(
        me(&strict, &token).await,
        StatusCode::UNAUTHORIZED,
        "no leeway by default"
    );
    strict.stop().await;
}

#[tokio::test]
async fn the_header_names_the_algorithm_and_key_exactly() {
    let app = TestApp::spawn().await;
    app.active_user("ann@x.io", "ann").await;
    let claims = access_claims(json!({}));
    // Any other header fields, of any JSON type, are no reason to refuse (PyJWT writes some).
    let plain = r#"{"alg":"HS256","typ":"JWT"}"#;
    let extra = r#"{"typ":"JWT","cty":"x","b64":true,"x":{"y":[1]},"alg":"HS256"}"#;
    for header in [plain, extra] {
        let token = signed_as(header, &claims, Algorithm::HS256);
        assert_eq!(me(&app, &token).await, StatusCode::OK, "{header}");
    }
    let refused = [
        // Another algorithm of the key's family, signed as it says.
        (r#"{"alg":"HS512","typ":"JWT"}"#, Algorithm::HS512),
        // The algorithm's name in another case.
        (r#"{"alg":"hs256","typ":"JWT"}"#, Algorithm::HS256),
        // A `kid` the secret key does not have.
        (r#"{"alg":"HS256","kid":"k1"}"#, Algorithm::HS256),
        // The algorithm named twice.
        (r#"{"alg":"HS256","alg":"none"}"#, Algorithm::HS256),
        (r#"{"typ":"JWT"}"#, Algorithm::HS256),
        (r#"["HS256"]"#, Algorithm::HS256),
    ];
    for (header, alg) in refused {
        let token = signed_as(header, &claims, alg);
        assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED, "{header}");
    }
    // Claims that are not an object, even signed.
    let listed = json!(["access", claims["exp"], claims["iat"], "f00", "1"]);
    let token = signed_as(plain, &listed, Algorithm::HS256);
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
    // The payload changed after signing, and a token cut or padded.
    let token = signed_as(plain, &claims, Algorithm::HS256);
    let parts: Vec<&str> = token.split('.').collect();
    let other = URL_SAFE_NO_PAD.encode(access_claims(json!({"user_id": "2"})).to_string());
    for forged in [
        format!("{}.{other}.{}", parts[0], parts[2]),
        format!("{}.{}", parts[0], parts[1]),
        format!("{token}."),
        format!("{token}="),
        format!("{}.{}.{}.{}", parts[0], parts[1], parts[1], parts[2]),
    ] {
        assert_eq!(
            me(&app, &forged).await,
            StatusCode::UNAUTHORIZED,
            "{forged}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn an_hmac_keyed_with_the_public_key_is_refused_under_rs256() {
    let pem = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/keys/rsa.pem");
    let app = TestApp::spawn_with(|c| {
        c.jwt_algorithm = tessera_core::tokens::algorithm("RS256").unwrap();
        c.jwt_private_key_file = Some(pem.clone());
    })
    .await;
    app.logged_in("ann@x.io", "ann").await;
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let private =
        rsa::RsaPrivateKey::from_pkcs8_pem(&std::fs::read_to_string(&pem).unwrap()).unwrap();
    let public = private
        .to_public_key()
        .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
        .unwrap();
    let kid = claims_header_kid(&app).await;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid);
    let forged = jsonwebtoken::encode(
        &header,
        &access_claims(json!({})),
        &EncodingKey::from_secret(public.as_bytes()),
    )
    .unwrap();
    assert_eq!(me(&app, &forged).await, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

/// The `kid` the service signs with (from its own login's access token).
async fn claims_header_kid(app: &TestApp) -> String {
    let (access, _) = app.login("ann@x.io", PASSWORD).await;
    jsonwebtoken::decode_header(&access).unwrap().kid.unwrap()
}

#[tokio::test]
async fn audience_and_issuer_when_configured_are_written_and_required() {
    let app = TestApp::spawn_with(|c| {
        c.jwt_audience = Some("game".into());
        c.jwt_issuer = Some("https://auth.example".into());
    })
    .await;
    let (_, access, refresh) = app.logged_in("ann@x.io", "ann").await;
    let c = claims(&access);
    assert_eq!(
        (&c["aud"], &c["iss"]),
        (&json!("game"), &json!("https://auth.example"))
    );
    assert_eq!(me(&app, &access).await, StatusCode::OK);
    let r = app
        .post("/auth/jwt/refresh/", json!({"refresh": refresh}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let good = json!({"aud": "game", "iss": "https://auth.example"});
    assert_eq!(
        me(&app, &hs256(&access_claims(good), SECRET.as_bytes())).await,
        StatusCode::OK
    );
    for bad in [
        json!({}),
        json!({"iss": "https://auth.example"}),
        json!({"aud": "other", "iss": "https://auth.example"}),
        json!({"aud": "game", "iss": "https://evil.example"}),
        json!({"aud": "game"}),
    ] {
        let token = hs256(&access_claims(bad.clone()), SECRET.as_bytes());
        assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED, "{bad}");
    }
    app.stop().await;
}
