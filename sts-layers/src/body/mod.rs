//! The edge between the stack and the transport: the request body becomes a
//! [`Full`], the response body is collected into [`Bytes`] with a size limit.
//!
//! A response larger than the limit is refused, by its `content-length` before
//! reading anything or by counting as it arrives; memory stays bounded. A body
//! that stalls is bounded by the attempt timeout, which sits outside this layer.
//! Errors while reading the body are [`Dispatch`](sts_core::ErrorKind::Dispatch)
//! errors (retryable); an oversized body is a [`Response`](sts_core::ErrorKind::Response)
//! error whose source is [`BodyTooLarge`] (not retried).
//!
//! # Example
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use sts_layers::body::CollectBodyLayer;
//! use tower::{Layer, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let transport = service_fn(|_req: http::Request<Full<Bytes>>| async {
//!     Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(vec![b'x'; 100]))))
//! });
//! let svc = CollectBodyLayer::new(64).layer(transport);
//! let err = svc.oneshot(http::Request::new(Bytes::new())).await.unwrap_err();
//! assert_eq!(sts_core::Error::from_boxed(err).kind(), sts_core::ErrorKind::Response);
//! # }
//! ```

pub mod future;

use std::fmt;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use sts_core::error::BoxError;
use tower::{Layer, Service};

use self::future::ResponseFuture;

/// The default response size limit: 4 MiB (STS answers are a few KiB).
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The response body was larger than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTooLarge {
    limit: usize,
    declared: Option<u64>,
}

impl BodyTooLarge {
    /// The limit in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The `content-length` the server declared, if it declared one.
    pub fn declared(&self) -> Option<u64> {
        self.declared
    }
}

impl fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.declared {
            Some(n) => write!(
                f,
                "response body of {n} bytes is over the limit of {} bytes",
                self.limit
            ),
            None => write!(f, "response body is over the limit of {} bytes", self.limit),
        }
    }
}

impl std::error::Error for BodyTooLarge {}

/// Adapts a transport to the stack's `http::Request<Bytes>` / `http::Response<Bytes>`.
#[derive(Debug, Clone)]
pub struct CollectBody<S> {
    inner: S,
    limit: usize,
}

impl<S> CollectBody<S> {
    /// Wraps the transport `inner`, refusing responses over `limit` bytes.
    pub fn new(inner: S, limit: usize) -> Self {
        Self { inner, limit }
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Unwraps the transport.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, B> Service<http::Request<Bytes>> for CollectBody<S>
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: http::Request<Bytes>) -> Self::Future {
        let req = req.map(Full::new);
        ResponseFuture::new(self.inner.call(req), self.limit)
    }
}

/// Applies [`CollectBody`].
#[derive(Debug, Clone, Copy)]
pub struct CollectBodyLayer {
    limit: usize,
}

impl CollectBodyLayer {
    /// Refuses responses over `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self { limit }
    }
}

impl Default for CollectBodyLayer {
    fn default() -> Self {
        Self::new(DEFAULT_BODY_LIMIT)
    }
}

impl<S> Layer<S> for CollectBodyLayer {
    type Service = CollectBody<S>;

    fn layer(&self, inner: S) -> CollectBody<S> {
        CollectBody::new(inner, self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;
    use tower::ServiceExt;

    /// A body that yields its frames one by one and declares no length.
    struct TestBody(std::collections::VecDeque<Result<Bytes, std::io::Error>>);

    impl http_body::Body for TestBody {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(self.0.pop_front().map(|r| r.map(http_body::Frame::data)))
        }
    }

    fn streaming(chunks: usize, size: usize) -> TestBody {
        TestBody(
            (0..chunks)
                .map(|_| Ok(Bytes::from(vec![b'a'; size])))
                .collect(),
        )
    }

    #[tokio::test]
    async fn collects_a_streamed_body_under_the_limit() {
        let svc = CollectBodyLayer::new(1024).layer(tower::service_fn(
            |_req: http::Request<Full<Bytes>>| async {
                Ok::<_, Infallible>(http::Response::new(streaming(4, 100)))
            },
        ));
        let resp = svc.oneshot(http::Request::new(Bytes::new())).await.unwrap();
        assert_eq!(resp.body().len(), 400);
    }

    #[tokio::test]
    async fn refuses_a_streamed_body_over_the_limit() {
        let svc = CollectBodyLayer::new(1024).layer(tower::service_fn(
            |_req: http::Request<Full<Bytes>>| async {
                Ok::<_, Infallible>(http::Response::new(streaming(1000, 1000)))
            },
        ));
        let err = svc
            .oneshot(http::Request::new(Bytes::new()))
            .await
            .unwrap_err();
        let err = sts_core::Error::from_boxed(err);
        assert_eq!(err.kind(), sts_core::ErrorKind::Response);
        assert!(!err.is_retryable());
        let too_large = err.find_source::<BodyTooLarge>().unwrap();
        assert_eq!(too_large.limit(), 1024);
        assert_eq!(too_large.declared(), None);
    }

    #[tokio::test]
    async fn refuses_a_declared_length_over_the_limit_before_reading() {
        let svc = CollectBodyLayer::new(10).layer(tower::service_fn(
            |_req: http::Request<Full<Bytes>>| async {
                let mut resp = http::Response::new(streaming(1, 5));
                resp.headers_mut().insert(
                    http::header::CONTENT_LENGTH,
                    http::HeaderValue::from(1_000_000u32),
                );
                Ok::<_, Infallible>(resp)
            },
        ));
        let err = svc
            .oneshot(http::Request::new(Bytes::new()))
            .await
            .unwrap_err();
        let err = sts_core::Error::from_boxed(err);
        assert_eq!(
            err.find_source::<BodyTooLarge>().unwrap().declared(),
            Some(1_000_000)
        );
        assert!(format!("{err:#}").contains("1000000 bytes is over the limit of 10 bytes"));
    }

    #[tokio::test]
    async fn a_body_read_error_is_a_retryable_dispatch_error() {
        let svc = CollectBodyLayer::new(1024).layer(tower::service_fn(
            |_req: http::Request<Full<Bytes>>| async {
                let body = TestBody(
                    [
                        Ok(Bytes::from_static(b"<Assume")),
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "reset",
                        )),
                    ]
                    .into(),
                );
                Ok::<_, Infallible>(http::Response::new(body))
            },
        ));
        let err = svc
            .oneshot(http::Request::new(Bytes::new()))
            .await
            .unwrap_err();
        let err = sts_core::Error::from_boxed(err);
        assert_eq!(err.kind(), sts_core::ErrorKind::Dispatch);
        assert!(err.is_retryable());
    }
}
