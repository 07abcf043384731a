//! The response future of the trace layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use bytes::Bytes;
use pin_project_lite::pin_project;
use sts_core::error::BoxError;
use tracing::Span;

use crate::deserialize::REQUEST_ID_HEADER;

pin_project! {
    /// The inner call, polled inside the span; records the outcome at the end.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        span: Span,
        start: Option<Instant>,
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(inner: F, span: Span) -> Self {
        let start = (!span.is_disabled()).then(Instant::now);
        Self { inner, span, start }
    }
}

impl<F, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<http::Response<Bytes>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<http::Response<Bytes>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let result = ready!(this.inner.poll(cx)).map_err(Into::into);
        if let Some(start) = this.start {
            let span = &*this.span;
            span.record("elapsed_ms", start.elapsed().as_secs_f64() * 1000.0);
            match &result {
                Ok(resp) => {
                    span.record("status", resp.status().as_u16());
                    if let Some(id) = resp.headers().get(REQUEST_ID_HEADER) {
                        span.record("request_id", id.to_str().unwrap_or(""));
                    }
                }
                Err(e) => record_error(span, e),
            }
        }
        Poll::Ready(result)
    }
}

fn record_error(span: &Span, e: &BoxError) {
    if let Some(service) = sts_core::error::find_source::<sts_core::error::ServiceError>(&**e) {
        if let Some(status) = service.status() {
            span.record("status", status);
        }
        if let Some(id) = service.request_id() {
            span.record("request_id", id);
        }
    }
    span.record("error", tracing::field::display(format_args!("{e:#}")));
}
