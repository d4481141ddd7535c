//! Asymmetric signing: user and service tokens verify against `/.well-known/jwks.json` with
//! no shared secret, for every supported algorithm, and across a key rotation.

use crate::support::{PASSWORD, TestApp, status_json};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::PathBuf;

fn key(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/api/keys")
        .join(name)
}

/// Verify `token` with the published key its `kid` names using jwt-compact, a JWT library
/// independent of the one Tessera signs with, and return its claims.
fn verify_independently(jwks: &Value, token: &str) -> Value {
    use jwt_compact::alg::{Ed25519, Es256, Rsa, RsaPublicKey};
    use jwt_compact::jwk::JsonWebKey;
    use jwt_compact::{AlgorithmExt, UntrustedToken};
    let untrusted = UntrustedToken::new(token).expect("a JWT");
    let kid = untrusted
        .header()
        .key_id
        .clone()
        .expect("tokens name their key");
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the key is published");
    let jwk: JsonWebKey<'_> = serde_json::from_value(jwk.clone()).unwrap();
    let verified = match untrusted.algorithm() {
        "RS256" | "RS512" => {
            let key = RsaPublicKey::try_from(&jwk).unwrap();
            let alg = if untrusted.algorithm() == "RS256" {
                Rsa::rs256()
            } else {
                Rsa::rs512()
            };
            alg.validator::<Value>(&key)
                .validate(&untrusted)
                .map(|t| t.claims().custom.clone())
        }
        "ES256" => {
            let key = p256::ecdsa::VerifyingKey::try_from(&jwk).unwrap();
            Es256
                .validator::<Value>(&key)
                .validate(&untrusted)
                .map(|t| t.claims().custom.clone())
        }
        "EdDSA" => {
            let key = ed25519_dalek::VerifyingKey::try_from(&jwk).unwrap();
            Ed25519
                .validator::<Value>(&key)
                .validate(&untrusted)
                .map(|t| t.claims().custom.clone())
        }
        other => panic!("unexpected algorithm {other}"),
    };
    verified.expect("the signature verifies")
}

/// Verify `token` with the published key its `kid` names, as a consuming service would.
fn verify_with_jwks(jwks: &JwkSet, token: &str) -> Value {
    let header = decode_header(token).expect("a JWT header");
    let kid = header.kid.expect("tokens name their key");
    let jwk = jwks.find(&kid).expect("the key is published");
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = Validation::new(header.alg);
    validation.set_required_spec_claims(&["exp"]);
    decode::<Value>(token, &key, &validation)
        .expect("the signature verifies")
        .claims
}

async fn jwks(app: &TestApp) -> JwkSet {
    let r = app.get("/.well-known/jwks.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn service_token(app: &TestApp) -> String {
    let (ok, _, err) = app.cli(&["service", "add", "history"], "history-secret-00001\n");
    assert!(ok, "{err}");
    let (_, body) = status_json(
        app.post(
            "/api/auth/internal/auth/",
            json!({"serviceName": "history", "password": "history-secret-00001"}),
        )
        .await,
    )
    .await;
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_algorithm_publishes_keys_that_verify_user_and_service_tokens() {
    for (algorithm, file) in [
        ("RS256", "rsa.pem"),
        ("RS512", "rsa.pem"),
        ("ES256", "ec.pem"),
        ("EdDSA", "ed25519.pem"),
    ] {
        let app = TestApp::spawn_with(|c| {
            c.jwt_algorithm = tessera_core::tokens::algorithm(algorithm).unwrap();
            c.jwt_private_key_file = Some(key(file));
        })
        .await;
        app.api_create("ann", "ann@x.io").await;
        let login = app.api_login("ann", PASSWORD).await;
        let raw: Value = app
            .get("/.well-known/jwks.json")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(raw["keys"].as_array().map(Vec::len), Some(1), "{algorithm}");
        assert!(
            raw["keys"][0].get("d").is_none(),
            "{algorithm}: no private part is published"
        );
        let user = verify_independently(&raw, login["access"].as_str().unwrap());
        assert_eq!(
            (user["username"].as_str(), user["token_type"].as_str()),
            (Some("ann"), Some("access")),
            "{algorithm}"
        );
        let service = verify_independently(&raw, &service_token(&app).await);
        assert_eq!(
            (
                service["service_name"].as_str(),
                service["token_type"].as_str()
            ),
            (Some("history"), Some("service")),
            "{algorithm}"
        );
        verify_with_jwks(&jwks(&app).await, login["refresh"].as_str().unwrap());
        let r = app
            .get_auth("/api/auth/ann/", login["access"].as_str().unwrap())
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{algorithm}: Tessera accepts its own tokens"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_previous_key_keeps_working_during_a_rotation() {
    let mut app = TestApp::spawn_with(|c| {
        c.jwt_algorithm = tessera_core::tokens::algorithm("RS256").unwrap();
        c.jwt_private_key_file = Some(key("rsa-previous.pem"));
    })
    .await;
    app.api_create("ann", "ann@x.io").await;
    let old = app.api_login("ann", PASSWORD).await;
    let old_kid = decode_header(old["access"].as_str().unwrap())
        .unwrap()
        .kid
        .unwrap();
    app.restart(|c| {
        c.jwt_private_key_file = Some(key("rsa.pem"));
        c.jwt_previous_key_file = Some(key("rsa-previous.pem"));
    })
    .await;
    let set = jwks(&app).await;
    assert_eq!(set.keys.len(), 2);
    verify_with_jwks(&set, old["access"].as_str().unwrap());
    let r = app
        .get_auth("/api/auth/ann/", old["access"].as_str().unwrap())
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a token of the previous key still works"
    );
    let new = app.api_login("ann", PASSWORD).await;
    let new_kid = decode_header(new["access"].as_str().unwrap())
        .unwrap()
        .kid
        .unwrap();
    assert_ne!(new_kid, old_kid);
    app.stop().await;
}

#[tokio::test]
async fn hs256_publishes_nothing_and_a_bad_key_stops_start_up() {
    let app = TestApp::spawn().await;
    assert!(
        jwks(&app).await.keys.is_empty(),
        "a shared secret is never published"
    );
    app.stop().await;
    // A database of its own: a file shared with other runs may hold their migrations.
    let never_used = std::env::temp_dir().join(format!(
        "tessera-never-used-{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["service", "list"])
        .env("TESSERA_JWT_ALGORITHM", "ES256")
        .env("TESSERA_JWT_PRIVATE_KEY_FILE", key("rsa.pem"))
        .env(
            "TESSERA_SECRET_KEY",
            "a-secret-key-long-enough-for-the-check-0123",
        )
        .env(
            "TESSERA_DATABASE_URL",
            format!("sqlite://{}", never_used.display()),
        )
        .output()
        .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", never_used.display()));
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("JWT keys") && err.contains("ES256"), "{err}");
}

#[tokio::test]
async fn keys_generate_writes_keys_the_service_runs_on() {
    for algorithm in ["RS256", "ES256", "EdDSA"] {
        let dir =
            std::env::temp_dir().join(format!("tessera-keys-{}-{algorithm}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("signing.pem");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(["keys", "generate", "--algorithm", algorithm, "--out"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let again = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(["keys", "generate", "--algorithm", algorithm, "--out"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            !again.status.success(),
            "an existing key file is never replaced"
        );
        let app = TestApp::spawn_with(|c| {
            c.jwt_algorithm = tessera_core::tokens::algorithm(algorithm).unwrap();
            c.jwt_private_key_file = Some(path.clone());
        })
        .await;
        app.api_create("ann", "ann@x.io").await;
        let login = app.api_login("ann", PASSWORD).await;
        verify_with_jwks(&jwks(&app).await, login["access"].as_str().unwrap());
        app.stop().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// SimpleJWT's other HMAC algorithms, keyed by the secret key: tokens say so in their header
/// and refresh, verify and authenticate as HS256 ones do.
#[tokio::test]
async fn hs384_and_hs512_sign_with_the_secret_key() {
    for name in ["HS384", "HS512"] {
        let app = TestApp::spawn_with(|c| {
            c.jwt_algorithm = tessera_core::tokens::algorithm(name).unwrap();
        })
        .await;
        app.api_create("ann", "ann@x.io").await;
        let login = app.api_login("ann", PASSWORD).await;
        let access = login["access"].as_str().unwrap();
        let header = decode_header(access).unwrap();
        assert_eq!(format!("{:?}", header.alg), name);
        let (status, _) = status_json(
            app.post("/auth/jwt/verify/", json!({"token": access}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{name}");
        let (status, me) = status_json(app.get_auth("/auth/users/me/", access).await).await;
        assert_eq!(
            (status, me["username"].as_str()),
            (StatusCode::OK, Some("ann"))
        );
        let (status, _) = status_json(
            app.post("/api/auth/refresh/", json!({"refresh": login["refresh"]}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{name}");
        app.stop().await;
    }
}
