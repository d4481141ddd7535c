//! Connection timeouts: a client that sends its headers too slowly, or keeps an idle
//! keep-alive connection open, is disconnected after `TESSERA_HEADER_TIMEOUT`.

use crate::support::TestApp;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Seconds until the server closes `stream` (reads return nothing more), at most 10.
async fn closed_after(stream: &mut TcpStream) -> (Duration, Vec<u8>) {
    let start = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await;
        match read {
            Ok(Ok(0)) | Ok(Err(_)) => return (start.elapsed(), received),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the connection stayed open for 10 s"),
        }
    }
}

#[tokio::test]
async fn slow_headers_and_idle_connections_are_closed() {
    let app = TestApp::spawn_with(|c| c.header_timeout = 1).await;
    let addr = app.base.trim_start_matches("http://").to_owned();

    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let (after, _) = closed_after(&mut slow).await;
    assert!(
        after >= Duration::from_millis(800) && after < Duration::from_secs(4),
        "{after:?}"
    );

    let mut idle = TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (after, answer) = closed_after(&mut idle).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        after < Duration::from_secs(4),
        "an idle keep-alive connection is closed: {after:?}"
    );
    app.stop().await;
}
