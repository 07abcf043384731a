//! The one HTTP-level stack shared by all operations, assembled and boxed once.
//!
//! See the picture below (the project's one drawing of the stack,
//! `sts-layers/docs/layers.md`).
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

#![doc = include_str!("../docs/layers.md")]

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
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
use crate::retry::{RetryConfig, SharedClassifier, StandardPolicy, TokenBucket};
use crate::shared::{ClockSkew, TimeSource};
use crate::sigv4::SigV4Layer;
use crate::timeout::{DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_OPERATION_TIMEOUT, TimeoutLayer};
use crate::trace::TraceLayer;

/// The HTTP-level service every operation goes through: the whole stack,
/// boxed once, under one name whatever the transport and the layers.
///
/// It fails with the typed [`sts_core::Error`] (not a `BoxError`), and its
/// future is the named [`HttpFuture`] (not a `Pin<Box<dyn Future + 'static>>`
/// in its type): both keep lifetimes out of the types users' futures hold, so
/// that `tokio::spawn(async move { svc.oneshot(input).await })` compiles with
/// any tower middleware around an operation service, `Buffer` included. With a
/// trait object's `'static` in the future type, rustc's proof that such an
/// async block is `Send` meets `Buffer`'s `F: 'static` bound with the
/// lifetime erased and fails ("higher-ranked lifetime error").
///
/// # Clone
///
/// Clones share the stack (and its token bucket, clock skew and transport).
#[derive(Clone)]
pub struct HttpService {
    inner: BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, sts_core::Error>,
}

impl HttpService {
    /// Boxes `service`.
    pub fn new<S>(service: S) -> Self
    where
        S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = sts_core::Error>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        Self {
            inner: BoxCloneSyncService::new(service),
        }
    }
}

impl fmt::Debug for HttpService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpService").finish_non_exhaustive()
    }
}

impl Service<http::Request<Bytes>> for HttpService {
    type Response = http::Response<Bytes>;
    type Error = sts_core::Error;
    type Future = HttpFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), sts_core::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Bytes>) -> HttpFuture {
        HttpFuture {
            inner: self.inner.call(req),
        }
    }
}

/// The future of [`HttpService`]: the response or the typed error.
pub struct HttpFuture {
    inner: Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, sts_core::Error>> + Send>>,
}

impl fmt::Debug for HttpFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFuture").finish_non_exhaustive()
    }
}

impl Future for HttpFuture {
    type Output = Result<http::Response<Bytes>, sts_core::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

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

/// What the stack accepts as a retry policy: tower's `Policy` over the
/// stack's requests and responses, clonable and thread-safe. Written once
/// here so that functions taking a policy need one bound, `P: RetryPolicy`.
pub trait RetryPolicy:
    tower::retry::Policy<
        http::Request<Bytes>,
        http::Response<Bytes>,
        BoxError,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<P> RetryPolicy for P
where
    P: tower::retry::Policy<http::Request<Bytes>, http::Response<Bytes>, BoxError>
        + Clone
        + Send
        + Sync
        + 'static,
    P::Future: Send + 'static,
{
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
    classify(e.into())
}

/// [`sts_core::Error::from_boxed`] that also knows tower's own errors: a
/// `tower::timeout::error::Elapsed` (from a `ServiceBuilder::timeout` of
/// yours, inside the stack or around an operation service) is a
/// [`Timeout`](sts_core::ErrorKind::Timeout), not a dispatch error. Errors of
/// user layers inside the stack go through it; call it on the `BoxError` of a
/// `ServiceBuilder` stack of your own around an operation service.
///
/// ```
/// use std::time::Duration;
/// use tower::{ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let slow = tower::service_fn(|_: ()| std::future::pending::<Result<(), sts_core::Error>>());
/// let svc = ServiceBuilder::new().timeout(Duration::from_millis(1)).service(slow);
/// let err = sts_layers::stack::classify(svc.oneshot(()).await.unwrap_err());
/// assert!(err.is_timeout());
/// # }
/// ```
pub fn classify(e: BoxError) -> sts_core::Error {
    if e.is::<tower::timeout::error::Elapsed>() {
        return sts_core::Error::new(sts_core::ErrorKind::Timeout, e);
    }
    sts_core::Error::from_boxed(e)
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

/// Everything the stack is built from, as plain values: the client's builder
/// (`sts_client::StsClientBuilder`) fills one in, and so can you. Nothing is
/// checked until [`build`](Self::build): an endpoint that does not resolve or
/// a user-agent suffix that is not visible ASCII is an error there, not in
/// the middle of setting values.
///
/// ```
/// use std::time::Duration;
/// use sts_layers::retry::RetryConfig;
/// use sts_layers::stack::StackConfig;
///
/// let config = StackConfig {
///     retry: RetryConfig::standard().max_attempts(5),
///     attempt_timeout: Some(Duration::from_secs(5)),
///     ..StackConfig::for_region("eu-west-1")
/// };
/// assert_eq!(config.endpoint.region.as_deref(), Some("eu-west-1"));
/// ```
///
/// # Clone
///
/// Clones share the token bucket and the clock skew (they are `Arc`s inside):
/// every stack built from one configuration draws on one retry budget.
#[derive(Debug, Clone)]
pub struct StackConfig {
    /// The endpoint parameters, resolved by the STS rule set in `build`.
    pub endpoint: EndpointParams,
    /// Signs with credentials from this provider; `None`: only the unsigned
    /// operations work.
    pub credentials: Option<SharedCredentialsProvider>,
    /// The standard retry settings (attempts, backoff).
    pub retry: RetryConfig,
    /// What is retried; `None`: [`DefaultClassifier`](crate::retry::DefaultClassifier).
    pub retry_classifier: Option<SharedClassifier>,
    /// The retry budget, shared by every stack built from this configuration.
    pub token_bucket: TokenBucket,
    /// Bounds each attempt (default [`DEFAULT_ATTEMPT_TIMEOUT`], 20 s; `None`: no bound).
    pub attempt_timeout: Option<Duration>,
    /// Bounds the whole operation, retries included (default
    /// [`DEFAULT_OPERATION_TIMEOUT`], 45 s; `None`: no bound).
    pub operation_timeout: Option<Duration>,
    /// Refuses response bodies over this many bytes (default [`DEFAULT_BODY_LIMIT`]).
    pub body_limit: usize,
    /// The clock-skew estimate, shared by the signing layer and the layer that
    /// reads error responses.
    pub clock_skew: ClockSkew,
    /// Where the signing time comes from (the system clock by default).
    pub time_source: TimeSource,
    /// Appended to `user-agent: sts-tower/<version>`; must be visible ASCII.
    pub user_agent_suffix: Option<String>,
    /// Adds `app/<id>` to the user agent, as the AWS SDKs do for
    /// `AWS_SDK_UA_APP_ID` (at most 50 characters, no spaces).
    pub app_id: Option<String>,
    /// Your layers, each at its [`InsertionPoint`]; within a point, the
    /// first is the outermost.
    pub layers: Vec<(InsertionPoint, HttpLayer)>,
}

impl Default for StackConfig {
    fn default() -> Self {
        Self {
            endpoint: EndpointParams::default(),
            credentials: None,
            retry: RetryConfig::standard(),
            retry_classifier: None,
            token_bucket: TokenBucket::default(),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            operation_timeout: Some(DEFAULT_OPERATION_TIMEOUT),
            body_limit: DEFAULT_BODY_LIMIT,
            clock_skew: ClockSkew::new(),
            time_source: TimeSource::system(),
            user_agent_suffix: None,
            app_id: None,
            layers: Vec::new(),
        }
    }
}

impl StackConfig {
    /// The defaults, for `region`.
    pub fn for_region(region: impl Into<String>) -> Self {
        Self {
            endpoint: EndpointParams::new(region),
            ..Self::default()
        }
    }

    /// Adds `layer` at `point` (boxed here), after the ones already there.
    pub fn push_layer(&mut self, point: InsertionPoint, layer: impl IntoHttpLayer) {
        self.layers.push((point, layer.into_http_layer()));
    }

    /// Builds the stack over `transport` with the standard retry policy (and
    /// [`retry_classifier`](Self::retry_classifier) if set). Fails when the
    /// endpoint does not resolve or the user-agent suffix is not visible ASCII.
    pub fn build(self, transport: impl Transport) -> Result<HttpService, sts_core::Error> {
        self.build_with_endpoint(transport)
            .map(|(service, _)| service)
    }

    /// [`build`](Self::build), also returning the endpoint the rules resolved
    /// (its URI and signing region), resolved once.
    pub fn build_with_endpoint(
        self,
        transport: impl Transport,
    ) -> Result<(HttpService, ResolveEndpointLayer), sts_core::Error> {
        let endpoint = ResolveEndpointLayer::new(&self.endpoint)?;
        let service = match self.retry_classifier.clone() {
            Some(classifier) => {
                let policy = StandardPolicy::with_classifier(
                    self.retry,
                    self.token_bucket.clone(),
                    classifier,
                );
                self.assemble(endpoint.clone(), transport, policy)?
            }
            None => {
                let policy = StandardPolicy::new(self.retry, self.token_bucket.clone());
                self.assemble(endpoint.clone(), transport, policy)?
            }
        };
        Ok((service, endpoint))
    }

    /// Builds the stack over `transport` with a retry policy of your own (or
    /// the standard one wrapped); [`retry_classifier`](Self::retry_classifier)
    /// is then unused.
    pub fn build_with_policy(
        self,
        transport: impl Transport,
        policy: impl RetryPolicy,
    ) -> Result<HttpService, sts_core::Error> {
        let endpoint = ResolveEndpointLayer::new(&self.endpoint)?;
        self.assemble(endpoint, transport, policy)
    }

    fn assemble(
        self,
        endpoint: ResolveEndpointLayer,
        transport: impl Transport,
        policy: impl RetryPolicy,
    ) -> Result<HttpService, sts_core::Error> {
        let headers = SdkHeadersLayer::new(self.retry.attempts()).with_user_agent(
            crate::headers::user_agent(self.user_agent_suffix.as_deref(), self.app_id.as_deref())?,
        );
        let sigv4 = match self.credentials {
            Some(provider) => SigV4Layer::new(provider),
            None => SigV4Layer::without_credentials(),
        }
        .clock_skew(self.clock_skew.clone())
        .time_source(self.time_source);
        let mut operation_layers = Vec::new();
        let mut before_signing = Vec::new();
        let mut after_signing = Vec::new();
        for (point, layer) in self.layers {
            match point {
                InsertionPoint::Operation => operation_layers.push(layer),
                InsertionPoint::BeforeSigning => before_signing.push(layer),
                InsertionPoint::AfterSigning => after_signing.push(layer),
            }
        }

        let svc = CollectBody::new(transport, self.body_limit);
        let svc = segment(svc, &after_signing);
        let svc = sigv4.layer(svc);
        let svc = segment(svc, &before_signing);
        let svc = DeserializeResponseLayer::new()
            .clock_skew(self.clock_skew)
            .layer(svc);
        let svc = TraceLayer::attempt().layer(svc);
        let svc = TimeoutLayer::attempt(self.attempt_timeout).layer(svc);
        let svc = RetryLayer::new(policy).layer(svc);
        let svc = headers.layer(svc);
        let svc = TimeoutLayer::operation(self.operation_timeout).layer(svc);
        let svc = segment(svc, &operation_layers);
        let svc = TraceLayer::operation().layer(svc);
        let svc = endpoint.layer(svc);
        Ok(HttpService::new(MapErr::new(svc, into_error::<BoxError>)))
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
    let boxed = layers.iter().rev().fold(inner, |inner, layer| HttpService {
        inner: layer.layer(inner),
    });
    Either::Right(MapErr::new(boxed, BoxError::from))
}
