//! The response future of the timeout layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use pin_project_lite::pin_project;
use sts_core::error::BoxError;
use tokio::time::Sleep;

use super::{Elapsed, TimeoutScope};

pin_project! {
    /// The inner call, raced against the timer.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        #[pin]
        sleep: Option<Sleep>,
        scope: TimeoutScope,
        after: Duration,
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(
        inner: F,
        sleep: Option<Sleep>,
        scope: TimeoutScope,
        after: Duration,
    ) -> Self {
        Self {
            inner,
            sleep,
            scope,
            after,
        }
    }
}

impl<F, T, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(result) = this.inner.poll(cx) {
            return Poll::Ready(result.map_err(Into::into));
        }
        if let Some(sleep) = this.sleep.as_pin_mut() {
            ready!(sleep.poll(cx));
            let elapsed = Elapsed::new(*this.scope, *this.after);
            return Poll::Ready(Err(Box::new(sts_core::Error::new(
                sts_core::ErrorKind::Timeout,
                elapsed,
            ))));
        }
        Poll::Pending
    }
}
