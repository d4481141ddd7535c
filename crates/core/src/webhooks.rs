//! Webhooks: where audit events are POSTed (`Targets`, each URL with its event filter), the
//! JSON body each receives, and its signature in the Standard Webhooks scheme (HMAC-SHA256
//! over `id.timestamp.body`, keyed by a `whsec_` secret).

use crate::Timestamp;
use crate::events::{EventKind, NewEvent};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::str::FromStr;

/// The receivers of events: `URL` or `URL#kind,kind,prefix.*` per entry, entries separated
/// by spaces or new lines. A URL's fragment is never sent, so it carries the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets(Vec<Target>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Where the events are POSTed (without the filter).
    pub url: String,
    /// The event names it wants (`account.deleted`) or prefixes (`account.*`); empty: all.
    filter: Vec<String>,
}

impl Target {
    pub fn wants(&self, kind: EventKind) -> bool {
        let name = kind.as_str();
        self.filter.is_empty()
            || self.filter.iter().any(|f| match f.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => f == name,
            })
    }
}

impl Targets {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|t| t.url.as_str())
    }

    /// The receivers that want events of `kind`.
    pub fn wanting(&self, kind: EventKind) -> impl Iterator<Item = &Target> {
        self.0.iter().filter(move |t| t.wants(kind))
    }
}

impl FromStr for Targets {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.split_whitespace()
            .map(target)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

fn target(entry: &str) -> Result<Target, String> {
    let (url, filter) = entry.split_once('#').unwrap_or((entry, ""));
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{url:?} is not an http:// or https:// URL"))?;
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    if authority.contains('@') {
        // Said without the URL, which would show the password.
        return Err("a webhook URL holds a user and password: put a token in its query".into());
    }
    if authority.is_empty() {
        return Err(format!("{url:?} names no host"));
    }
    let filter = filter
        .split(',')
        .filter(|f| !f.is_empty())
        .map(|f| {
            let known = match f.strip_suffix('*') {
                Some(prefix) => EventKind::ALL
                    .iter()
                    .any(|k| k.as_str().starts_with(prefix)),
                None => EventKind::parse(f).is_some(),
            };
            match known {
                true => Ok(f.to_owned()),
                false => Err(format!("{f:?} (after {url}) names no event")),
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(Target {
        url: url.to_owned(),
        filter,
    })
}

/// The JSON body a receiver gets for `event`: `type`, `timestamp` (RFC 3339) and `data`.
pub fn payload(event: &NewEvent, now: Timestamp) -> String {
    serde_json::json!({
        "type": event.kind.as_str(),
        "timestamp": now.rfc3339(),
        "data": {
            "user_id": event.user.map(|u| u.0),
            "actor_id": event.actor.map(|u| u.0),
            "detail": event.detail,
        },
    })
    .to_string()
}

/// The key webhook bodies are signed with: `whsec_` and the base64 of at least 24 bytes.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(…)")
    }
}

impl FromStr for SigningKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let encoded = s
            .strip_prefix("whsec_")
            .ok_or("it must start with whsec_ (whsec_ and the base64 of 32 random bytes)")?;
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| "what follows whsec_ is not base64")?;
        if key.len() < 24 {
            return Err("it must hold at least 24 bytes (whsec_ and the base64 of 32)".into());
        }
        Ok(Self(key))
    }
}

impl SigningKey {
    /// The signature header's value for message `id` sent at `timestamp` (Unix seconds):
    /// `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key size");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_names_and_prefixes() {
        let t: Targets = "http://a.test/h https://b.test/h#account.deleted,two_factor.*"
            .parse()
            .unwrap();
        let urls: Vec<_> = t.urls().collect();
        assert_eq!(urls, ["http://a.test/h", "https://b.test/h"]);
        let wanting = |k| t.wanting(k).map(|t| t.url.clone()).collect::<Vec<_>>();
        assert_eq!(wanting(EventKind::LoginSucceeded), ["http://a.test/h"]);
        assert_eq!(wanting(EventKind::AccountDeleted).len(), 2);
        assert_eq!(wanting(EventKind::TwoFactorReset).len(), 2);
        assert_eq!(wanting(EventKind::AccountCreated).len(), 1);
    }

    #[test]
    fn bad_entries_are_named() {
        let e = "ftp://x/h".parse::<Targets>().unwrap_err();
        assert!(e.contains("ftp://x/h"), "{e}");
        let e = "http://x/h#account.deleeted"
            .parse::<Targets>()
            .unwrap_err();
        assert!(e.contains("account.deleeted"), "{e}");
        assert!("http:///h".parse::<Targets>().is_err());
        assert!("http://?x=1".parse::<Targets>().is_err());
        let e = "https://me:hunter2@h.test/in"
            .parse::<Targets>()
            .unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert!("".parse::<Targets>().unwrap().is_empty());
    }

    #[test]
    fn the_signature_is_standard_webhooks() {
        // The example of the Standard Webhooks specification.
        let key: SigningKey = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse().unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            key.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                .parse::<SigningKey>()
                .is_err()
        );
        assert!("whsec_c2hvcnQ=".parse::<SigningKey>().is_err());
    }
}
