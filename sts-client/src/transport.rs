//! The default transport: hyper 1 through hyper-util's pooled client, TLS by
//! rustls (ring provider) through hyper-rustls, HTTP/1.1 and HTTP/2 (chosen by
//! ALPN), and proxies from the environment.
//!
//! Any other `tower::Service<http::Request<Full<Bytes>>>` can be the
//! transport instead (the contract is in `sts_layers::stack`); this one is what
//! [`StsClientBuilder::build`](crate::StsClientBuilder::build) uses when none is
//! given.
//!
//! # Bounds
//!
//! Every wait has a bound by default, each of which can be changed or cleared
//! on [`HyperTransportBuilder`]:
//!
//! | wait | default | error |
//! |---|---|---|
//! | connect: TCP, the proxy's `CONNECT` tunnel and the TLS handshake together | [`DEFAULT_CONNECT_TIMEOUT`] (3.1 s, aws-config's) | `Timeout` kind, retried |
//! | read: no response head, or no body bytes, for this long | [`DEFAULT_READ_TIMEOUT`] (10 s) | `Timeout` kind, retried |
//!
//! The stack adds the attempt and operation timeouts above these.
//!
//! # Proxies
//!
//! [`ProxyConfig::from_env`] reads, in this order, the first set of each pair:
//! `HTTPS_PROXY`/`https_proxy` (for `https://` endpoints),
//! `HTTP_PROXY`/`http_proxy` (for `http://` endpoints), `ALL_PROXY`/`all_proxy`
//! (for either, when the specific one is unset) and `NO_PROXY`/`no_proxy`
//! (hosts, domains and IP ranges reached directly, `*` for all). When
//! `REQUEST_METHOD` is set (the process runs as a CGI script), `HTTP_PROXY` is
//! ignored, since a request's `Proxy:` header would set it (httpoxy);
//! `http_proxy` is still read.
//!
//! A proxied destination is reached through an HTTP `CONNECT` tunnel (for
//! `https://` and `http://` endpoints alike), with `Proxy-Authorization: Basic`
//! when the proxy URL carries `user:password@`. Proxy URLs must be `http://`:
//! an `https://` proxy (TLS to the proxy itself) is refused when the transport
//! is built, because the tunnel would otherwise send the proxy's credentials
//! over plain TCP.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body_util::Full;
use hyper_rustls::{ConfigBuilderExt, HttpsConnector};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use pin_project_lite::pin_project;
use sts_core::{Error, ErrorKind};

use crate::context;
use sts_layers::BoxError;
use tokio::net::TcpStream;

#[cfg(not(any(feature = "webpki-roots", feature = "native-roots")))]
compile_error!(
    "sts-client's `hyper-rustls` feature needs roots: enable `webpki-roots` or `native-roots`"
);

/// The default connect timeout: TCP connect (to the endpoint or the proxy),
/// the proxy tunnel and the TLS handshake together (aws-config's 3.1 s).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// The default read timeout: the longest wait for the response head, and
/// then between two pieces of the body.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an idle pooled connection is kept.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

type PooledClient = Client<ConnectTimeout<HttpsConnector<ProxyConnector>>, Full<Bytes>>;

/// The default transport: a pooled hyper-util client over rustls, with a
/// connect bound and a read bound (see the module docs). Cloning it shares the
/// connection pool.
#[derive(Clone)]
pub struct HyperTransport {
    client: PooledClient,
    read_timeout: Option<Duration>,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

impl tower::Service<http::Request<Full<Bytes>>> for HyperTransport {
    type Response = http::Response<ReadTimeoutBody>;
    type Error = BoxError;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        tower::Service::poll_ready(&mut self.client, cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<Full<Bytes>>) -> ResponseFuture {
        ResponseFuture {
            inner: tower::Service::call(&mut self.client, request),
            deadline: self.read_timeout.map(tokio::time::sleep),
            read_timeout: self.read_timeout,
        }
    }
}

fn timed_out(what: &str, after: Duration) -> BoxError {
    Box::new(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("{what} took more than {after:?}"),
    ))
}

pin_project! {
    /// The response future of [`HyperTransport`]: the response head, bounded
    /// by the read timeout.
    pub struct ResponseFuture {
        #[pin]
        inner: hyper_util::client::legacy::ResponseFuture,
        #[pin]
        deadline: Option<tokio::time::Sleep>,
        read_timeout: Option<Duration>,
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl Future for ResponseFuture {
    type Output = Result<http::Response<ReadTimeoutBody>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(result) = this.inner.poll(cx) {
            let timeout = *this.read_timeout;
            return Poll::Ready(match result {
                Ok(response) => Ok(response.map(|body| ReadTimeoutBody::new(body, timeout))),
                Err(e) => Err(e.into()),
            });
        }
        if let (Some(deadline), Some(after)) = (this.deadline.as_pin_mut(), *this.read_timeout)
            && deadline.poll(cx).is_ready()
        {
            return Poll::Ready(Err(timed_out("waiting for the response head", after)));
        }
        Poll::Pending
    }
}

pin_project! {
    /// The response body of [`HyperTransport`]: fails with a `TimedOut` I/O
    /// error when no data arrives for the read timeout.
    pub struct ReadTimeoutBody {
        #[pin]
        inner: hyper::body::Incoming,
        #[pin]
        stall: Option<tokio::time::Sleep>,
        timeout: Option<Duration>,
    }
}

impl ReadTimeoutBody {
    fn new(inner: hyper::body::Incoming, timeout: Option<Duration>) -> Self {
        // The timer is made the first time the body is not ready: a small
        // answer that arrived with its head never registers one.
        Self {
            inner,
            stall: None,
            timeout,
        }
    }
}

impl fmt::Debug for ReadTimeoutBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadTimeoutBody")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl http_body::Body for ReadTimeoutBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        let mut this = self.project();
        if let Poll::Ready(frame) = this.inner.poll_frame(cx) {
            if let (Some(stall), Some(after)) = (this.stall.as_mut().as_pin_mut(), *this.timeout) {
                stall.reset(tokio::time::Instant::now() + after);
            }
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let Some(after) = *this.timeout else {
            return Poll::Pending;
        };
        if this.stall.is_none() {
            this.stall.set(Some(tokio::time::sleep(after)));
        }
        if let Some(stall) = this.stall.as_pin_mut()
            && stall.poll(cx).is_ready()
        {
            return Poll::Ready(Some(Err(timed_out("waiting for the response body", after))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Bounds a connector's whole connect (TCP, proxy tunnel, TLS).
#[derive(Clone)]
pub(crate) struct ConnectTimeout<C> {
    inner: C,
    timeout: Option<Duration>,
}

impl<C> fmt::Debug for ConnectTimeout<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectTimeout")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

type Connected<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

impl<C> tower::Service<Uri> for ConnectTimeout<C>
where
    C: tower::Service<Uri>,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Connected<C::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let connecting = self.inner.call(destination);
        let Some(limit) = self.timeout else {
            return Box::pin(async move { connecting.await.map_err(Into::into) });
        };
        Box::pin(async move {
            match tokio::time::timeout(limit, connecting).await {
                Ok(result) => result.map_err(Into::into),
                Err(_) => Err(timed_out("connecting (TCP, proxy tunnel and TLS)", limit)),
            }
        })
    }
}

/// Proxy settings: which destinations go through which proxy.
#[derive(Clone)]
pub struct ProxyConfig {
    matcher: Option<Arc<Matcher>>,
    /// The variable naming an `https://` proxy, refused when building.
    tls_proxy: Option<&'static str>,
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The matcher holds proxy credentials; say only whether one is set.
        f.debug_struct("ProxyConfig")
            .field("enabled", &self.matcher.is_some())
            .finish()
    }
}

impl Default for ProxyConfig {
    fn default() -> Self {
        Self::from_env()
    }
}

impl ProxyConfig {
    /// No proxy: every destination is connected to directly.
    pub fn none() -> Self {
        Self {
            matcher: None,
            tls_proxy: None,
        }
    }

    /// The proxy variables of the process environment, in the order the
    /// module docs give (curl's, with the CGI guard).
    pub fn from_env() -> Self {
        Self::from_env_with(crate::config::process_env)
    }

    /// [`from_env`](Self::from_env) with variables looked up through `env`.
    pub fn from_env_with(env: impl Fn(&str) -> Option<String>) -> Self {
        use crate::config::var;
        let cgi = env(var::REQUEST_METHOD).is_some();
        let first = |names: &[&'static str]| {
            names
                .iter()
                .find_map(|name| env(name).map(|value| (*name, value)))
        };
        let all = first(&var::ALL_PROXY);
        let https = first(&var::HTTPS_PROXY).or_else(|| all.clone());
        // httpoxy: in a CGI script, HTTP_PROXY comes from the request's `Proxy:` header.
        let http_names: &[&'static str] = if cgi {
            &var::HTTP_PROXY[1..]
        } else {
            &var::HTTP_PROXY
        };
        let http = first(http_names).or(all);
        let no = first(&var::NO_PROXY);
        if https.is_none() && http.is_none() {
            return Self::none();
        }
        let is_tls = |(_, url): &(&'static str, String)| {
            url.trim()
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        };
        let tls_proxy = [&https, &http]
            .into_iter()
            .flatten()
            .find(|p| is_tls(p))
            .map(|(name, _)| *name);
        let mut builder = Matcher::builder();
        if let Some((_, https)) = https {
            builder = builder.https(https);
        }
        if let Some((_, http)) = http {
            builder = builder.http(http);
        }
        if let Some((_, no)) = no {
            builder = builder.no(no);
        }
        Self {
            matcher: Some(Arc::new(builder.build())),
            tls_proxy,
        }
    }

    /// An error if a proxy URL is `https://` (see the module docs).
    fn check(&self) -> Result<(), Error> {
        match self.tls_proxy {
            None => Ok(()),
            Some(variable) => Err(Error::new(
                ErrorKind::Construction,
                format!(
                    "{variable} names an https:// proxy: TLS to the proxy is not supported, and \
                     its credentials would cross plain TCP; use an http:// proxy URL (the \
                     tunnel to STS is TLS either way)"
                ),
            )),
        }
    }

    /// The proxy URL `destination` would go through, if any (credentials
    /// stripped), for logs and tests.
    pub fn proxy_for(&self, destination: &Uri) -> Option<Uri> {
        let intercept = self.matcher.as_ref()?.intercept(destination)?;
        let uri = intercept.uri();
        let authority = uri.authority()?;
        let host_port = authority
            .as_str()
            .rsplit_once('@')
            .map_or(authority.as_str(), |(_, h)| h);
        Uri::builder()
            .scheme(uri.scheme_str().unwrap_or("http"))
            .authority(host_port)
            .path_and_query("/")
            .build()
            .ok()
    }
}

/// Connects directly or through a `CONNECT` tunnel, as [`ProxyConfig`] says.
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    direct: HttpConnector,
    proxy: ProxyConfig,
}

impl fmt::Debug for ProxyConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConnector")
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

type Connecting = Pin<Box<dyn Future<Output = Result<TokioIo<TcpStream>, BoxError>> + Send>>;

impl tower::Service<Uri> for ProxyConnector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Connecting;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        tower::Service::<Uri>::poll_ready(&mut self.direct, cx).map_err(Into::into)
    }

    fn call(&mut self, destination: Uri) -> Connecting {
        let intercept = self
            .proxy
            .matcher
            .as_ref()
            .and_then(|m| m.intercept(&destination));
        match intercept {
            None => {
                let connecting = tower::Service::call(&mut self.direct, destination);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
            Some(intercept) => {
                let mut tunnel = Tunnel::new(intercept.uri().clone(), self.direct.clone());
                if let Some(auth) = intercept.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                let connecting = tower::Service::call(&mut tunnel, destination);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
        }
    }
}

/// Builds a [`HyperTransport`].
#[derive(Debug, Clone)]
#[must_use]
pub struct HyperTransportBuilder {
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    proxy: Option<ProxyConfig>,
    tls: Option<rustls::ClientConfig>,
    http2_only: bool,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            read_timeout: Some(DEFAULT_READ_TIMEOUT),
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            proxy: None,
            tls: None,
            http2_only: false,
        }
    }
}

impl HyperTransportBuilder {
    /// Defaults: 3.1 s connect timeout, 10 s read timeout, 90 s idle pool
    /// timeout, proxies from the environment, the feature-selected roots,
    /// HTTP/1.1 and HTTP/2.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bounds the whole connect: TCP (to the endpoint or the proxy), the
    /// proxy tunnel and the TLS handshake; `None` waits as long as the OS and
    /// the peer do.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Bounds each wait for the response: for its head, then between two
    /// pieces of its body (a stall, however long the whole takes); `None`
    /// waits forever (the stack's attempt timeout still applies).
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// How long an idle connection stays in the pool; `None` keeps it.
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// At most `max` idle connections per host (0 disables reuse).
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// The proxy settings (from the environment by default).
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// A rustls configuration of your own (private CA, client certificates).
    /// ALPN is set for you.
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls = Some(config);
        self
    }

    /// Speak HTTP/2 only, also over cleartext `http://` (prior knowledge).
    pub fn http2_only(mut self, on: bool) -> Self {
        self.http2_only = on;
        self
    }

    /// Builds the transport. Fails only when the system roots cannot be read
    /// (`native-roots`) or the TLS configuration is refused.
    pub fn build(self) -> Result<HyperTransport, Error> {
        let tls = match self.tls {
            Some(config) => config,
            None => default_tls_config()?,
        };
        let mut direct = HttpConnector::new();
        direct.enforce_http(false);
        direct.set_connect_timeout(self.connect_timeout);
        direct.set_nodelay(true);
        let proxy = self.proxy.unwrap_or_default();
        proxy.check()?;
        let connector = ProxyConnector { direct, proxy };
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(connector);
        let connector = ConnectTimeout {
            inner: connector,
            timeout: self.connect_timeout,
        };
        let mut builder = Client::builder(TokioExecutor::new());
        builder
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .http2_only(self.http2_only);
        Ok(HyperTransport {
            client: builder.build(connector),
            read_timeout: self.read_timeout,
        })
    }
}

/// The default transport with default settings.
pub fn default_transport() -> Result<HyperTransport, Error> {
    HyperTransportBuilder::new().build()
}

fn default_tls_config() -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| context::error(ErrorKind::Construction, "TLS configuration refused", e))?;
    #[cfg(feature = "native-roots")]
    let builder = builder.with_native_roots().map_err(|e| {
        context::error(
            ErrorKind::Construction,
            "could not read the system's root certificates",
            e,
        )
    })?;
    #[cfg(not(feature = "native-roots"))]
    let builder = builder.with_webpki_roots();
    Ok(builder.with_no_client_auth())
}
