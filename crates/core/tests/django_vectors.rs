//! Byte-for-byte compatibility with real Django: reset tokens, uids, password hashes,
//! SimpleJWT tokens and the password validators, against vectors Django itself produced.

use serde_json::Value;
use tessera_core::domain::{EmailAddress, Lang, Profile, User, UserId, Username};
use tessera_core::passwords::{
    HasherConfig, PasswordHasher, PasswordPolicy, StoredHash, UserAttributes, Verification,
};
use tessera_core::tokens::{JwtConfig, JwtKeys, ResetTokens, TokenType, decode_uid, encode_uid};
use tessera_core::{Secret, Timestamp};

fn vectors() -> Value {
    serde_json::from_str(include_str!("data/django_vectors.json")).expect("valid JSON")
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) to a timestamp; the inverse of Python's `str(datetime)`.
fn parse_datetime(s: &str) -> Timestamp {
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Timestamp(days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19))
}

fn user(case: &Value) -> User {
    let last_login = case["last_login_in_hash"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(parse_datetime);
    User {
        id: UserId(case["pk"].as_i64().unwrap()),
        email: EmailAddress::from_trusted(case["email"].as_str().unwrap().to_owned()),
        username: Username::from_trusted("someone".into()),
        password_hash: StoredHash::from_stored(case["password_hash"].as_str().unwrap().to_owned()),
        is_active: true,
        is_staff: false,
        is_superuser: false,
        last_login,
        date_joined: Timestamp(0),
        profile: Profile::default(),
        lang: Lang::En,
        two_fa_enabled: false,
        email_verified: true,
    }
}

#[test]
fn reset_tokens_match_django() {
    let v = vectors();
    for case in v["reset_tokens"].as_array().unwrap() {
        let secret = Secret::new(case["secret"].as_str().unwrap());
        let tokens = ResetTokens::new(secret, 259_200);
        let ts = Timestamp::from_django_token_seconds(case["timestamp"].as_i64().unwrap());
        let user = user(case);
        let expected = case["token"].as_str().unwrap();
        assert_eq!(tokens.make(&user, ts), expected, "case {case}");
        assert!(tokens.check(&user, expected, ts.plus_secs(259_200)));
        assert!(
            !tokens.check(&user, expected, ts.plus_secs(259_201)),
            "expires after the timeout"
        );
        let mut changed = user.clone();
        changed.email = EmailAddress::from_trusted("other@example.com".into());
        assert!(
            !tokens.check(&changed, expected, ts),
            "an e-mail change kills the token"
        );
    }
}

#[test]
fn uids_match_django() {
    let v = vectors();
    for (pk, uid) in v["uids"].as_object().unwrap() {
        let pk: i64 = pk.parse().unwrap();
        assert_eq!(encode_uid(UserId(pk)), uid.as_str().unwrap());
        if pk > 0 {
            assert_eq!(decode_uid(uid.as_str().unwrap()), Some(UserId(pk)));
        }
    }
}

#[tokio::test]
async fn django_password_hashes_verify_and_ask_for_an_upgrade() {
    let v = vectors();
    let hasher = PasswordHasher::new(HasherConfig::default()).unwrap();
    for case in v["password_hashes"].as_array().unwrap() {
        let stored = StoredHash::from_stored(case["encoded"].as_str().unwrap().to_owned());
        let password = case["password"].as_str().unwrap();
        assert_eq!(
            hasher.verify(password, Some(&stored)).await.unwrap(),
            Verification::Valid { needs_rehash: true },
            "{}",
            case["kind"]
        );
        let wrong = case["wrong_password"].as_str().unwrap();
        assert_eq!(
            hasher.verify(wrong, Some(&stored)).await.unwrap(),
            Verification::Invalid,
            "{}",
            case["kind"]
        );
    }
}

#[test]
fn simplejwt_tokens_decode_with_the_same_claims() {
    let v = vectors();
    let secret = Secret::new(v["jwt"]["signing_key"].as_str().unwrap());
    let keys = JwtKeys::new(&secret, JwtConfig::default());
    for (kind, token_type) in [
        ("access", TokenType::Access),
        ("refresh", TokenType::Refresh),
    ] {
        let token = v["jwt"]["fixed"][kind].as_str().unwrap();
        let payload = &v["jwt"]["fixed"][format!("{kind}_decoded")]["payload"];
        // Checked at the moment SimpleJWT issued it.
        let issued = tessera_core::Timestamp(payload["iat"].as_i64().unwrap());
        let claims = keys
            .decode(token, Some(token_type), issued)
            .expect("SimpleJWT's token verifies");
        let ours = serde_json::to_value(&claims).unwrap();
        assert_eq!(
            ours,
            v["jwt"]["fixed"][format!("{kind}_decoded")]["payload"],
            "same names, values and JSON types"
        );
    }
}

#[test]
fn validators_match_django() {
    let v = vectors();
    let u = &v["validator_cases"]["user"];
    let attrs = UserAttributes {
        username: u["username"].as_str().unwrap(),
        first_name: u["first_name"].as_str().unwrap(),
        last_name: u["last_name"].as_str().unwrap(),
        email: u["email"].as_str().unwrap(),
    };
    for case in v["validator_cases"]["results"].as_array().unwrap() {
        let password = case["password"].as_str().unwrap();
        let expected: Vec<&str> = case["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        let found: Vec<&str> = PasswordPolicy::default()
            .check(password, &attrs)
            .into_iter()
            .map(|p| p.code())
            .collect();
        assert_eq!(found, expected, "password {password:?}");
    }
}
