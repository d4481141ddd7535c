//! The registry's own rules: each outcome indexes its own series, and requests collapse by
//! route template.

use super::*;
use tessera_core::accounts::Vitals;

fn line<'a>(text: &'a str, series: &str) -> Option<&'a str> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .map(|l| l[series.len() + 1..].trim())
}

#[test]
fn every_outcome_has_the_series_of_its_own_name() {
    for (i, o) in Login::ALL.iter().enumerate() {
        assert_eq!(*o as usize, i);
    }
    for (i, o) in SecondStep::ALL.iter().enumerate() {
        assert_eq!(*o as usize, i);
    }
    for (i, o) in Delivery::ALL.iter().enumerate() {
        assert_eq!(*o as usize, i);
    }
    for (i, r) in Rule::ALL.iter().enumerate() {
        assert_eq!(*r as usize, i);
    }
    for (i, j) in HashJob::ALL.iter().enumerate() {
        assert_eq!(*j as usize, i);
    }
    let m = Metrics::new("9.9.9");
    m.login(Login::Inactive);
    m.second_step(SecondStep::WrongCode);
    m.rate_limited(Rule::ResetAddress);
    m.delivery(Channel::Mail, Delivery::Retrying);
    m.delivery(Channel::Webhook, Delivery::GivenUp);
    m.mails_queued(2);
    let text = m.render(&Vitals::default());
    let at = |s: &str| line(&text, s).unwrap_or_else(|| panic!("no {s} in\n{text}"));
    assert_eq!(at(r#"tessera_logins_total{outcome="inactive"}"#), "1");
    assert_eq!(at(r#"tessera_logins_total{outcome="success"}"#), "0");
    assert_eq!(
        at(r#"tessera_two_factor_challenges_total{outcome="wrong_code"}"#),
        "1"
    );
    assert_eq!(
        at(r#"tessera_rate_limited_total{rule="reset_address"}"#),
        "1"
    );
    assert_eq!(at(r#"tessera_rate_limited_total{rule="login_ip"}"#), "0");
    assert_eq!(at("tessera_mail_retries_total"), "1");
    assert_eq!(at("tessera_mails_failed_total"), "0");
    let webhooks = |o: &str| {
        at(&format!(
            "tessera_webhook_deliveries_total{{outcome=\"{o}\"}}"
        ))
    };
    assert_eq!((webhooks("given_up"), webhooks("sent")), ("1", "0"));
    assert_eq!(at("tessera_mails_queued_total"), "2");
    assert_eq!(at(r#"tessera_build_info{version="9.9.9"}"#), "1");
}

#[test]
fn requests_are_series_by_route_method_and_status() {
    let m = Metrics::new("0");
    let took = Duration::from_millis(3);
    m.request(Some("/auth/users/{id}/"), "GET", 200, took);
    m.request(Some("/auth/users/{id}/"), "GET", 200, took);
    m.request(Some("/auth/users/{id}/"), "GET", 404, took);
    m.request(None, "GET", 404, took);
    m.request(None, "POST", 404, took);
    let text = m.render(&Vitals::default());
    let at = |s: &str| line(&text, s).unwrap_or_else(|| panic!("no {s} in\n{text}"));
    let route = |status, method| {
        format!(r#"{REQUESTS}{{route="/auth/users/{{id}}/",method="{method}",status="{status}"}}"#)
    };
    assert_eq!(at(&route(200, "GET")), "2");
    assert_eq!(at(&route(404, "GET")), "1");
    assert_eq!(
        at(r#"tessera_http_requests_total{route="unmatched",method="POST",status="404"}"#),
        "1"
    );
    assert_eq!(
        at(
            r#"tessera_http_request_duration_seconds_bucket{route="/auth/users/{id}/",method="GET",status="200",le="0.005"}"#
        ),
        "2"
    );
    assert_eq!(
        at(
            r#"tessera_http_request_duration_seconds_count{route="/auth/users/{id}/",method="GET",status="200"}"#
        ),
        "2"
    );
}

#[test]
fn two_registries_count_apart() {
    let (a, b) = (Metrics::new("0"), Metrics::new("0"));
    a.login(Login::Success);
    let text = b.render(&Vitals::default());
    assert_eq!(
        line(&text, r#"tessera_logins_total{outcome="success"}"#),
        Some("0")
    );
}
