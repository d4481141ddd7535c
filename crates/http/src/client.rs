//! `Client`: who is calling, as sessions and rate limits see it: the socket's peer address,
//! or the address a trusted proxy forwarded (`Forwarded`, else `X-Forwarded-For`), and the
//! user agent; and the origin (caller and request id) the audit events of a request record.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::Extensions;
use axum::http::HeaderMap;
use axum::http::header::{FORWARDED, USER_AGENT};
use axum::http::request::Parts;
use ipnet::IpNet;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use tessera_core::domain::ClientInfo;
use tessera_core::events::Origin;

pub struct Client(pub ClientInfo);

/// The proxies whose forwarding headers are believed (none by default).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl std::str::FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated addresses or CIDR blocks.
    fn from_str(list: &str) -> Result<Self, String> {
        let nets = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is not an IP address or CIDR block"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self(nets))
    }
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The caller's address: the peer, unless the peer is a trusted proxy; then the hops it
    /// forwarded are walked from the nearest, and the first one not trusted is the caller.
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let hops = forwarded_hops(headers);
        hops.iter()
            .rev()
            .find(|ip| !self.trusts(**ip))
            .or(hops.first())
            .copied()
            .or(Some(peer))
    }
}

/// The forwarded-for chain, client first: RFC 7239 `Forwarded`, else `X-Forwarded-For`.
fn forwarded_hops(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .collect()
    };
    let forwarded = values(FORWARDED.as_str());
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for").then(|| parse_node(value))?
                })
            })
            .collect();
    }
    values("x-forwarded-for")
        .iter()
        .filter_map(|v| parse_node(v))
        .collect()
}

/// `1.2.3.4`, `1.2.3.4:80`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let node = raw.trim().trim_matches('"');
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = node.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    node.strip_prefix('[')?.split(']').next()?.parse().ok()
}

impl TrustedProxies {
    /// Who is calling: the address (the peer's, or as trusted proxies forwarded it) and the
    /// user agent.
    fn client(&self, extensions: &Extensions, headers: &HeaderMap) -> ClientInfo {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let agent = headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        ClientInfo::new(self.client_ip(peer, headers), agent)
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Self(
            state.proxies.client(&parts.extensions, &parts.headers),
        ))
    }
}

impl TrustedProxies {
    /// The origin (the caller and the request id) that the audit events a request causes
    /// record.
    pub(crate) fn origin(&self, req: &Request, request_id: &str) -> Origin {
        Origin {
            client: self.client(req.extensions(), req.headers()),
            request_id: request_id.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let proxies = "10.0.0.0/8, 192.168.1.1".parse::<TrustedProxies>().unwrap();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 10.1.1.1")]);
        assert_eq!(
            proxies.client_ip(ip("198.51.100.7"), &xff),
            ip("198.51.100.7")
        );
        assert_eq!(proxies.client_ip(ip("10.2.2.2"), &xff), ip("203.0.113.9"));
        let spoofed = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9")]);
        assert_eq!(
            proxies.client_ip(ip("192.168.1.1"), &spoofed),
            ip("203.0.113.9")
        );
        let fwd = headers(&[(
            "forwarded",
            r#"for="[2001:db8::17]:4711";proto=https, for=10.0.0.3"#,
        )]);
        assert_eq!(proxies.client_ip(ip("10.0.0.1"), &fwd), ip("2001:db8::17"));
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert_eq!(proxies.client_ip(None, &xff), None);
        assert!("nope".parse::<TrustedProxies>().is_err());
    }
}
