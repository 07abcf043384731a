//! Tracing spans: one per operation and one per attempt.
//!
//! The operation span, `sts.operation`, has `operation`, `region` and `host`; the
//! attempt span, `sts.attempt`, has `attempt`. Both record `status`,
//! `request_id`, `elapsed_ms` and, on failure, `error` when the call ends. They
//! never carry a header or a body, so no secret reaches a subscriber. With no
//! subscriber interested the cost is a disabled span.
//!
//! # Example
//!
//! ```
//! use sts_layers::trace::TraceLayer;
//! use tower::ServiceBuilder;
//!
//! let layers = ServiceBuilder::new()
//!     .layer(TraceLayer::operation())
//!     // ... retry ...
//!     .layer(TraceLayer::attempt());
//! # let _ = layers;
//! ```

pub mod future;

use std::task::{Context, Poll};

use bytes::Bytes;
use sts_core::error::BoxError;
use sts_core::operation::OperationMeta;
use tower::{Layer, Service};

use self::future::ResponseFuture;
use crate::shared::Attempt;
use crate::shared::SigningRegion;

/// Which span the layer opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Operation,
    Attempt,
}

/// Runs each call inside a span.
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
    scope: Scope,
}

impl<S> Trace<S> {
    crate::inner_service_accessors!();
}

impl<S> Service<http::Request<Bytes>> for Trace<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>>,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: http::Request<Bytes>) -> Self::Future {
        let span = match self.scope {
            Scope::Operation => {
                let operation = req
                    .extensions()
                    .get::<OperationMeta>()
                    .map_or("", |m| m.name);
                let region = req
                    .extensions()
                    .get::<SigningRegion>()
                    .map_or("", SigningRegion::as_str);
                tracing::info_span!(
                    "sts.operation",
                    operation,
                    region,
                    host = req.uri().host().unwrap_or(""),
                    status = tracing::field::Empty,
                    request_id = tracing::field::Empty,
                    elapsed_ms = tracing::field::Empty,
                    error = tracing::field::Empty,
                )
            }
            Scope::Attempt => {
                let attempt = req.extensions().get::<Attempt>().map_or(1, |a| a.number);
                tracing::debug_span!(
                    "sts.attempt",
                    attempt,
                    status = tracing::field::Empty,
                    request_id = tracing::field::Empty,
                    elapsed_ms = tracing::field::Empty,
                    error = tracing::field::Empty,
                )
            }
        };
        let future = {
            let _entered = span.enter();
            self.inner.call(req)
        };
        ResponseFuture::new(future, span)
    }
}

/// Applies [`Trace`].
#[derive(Debug, Clone, Copy)]
pub struct TraceLayer {
    scope: Scope,
}

impl TraceLayer {
    /// The `sts.operation` span: put it outside retry.
    pub fn operation() -> Self {
        Self {
            scope: Scope::Operation,
        }
    }

    /// The `sts.attempt` span: put it inside retry.
    pub fn attempt() -> Self {
        Self {
            scope: Scope::Attempt,
        }
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Trace<S> {
        Trace {
            inner,
            scope: self.scope,
        }
    }
}
