//! `Deadline`: a request body that must arrive whole within the body timeout, counted from
//! the end of its headers (past it, reading fails with `tessera_http::BodyTimedOut`, which
//! the body extractor answers 408), and that tells whether its reader saw its end (when
//! not, the response closes the connection and says so).

use axum::body::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tessera_http::BodyTimedOut;
use tokio::time::{Instant, Sleep};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub struct Deadline {
    inner: Incoming,
    at: Instant,
    /// The timer, made the first time the body is not all there (a body that came with its
    /// headers, as most do, needs none).
    timer: Option<Pin<Box<Sleep>>>,
    read: Arc<AtomicBool>,
}

impl Deadline {
    /// The body and a flag that turns true once it has been read to its end.
    pub fn new(inner: Incoming, timeout: Duration) -> (Self, Arc<AtomicBool>) {
        let read = Arc::new(AtomicBool::new(false));
        let body = Self {
            inner,
            at: Instant::now() + timeout,
            timer: None,
            read: read.clone(),
        };
        (body, read)
    }
}

impl Body for Deadline {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(None) => {
                this.read.store(true, Ordering::Release);
                Poll::Ready(None)
            }
            Poll::Ready(Some(frame)) => Poll::Ready(Some(frame.map_err(BoxError::from))),
            Poll::Pending => match this
                .timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(this.at)))
                .as_mut()
                .poll(cx)
            {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimedOut)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
