//! Timeouts for one attempt or for a whole operation (retries included).
//!
//! Unlike `tower::timeout`, the duration is optional (`None` adds no timer and no
//! cost) and the error says which timeout fired, so that the retry classifier
//! retries an attempt timeout and never an operation timeout. The error is an
//! [`sts_core::Error`] of kind [`Timeout`](sts_core::ErrorKind::Timeout) whose
//! source is an [`Elapsed`].
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use sts_layers::timeout::TimeoutLayer;
//! use tower::{ServiceBuilder, service_fn};
//!
//! let svc = ServiceBuilder::new()
//!     .layer(TimeoutLayer::operation(Some(Duration::from_secs(30))))
//!     .layer(TimeoutLayer::attempt(Some(Duration::from_secs(5))))
//!     .service(service_fn(|req: u32| async move { Ok::<_, std::io::Error>(req) }));
//! # let _ = svc;
//! ```

pub mod error;
pub mod future;

use std::task::{Context, Poll};
use std::time::Duration;

use sts_core::error::BoxError;
use tower::{Layer, Service};

pub use self::error::{Elapsed, TimeoutScope};

/// The default bound on one attempt: twice the default transport's read
/// timeout, so that a slow trickle of bytes still ends. STS answers in well
/// under a second.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// The default bound on a whole operation, retries and back-off included:
/// room for the default three attempts against a server that stalls (three
/// 10 s read timeouts and the back-off between them), and an end to any
/// other wait.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(45);
use self::future::ResponseFuture;

/// Fails a call that takes longer than the configured duration.
#[derive(Debug, Clone)]
pub struct Timeout<S> {
    inner: S,
    duration: Option<Duration>,
    scope: TimeoutScope,
}

impl<S> Timeout<S> {
    /// Wraps `inner`; `None` means no limit.
    pub fn new(inner: S, duration: Option<Duration>, scope: TimeoutScope) -> Self {
        Self {
            inner,
            duration,
            scope,
        }
    }

    crate::inner_service_accessors!();
}

impl<S, R> Service<R> for Timeout<S>
where
    S: Service<R>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let sleep = self.duration.map(tokio::time::sleep);
        ResponseFuture::new(
            self.inner.call(req),
            sleep,
            self.scope,
            self.duration.unwrap_or_default(),
        )
    }
}

/// Applies [`Timeout`] to a service.
#[derive(Debug, Clone, Copy)]
pub struct TimeoutLayer {
    duration: Option<Duration>,
    scope: TimeoutScope,
}

impl TimeoutLayer {
    /// A timeout for each attempt: retried when it fires.
    pub fn attempt(duration: Option<Duration>) -> Self {
        Self {
            duration,
            scope: TimeoutScope::Attempt,
        }
    }

    /// A timeout for the whole operation, retries and backoff included: final.
    pub fn operation(duration: Option<Duration>) -> Self {
        Self {
            duration,
            scope: TimeoutScope::Operation,
        }
    }
}

impl<S> Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;

    fn layer(&self, inner: S) -> Timeout<S> {
        Timeout::new(inner, self.duration, self.scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::pending;
    use tower::{ServiceExt, service_fn};

    #[tokio::test(start_paused = true)]
    async fn attempt_timeout_fires_after_its_duration_and_says_so() {
        let svc = TimeoutLayer::attempt(Some(Duration::from_millis(250)))
            .layer(service_fn(|()| pending::<Result<(), BoxError>>()));
        let start = tokio::time::Instant::now();
        let err = svc.oneshot(()).await.unwrap_err();
        assert_eq!(start.elapsed(), Duration::from_millis(250));
        let err = sts_core::Error::from_boxed(err);
        assert!(err.is_timeout());
        let elapsed = err.find_source::<Elapsed>().unwrap();
        assert_eq!(elapsed.scope(), TimeoutScope::Attempt);
        assert_eq!(elapsed.after(), Duration::from_millis(250));
        assert_eq!(
            format!("{err:#}"),
            "request timed out: attempt timed out after 250ms"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_duration_means_no_timer() {
        let svc = TimeoutLayer::operation(None).layer(service_fn(|()| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<_, BoxError>(7)
        }));
        assert_eq!(svc.oneshot(()).await.unwrap(), 7);
    }

    #[tokio::test(start_paused = true)]
    async fn inner_errors_pass_through_unchanged() {
        let svc =
            TimeoutLayer::operation(Some(Duration::from_secs(1))).layer(service_fn(|()| async {
                Err::<(), _>(std::io::Error::other("reset"))
            }));
        let err = svc.oneshot(()).await.unwrap_err();
        assert!(err.downcast_ref::<std::io::Error>().is_some());
    }
}
