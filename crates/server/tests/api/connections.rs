//! Slow bodies and connection exhaustion: a body that does not arrive in time answers 408
//! and closes; an answer given without reading the body says `Connection: close`; a
//! thousand slow bodies (at 512 open files before start) keep no one else waiting; at the
//! connection cap new clients wait while open connections are served.

use crate::support::{ServeProcess, TestApp};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Everything the server sends until it closes the connection (at most 15 s).
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match tokio::time::timeout(Duration::from_secs(15), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return String::from_utf8_lossy(&received).into_owned(),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "the connection stayed open: {}",
                String::from_utf8_lossy(&received)
            ),
        }
    }
}

/// One whole response on a keep-alive connection (headers, and a body of Content-Length).
async fn response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= length {
                return text;
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(15), stream.read(&mut buf))
            .await
            .expect("a response within 15 s")
            .unwrap();
        assert!(n > 0, "closed before a whole response: {text}");
        received.extend_from_slice(&buf[..n]);
    }
}

/// A POST of `body` as JSON.
fn post(path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A POST announcing a body of 1000 bytes and sending its first few only.
fn slow_post(path: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"email\": "
    )
}

/// `n` connections, each in the middle of a request body that will never be finished.
async fn slow_bodies(addr: &str, n: usize) -> Vec<TcpStream> {
    let mut slow = Vec::with_capacity(n);
    for _ in 0..n {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(slow_post("/auth/jwt/create/").as_bytes())
            .await
            .unwrap();
        slow.push(stream);
    }
    slow
}

/// The answer on `stream`, which then closes, having said it would.
async fn answered_and_closed(stream: &mut TcpStream, status: &str) -> String {
    let answer = until_closed(stream).await;
    assert!(
        answer.starts_with(&format!("HTTP/1.1 {status}")),
        "{answer}"
    );
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("connection: close"), "{answer}");
    answer
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_answers_408_and_closes() {
    let app = TestApp::spawn_with(|c| c.body_timeout = 1).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    let asked = Instant::now();
    slow.write_all(slow_post("/auth/jwt/create/").as_bytes())
        .await
        .unwrap();
    let answer = answered_and_closed(&mut slow, "408").await;
    let took = asked.elapsed();
    assert!(answer.contains("application/json"), "{answer}");
    assert!(
        answer.ends_with(r#"{"detail":"Request body not received in time."}"#),
        "{answer}"
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_answer_given_without_reading_the_body_says_connection_close() {
    let app = TestApp::spawn().await;
    let addr = app.base.trim_start_matches("http://").to_owned();

    // 401 before the body is read: the rest of it is never read, the connection closes.
    let mut unread = TcpStream::connect(&addr).await.unwrap();
    unread
        .write_all(slow_post("/auth/users/set_password/").as_bytes())
        .await
        .unwrap();
    answered_and_closed(&mut unread, "401").await;

    // 413: a body larger than the limit is read only up to it.
    let mut large = TcpStream::connect(&addr).await.unwrap();
    let body = format!("{{\"email\": \"{}\"}}", "a".repeat(70 * 1024));
    large
        .write_all(post("/auth/jwt/create/", &body).as_bytes())
        .await
        .unwrap();
    answered_and_closed(&mut large, "413").await;

    // A body read to its end keeps the connection alive.
    let mut kept = TcpStream::connect(&addr).await.unwrap();
    let verify = post("/auth/jwt/verify/", r#"{"token": "nope"}"#);
    kept.write_all(verify.as_bytes()).await.unwrap();
    let answer = response(&mut kept).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(
        !answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(response(&mut kept).await.starts_with("HTTP/1.1 200"));
    app.stop().await;
}

#[tokio::test]
async fn a_thousand_slow_bodies_keep_no_one_else_waiting() {
    // The test's own side needs a thousand sockets too.
    rlimit::increase_nofile_limit(u64::MAX).unwrap();
    let server = ServeProcess::spawn(
        "connections-test-secret-key-0123456789-abcdef",
        &[("TESSERA_RATE_LIMITING", "false".to_owned())],
        Some(512),
    )
    .await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let slow = slow_bodies(&addr, 1000).await;
    let client = reqwest::Client::new();
    for _ in 0..5 {
        for (path, expected) in [("/healthz", 200), ("/api/auth/password_reset/", 200)] {
            let asked = Instant::now();
            let r = client
                .get(format!("{}{path}", server.base))
                .timeout(Duration::from_secs(5))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), expected);
            let took = asked.elapsed();
            assert!(
                took < Duration::from_secs(1),
                "{path} answered after {took:?}"
            );
        }
        let asked = Instant::now();
        let r = client
            .post(format!("{}/auth/jwt/verify/", server.base))
            .json(&serde_json::json!({"token": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401);
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "{:?}",
            asked.elapsed()
        );
    }
    drop(slow);
    let log = server.stop().await;
    let limit = log
        .lines()
        .find(|l| l.contains("file-descriptor limit"))
        .unwrap_or_else(|| panic!("the limit is logged: {log}"));
    let line: serde_json::Value = serde_json::from_str(limit).unwrap();
    assert_eq!(line["was"], 512, "{line}");
    assert!(line["open_files"].as_u64().unwrap() > 1024, "{line}");
}

#[tokio::test]
async fn at_the_connection_cap_new_clients_wait_while_open_connections_are_served() {
    let app = TestApp::spawn_with(|c| {
        c.max_connections = 10;
        c.body_timeout = 2;
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut established = TcpStream::connect(&addr).await.unwrap();
    established
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(response(&mut established).await.starts_with("HTTP/1.1 200"));
    let slow = slow_bodies(&addr, 9).await;
    // The cap is reached: a new client is queued by the kernel, not refused...
    let waiting_addr = addr.clone();
    let asked = Instant::now();
    let waiting = tokio::spawn(async move {
        let mut stream = TcpStream::connect(&waiting_addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let answer = response(&mut stream).await;
        (answer, asked.elapsed())
    });
    // ...while the established connection goes on being served at once.
    for _ in 0..3 {
        let asked = Instant::now();
        established
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        assert!(response(&mut established).await.starts_with("HTTP/1.1 200"));
        assert!(asked.elapsed() < Duration::from_secs(1));
        assert!(
            !waiting.is_finished(),
            "the new client was let in above the cap"
        );
    }
    // The slow bodies time out, their slots free up, and the waiting client is answered.
    let (answer, took) = waiting.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        took >= Duration::from_millis(1500),
        "answered after {took:?}"
    );
    drop(slow);
    app.stop().await;
}
