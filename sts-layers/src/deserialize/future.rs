//! The response future of the deserialize layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use pin_project_lite::pin_project;
use sts_core::error::BoxError;

use crate::shared::ClockSkew;

pin_project! {
    /// The inner call; a non-2xx response becomes an error.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        clock_skew: Option<ClockSkew>,
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(inner: F, clock_skew: Option<ClockSkew>) -> Self {
        Self { inner, clock_skew }
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
        let response = ready!(this.inner.poll(cx)).map_err(Into::into)?;
        super::classify_response(&response, this.clock_skew.as_ref())?;
        Poll::Ready(Ok(response))
    }
}
