//! `ClientInfo`: where a request came from (address and user agent), as a session records it.

use std::net::IpAddr;

/// Longest user agent kept.
const USER_AGENT_MAX: usize = 255;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: String,
}

impl ClientInfo {
    pub fn new(ip: Option<IpAddr>, user_agent: &str) -> Self {
        Self {
            ip,
            user_agent: user_agent.chars().take(USER_AGENT_MAX).collect(),
        }
    }

    pub fn ip_text(&self) -> String {
        self.ip.map(|ip| ip.to_string()).unwrap_or_default()
    }
}
