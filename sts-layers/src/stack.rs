//! The one HTTP-level stack shared by all operations, assembled and boxed once.
//!
//! ```text
//!   ResolveEndpoint        URI + SigningRegion, resolved when the stack is built
//!   Trace (operation)      span sts.operation
//!   [operation layers]     yours: once per operation, before retry
//!   Timeout (operation)    the whole operation, retries included
//!   SdkHeaders             user-agent, amz-sdk-invocation-id, amz-sdk-request
//!   Retry                  standard policy, token bucket shared by clones
//!     Timeout (attempt)
//!     Trace (attempt)      span sts.attempt
//!     DeserializeResponse  non-2xx -> ServiceError / StatusError; clock skew
//!     [before signing]     yours: per attempt, headers you add here are signed
//!     SigV4                async credentials, skipped for unsigned operations
//!     [after signing]      yours: per attempt, sees the signed request
//!     CollectBody          Full<Bytes> out, body collected under a size limit in
//!   transport              any Service<http::Request<Full<Bytes>>>
//! ```
//!
//! The result is an [`HttpService`]: one nameable type whatever the transport
//! and the layers. User layers are boxed only where some are given.
//!
//! # The transport contract
//!
//! A transport ([`Transport`]) is any `tower::Service<http::Request<Full<Bytes>>>`
//! that is `Clone + Send + Sync + 'static`, whose future is `Send`, whose
//! response is an `http::Response<B>` with `B: http_body::Body<Data = Bytes> +
//! Send`, and whose errors convert into [`BoxError`]. It receives absolute-form URIs
//! (`https://sts.eu-west-1.amazonaws.com/`), signed headers it must send as
//! they are, and should fail (not hang) when the peer goes away: the attempt
//! and operation timeouts (on by default) are the only bounds the stack puts
//! on a transport that never answers. Its errors are
//! treated as connection errors and retried.
//!
//! # Example
//!
//! See the [crate documentation](crate).

use std::time::Duration;

use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use http_body_util::Full;
use sts_core::endpoint::EndpointParams;
use sts_core::error::BoxError;
use tower::layer::util::Stack;
use tower::retry::RetryLayer;
use tower::util::{BoxCloneSyncService, BoxCloneSyncServiceLayer, Either, MapErr, MapErrLayer};
use tower::{Layer, Service};

use crate::body::{CollectBody, DEFAULT_BODY_LIMIT};
use crate::deserialize::DeserializeResponseLayer;
use crate::endpoint::ResolveEndpointLayer;
use crate::headers::SdkHeadersLayer;
use crate::retry::{RetryConfig, StandardPolicy, TokenBucket};
use crate::sigv4::{ClockSkew, SigV4Layer, TimeSource};
use crate::timeout::{DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_OPERATION_TIMEOUT, TimeoutLayer};
use crate::trace::TraceLayer;

/// The HTTP-level service every operation goes through. It fails with the
/// typed [`sts_core::Error`] (not a `BoxError`): a concrete error type with no
/// lifetime in it is what lets `svc.oneshot(input)` on an operation service be
/// awaited inside `tokio::spawn(async move { .. })` (a `BoxError` there trips
/// rustc's higher-ranked lifetime check when the future's `Send` is proven).
pub type HttpService =
    BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, sts_core::Error>;

/// What the stack accepts as a transport (see the contract above): any
/// `tower::Service<http::Request<Full<Bytes>>>` answering
/// `http::Response<B>` with a `Bytes` body, clonable and thread-safe. Written
/// once here so that functions taking a transport need one bound, `T: Transport`.
pub trait Transport:
    Service<
        http::Request<Full<Bytes>>,
        Response = http::Response<Self::ResponseBody>,
        Error: Into<BoxError>,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
    /// The response body type.
    type ResponseBody: http_body::Body<Data = Bytes, Error: Into<BoxError>> + Send + 'static;
}

impl<T, B> Transport for T
where
    T: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    T::Error: Into<BoxError>,
    T::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type ResponseBody = B;
}

/// A user layer inserted into the stack, boxed.
pub type HttpLayer = BoxCloneSyncServiceLayer<
    HttpService,
    http::Request<Bytes>,
    http::Response<Bytes>,
    sts_core::Error,
>;

/// A layer the stack can hold: any `Layer<HttpService>` whose service is a
/// clonable, thread-safe HTTP service with a `Send` future, failing with
/// anything that converts into a [`BoxError`] (tower's own layers do). Boxed
/// on entry; its errors are classified into [`sts_core::Error`].
pub trait IntoHttpLayer {
    /// Boxes the layer.
    fn into_http_layer(self) -> HttpLayer;
}

impl<L> IntoHttpLayer for L
where
    L: Layer<HttpService> + Send + Sync + 'static,
    L::Service: Service<http::Request<Bytes>, Response = http::Response<Bytes>>
        + Clone
        + Send
        + Sync
        + 'static,
    <L::Service as Service<http::Request<Bytes>>>::Error: Into<BoxError>,
    <L::Service as Service<http::Request<Bytes>>>::Future: Send + 'static,
{
    fn into_http_layer(self) -> HttpLayer {
        HttpLayer::new(Stack::new(self, MapErrLayer::new(into_error)))
    }
}

/// Classifies any error a layer fails with.
fn into_error<E: Into<BoxError>>(e: E) -> sts_core::Error {
    sts_core::Error::from_boxed(e.into())
}

/// Where in the stack a user layer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InsertionPoint {
    /// Once per operation, outside retry and the operation timeout: the
    /// request has its URI, nothing is signed. (Metrics, rate limits, audit.)
    Operation,
    /// Each attempt, before signing: headers added here are signed.
    BeforeSigning,
    /// Each attempt, after signing, around the transport: sees the request as
    /// it goes on the wire and the collected response as it came back.
    AfterSigning,
}

/// Assembles the stack.
#[derive(Debug, Clone)]
#[must_use]
pub struct StackBuilder {
    endpoint: ResolveEndpointLayer,
    credentials: Option<SharedCredentialsProvider>,
    retry: RetryConfig,
    bucket: TokenBucket,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    body_limit: usize,
    clock_skew: ClockSkew,
    time_source: Option<TimeSource>,
    headers: SdkHeadersLayer,
    operation_layers: Vec<HttpLayer>,
    before_signing: Vec<HttpLayer>,
    after_signing: Vec<HttpLayer>,
}

impl StackBuilder {
    /// A stack for the endpoint `params` resolve to; fails as resolution does.
    pub fn new(params: &EndpointParams) -> Result<Self, sts_core::Error> {
        Ok(Self::with_endpoint(ResolveEndpointLayer::new(params)?))
    }

    /// A stack for an endpoint resolved already.
    pub fn with_endpoint(endpoint: ResolveEndpointLayer) -> Self {
        Self {
            endpoint,
            credentials: None,
            retry: RetryConfig::standard(),
            bucket: TokenBucket::default(),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            operation_timeout: Some(DEFAULT_OPERATION_TIMEOUT),
            body_limit: DEFAULT_BODY_LIMIT,
            clock_skew: ClockSkew::new(),
            time_source: None,
            headers: SdkHeadersLayer::new(3),
            operation_layers: Vec::new(),
            before_signing: Vec::new(),
            after_signing: Vec::new(),
        }
    }

    /// Signs with credentials from `provider` (without one, only the unsigned
    /// operations work).
    pub fn credentials(mut self, provider: SharedCredentialsProvider) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// The retry settings.
    pub fn retry(mut self, config: RetryConfig) -> Self {
        self.retry = config;
        self
    }

    /// Shares `bucket` (a client shares one across its operations).
    pub fn token_bucket(mut self, bucket: TokenBucket) -> Self {
        self.bucket = bucket;
        self
    }

    /// Bounds each attempt (default [`DEFAULT_ATTEMPT_TIMEOUT`], 20 s; `None`: no bound).
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Bounds the whole operation, retries included (default
    /// [`DEFAULT_OPERATION_TIMEOUT`], 45 s; `None`: no bound).
    pub fn operation_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// Refuses response bodies over `bytes` (default [`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Shares `skew` (a client shares one across its operations).
    pub fn clock_skew(mut self, skew: ClockSkew) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Signs with the time from `source` (tests).
    pub fn time_source(mut self, source: TimeSource) -> Self {
        self.time_source = Some(source);
        self
    }

    /// Sends `user-agent: sts-tower/<version> <suffix>`.
    pub fn user_agent_suffix(mut self, suffix: &str) -> Result<Self, crate::SettingError> {
        self.headers = self.headers.user_agent_suffix(suffix)?;
        Ok(self)
    }

    /// Adds a layer that sees each operation once, before retry (its URI set,
    /// not signed). The first added is the outermost.
    pub fn layer(self, layer: impl IntoHttpLayer) -> Self {
        self.insert(InsertionPoint::Operation, layer.into_http_layer())
    }

    /// Adds a layer that sees each attempt before it is signed: headers it adds
    /// are signed.
    pub fn layer_before_signing(self, layer: impl IntoHttpLayer) -> Self {
        self.insert(InsertionPoint::BeforeSigning, layer.into_http_layer())
    }

    /// Adds a layer that sees each signed attempt and its raw response, next to
    /// the transport (where a recorder or a fault injector goes).
    pub fn layer_after_signing(self, layer: impl IntoHttpLayer) -> Self {
        self.insert(InsertionPoint::AfterSigning, layer.into_http_layer())
    }

    /// Adds a boxed layer at `point` (what the three methods above do once
    /// they have boxed theirs). Within a point, the first added is the
    /// outermost.
    pub fn insert(mut self, point: InsertionPoint, layer: HttpLayer) -> Self {
        match point {
            InsertionPoint::Operation => self.operation_layers.push(layer),
            InsertionPoint::BeforeSigning => self.before_signing.push(layer),
            InsertionPoint::AfterSigning => self.after_signing.push(layer),
        }
        self
    }

    /// The shared token bucket.
    pub fn bucket(&self) -> &TokenBucket {
        &self.bucket
    }

    /// Builds the stack over `transport` with the standard retry policy.
    pub fn build(self, transport: impl Transport) -> HttpService {
        let policy = StandardPolicy::new(self.retry, self.bucket.clone());
        self.build_with_policy(transport, policy)
    }

    /// Builds the stack over `transport` with a retry policy of your own (or the
    /// standard one wrapped).
    pub fn build_with_policy<P>(self, transport: impl Transport, policy: P) -> HttpService
    where
        P: tower::retry::Policy<http::Request<Bytes>, http::Response<Bytes>, BoxError>
            + Clone
            + Send
            + Sync
            + 'static,
        P::Future: Send + 'static,
    {
        let mut sigv4 = match self.credentials {
            Some(provider) => SigV4Layer::new(provider),
            None => SigV4Layer::without_credentials(),
        }
        .clock_skew(self.clock_skew.clone());
        if let Some(source) = self.time_source.clone() {
            sigv4 = sigv4.time_source(source);
        }
        let headers = self.headers.with_max_attempts(self.retry.attempts());

        let svc = CollectBody::new(transport, self.body_limit);
        let svc = segment(svc, &self.after_signing);
        let svc = sigv4.layer(svc);
        let svc = segment(svc, &self.before_signing);
        let svc = DeserializeResponseLayer::new()
            .clock_skew(self.clock_skew)
            .layer(svc);
        let svc = TraceLayer::attempt().layer(svc);
        let svc = TimeoutLayer::attempt(self.attempt_timeout).layer(svc);
        let svc = RetryLayer::new(policy).layer(svc);
        let svc = headers.layer(svc);
        let svc = TimeoutLayer::operation(self.operation_timeout).layer(svc);
        let svc = segment(svc, &self.operation_layers);
        let svc = TraceLayer::operation().layer(svc);
        let svc = self.endpoint.layer(svc);
        HttpService::new(MapErr::new(svc, into_error::<BoxError>))
    }
}

/// `svc` itself when no layers are given (no box, no extra allocation per
/// call), else `svc` boxed and wrapped in them, the first outermost.
fn segment<S>(
    svc: S,
    layers: &[HttpLayer],
) -> Either<S, MapErr<HttpService, fn(sts_core::Error) -> BoxError>>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    if layers.is_empty() {
        return Either::Left(svc);
    }
    let inner = HttpService::new(MapErr::new(svc, into_error::<BoxError>));
    let boxed = layers
        .iter()
        .rev()
        .fold(inner, |inner, layer| layer.layer(inner));
    Either::Right(MapErr::new(boxed, BoxError::from))
}
