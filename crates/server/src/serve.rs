//! The HTTP/1.1 connection loop under axum's router: at most `max_connections` at once
//! (further clients wait in the listen queue), the client's address on each request, a
//! header-read timeout that also closes keep-alive connections left idle, a body timeout,
//! and `Connection: close` on an answer given without reading the whole body. On stop,
//! listening ends and open connections get a grace to finish their requests.

use crate::request_body::Deadline;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, Request};
use axum::response::Response;
use hyper::body::{Body as _, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tower::{Service, ServiceExt};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// For a request's headers, and for a keep-alive connection between requests.
    pub header_timeout: Duration,
    /// For a request's whole body, from the end of its headers.
    pub body_timeout: Duration,
    pub max_connections: usize,
    /// How long open connections may still take once stopping.
    pub drain_grace: Duration,
}

/// What the loop serves: the application, or a bare router (the metrics listener's). Cloned
/// per request, so it must be cheap to clone.
pub trait App:
    Service<Request<Body>, Response = Response, Error = Infallible, Future: Send>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> App for S where
    S: Service<Request<Body>, Response = Response, Error = Infallible, Future: Send>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// Serve `app` on `listener` until `stop` turns true, then drain the open connections.
pub async fn serve(
    listener: TcpListener,
    app: impl App,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut connections = JoinSet::new();
    loop {
        // At the cap, nothing is accepted: new clients wait in the kernel's listen queue
        // while the connections already open go on being served.
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            () = stopped(&mut stop) => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let conn = connection(stream, peer, app.clone(), limits, permit, stop.clone());
                    connections.spawn(conn);
                }
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = stopped(&mut stop) => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(limits.drain_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "connections still open after the stop grace are closed"
        );
        connections.shutdown().await;
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: impl App,
    limits: Limits,
    _slot: OwnedSemaphorePermit,
    mut stop: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        respond(app.clone(), req, limits.body_timeout)
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            () = stopped(&mut stop), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Run one request through the router; a body it did not read to the end closes the
/// connection (the rest of it is never read), which the answer says.
async fn respond(
    app: impl App,
    req: hyper::Request<Incoming>,
    body_timeout: Duration,
) -> Result<Response, Infallible> {
    let (parts, incoming) = req.into_parts();
    if incoming.is_end_stream() {
        return app
            .oneshot(Request::from_parts(parts, Body::new(incoming)))
            .await;
    }
    let (body, read) = Deadline::new(incoming, body_timeout);
    let mut response = app
        .oneshot(Request::from_parts(parts, Body::new(body)))
        .await?;
    if !read.load(Ordering::Acquire) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// Resolves once `stop` turns true (the guard `wait_for` returns is dropped here, so the
/// loops above stay `Send`).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
