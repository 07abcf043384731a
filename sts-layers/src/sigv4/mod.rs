//! SigV4 signing as a tower layer.
//!
//! [`SigV4`] resolves credentials from an async
//! [`ProvideCredentials`]
//! provider, signs the request for the [`SigningRegion`] the endpoint layer put in
//! its extensions, then calls the inner service. Requests whose
//! [`OperationMeta`] says `signed: false` (AssumeRoleWithSAML,
//! AssumeRoleWithWebIdentity) go through untouched, without asking for
//! credentials.
//!
//! The signing time is the local clock corrected by a shared [`ClockSkew`]; the
//! [`deserialize`](crate::deserialize) layer updates it when STS says the clock is
//! off, so that the retry signs with the server's time.
//!
//! # Example
//!
//! ```
//! use aws_credential_types::{Credentials, provider::SharedCredentialsProvider};
//! use bytes::Bytes;
//! use sts_layers::sigv4::{SigV4Layer, SigningRegion};
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), sts_core::error::BoxError> {
//! let creds = SharedCredentialsProvider::new(Credentials::new("AKIDEXAMPLE", "secret", None, None, "example"));
//! let svc = ServiceBuilder::new()
//!     .layer(SigV4Layer::new(creds))
//!     .service(service_fn(|req: http::Request<Bytes>| async move {
//!         // The transport sees the signed request.
//!         assert!(req.headers().contains_key("authorization"));
//!         Ok::<_, sts_core::error::BoxError>(http::Response::new(Bytes::new()))
//!     }));
//! let mut req = http::Request::new(Bytes::from_static(b"Action=GetCallerIdentity&Version=2011-06-15"));
//! *req.method_mut() = http::Method::POST;
//! *req.uri_mut() = "https://sts.us-east-1.amazonaws.com/".parse()?;
//! req.extensions_mut().insert(SigningRegion::new("us-east-1"));
//! svc.oneshot(req).await?;
//! # Ok(())
//! # }
//! ```

pub mod future;
mod sign;
mod skew;

use std::task::{Context, Poll};
use std::time::SystemTime;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use bytes::Bytes;
use sts_core::error::BoxError;
use sts_core::operation::OperationMeta;
use tower::{Layer, Service};

use self::future::ResponseFuture;
pub use self::sign::{SIGNING_NAME, SigningConfig, SigningError, sign_request, sign_request_with};
pub use self::skew::{CLOCK_SKEW_CODES, ClockSkewCorrected};
pub use crate::shared::{ClockSkew, MAX_CLOCK_SKEW, SigningRegion, TimeSource};

/// Signs each request with SigV4, then calls the inner service.
///
/// # Clone
///
/// Clones share the credentials provider and the clock skew.
#[derive(Debug, Clone)]
pub struct SigV4<S> {
    inner: S,
    config: SigV4Layer,
}

impl<S> SigV4<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, config: SigV4Layer) -> Self {
        Self { inner, config }
    }

    crate::inner_service_accessors!();
}

impl<S> Service<http::Request<Bytes>> for SigV4<S>
where
    S: Service<http::Request<Bytes>> + Clone,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: http::Request<Bytes>) -> Self::Future {
        let signed = req
            .extensions()
            .get::<OperationMeta>()
            .is_none_or(|meta| meta.signed);
        if !signed {
            return ResponseFuture::called(self.inner.call(req));
        }
        // The ready service goes into the future; a clone stays for next time.
        let clone = self.inner.clone();
        let ready = std::mem::replace(&mut self.inner, clone);
        let Some(provider) = self.config.credentials.clone() else {
            return ResponseFuture::failed(sts_core::Error::new(
                sts_core::ErrorKind::Credentials,
                "no credentials provider is configured, and the operation is signed",
            ));
        };
        let credentials = Box::pin(async move { provider.provide_credentials().await });
        ResponseFuture::resolving(credentials, ready, req, self.config.clone())
    }
}

/// Applies [`SigV4`]: the credentials provider, the clock skew, the time source.
#[derive(Debug, Clone)]
pub struct SigV4Layer {
    credentials: Option<SharedCredentialsProvider>,
    clock_skew: ClockSkew,
    time_source: TimeSource,
}

impl SigV4Layer {
    /// Signs with credentials from `provider`.
    pub fn new(provider: SharedCredentialsProvider) -> Self {
        Self {
            credentials: Some(provider),
            clock_skew: ClockSkew::new(),
            time_source: TimeSource::system(),
        }
    }

    /// Signs nothing: unsigned operations go through, signed ones fail with a
    /// [`Credentials`](sts_core::ErrorKind::Credentials) error.
    pub fn without_credentials() -> Self {
        Self {
            credentials: None,
            clock_skew: ClockSkew::new(),
            time_source: TimeSource::system(),
        }
    }

    /// Shares `skew` with the layer that detects skew errors.
    #[must_use]
    pub fn clock_skew(mut self, skew: ClockSkew) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Takes the time from `source` (tests use a fixed time).
    #[must_use]
    pub fn time_source(mut self, source: TimeSource) -> Self {
        self.time_source = source;
        self
    }

    pub(crate) fn signing_time(&self) -> SystemTime {
        self.clock_skew.apply(self.time_source.now())
    }
}

impl<S> Layer<S> for SigV4Layer {
    type Service = SigV4<S>;

    fn layer(&self, inner: S) -> SigV4<S> {
        SigV4::new(inner, self.clone())
    }
}
