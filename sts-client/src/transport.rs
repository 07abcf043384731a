//! The default transport: hyper 1 through hyper-util's pooled client, TLS by
//! rustls (ring provider) through hyper-rustls, HTTP/1.1 and HTTP/2 (chosen by
//! ALPN), a connect timeout, and `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` /
//! `NO_PROXY` as curl reads them.
//!
//! Any other `tower::Service<http::Request<Full<Bytes>>>` can be the
//! transport instead (the contract is in `sts_layers::stack`); this one is what
//! [`StsClientBuilder::build`](crate::StsClientBuilder::build) uses when none is
//! given.
//!
//! A proxied destination is reached through an HTTP `CONNECT` tunnel (for
//! `https://` and `http://` endpoints alike), with `Proxy-Authorization: Basic`
//! when the proxy URL carries `user:password@`.

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
use sts_core::{Error, ErrorKind};

use crate::context;
use sts_layers::BoxError;
use tokio::net::TcpStream;

#[cfg(not(any(feature = "webpki-roots", feature = "native-roots")))]
compile_error!(
    "sts-client's `hyper-rustls` feature needs roots: enable `webpki-roots` or `native-roots`"
);

/// The default connect timeout (TCP connect, to the endpoint or the proxy).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// How long an idle pooled connection is kept.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The default transport: a pooled hyper-util client over rustls. Cloning it
/// shares the connection pool.
pub type HyperTransport = Client<HttpsConnector<ProxyConnector>, Full<Bytes>>;

/// Proxy settings: which destinations go through which proxy.
#[derive(Clone)]
pub struct ProxyConfig {
    matcher: Option<Arc<Matcher>>,
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
        Self { matcher: None }
    }

    /// `ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (or their
    /// lower-case forms) from the process environment, read as curl reads them.
    pub fn from_env() -> Self {
        Self::from_env_with(sts_layers::settings::process_env)
    }

    /// [`from_env`](Self::from_env) with variables looked up through `env`.
    pub fn from_env_with(env: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: [&str; 2]| names.into_iter().find_map(&env);
        let all = first(["ALL_PROXY", "all_proxy"]);
        let https = first(["HTTPS_PROXY", "https_proxy"]).or_else(|| all.clone());
        let http = first(["HTTP_PROXY", "http_proxy"]).or(all);
        let no = first(["NO_PROXY", "no_proxy"]);
        if https.is_none() && http.is_none() {
            return Self::none();
        }
        let mut builder = Matcher::builder();
        if let Some(https) = https {
            builder = builder.https(https);
        }
        if let Some(http) = http {
            builder = builder.http(http);
        }
        if let Some(no) = no {
            builder = builder.no(no);
        }
        Self {
            matcher: Some(Arc::new(builder.build())),
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
pub struct ProxyConnector {
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
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            proxy: None,
            tls: None,
            http2_only: false,
        }
    }
}

impl HyperTransportBuilder {
    /// Defaults: 3.1 s connect timeout, 90 s idle pool timeout, proxies from
    /// the environment, the feature-selected roots, HTTP/1.1 and HTTP/2.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bounds the TCP connect (to the endpoint or the proxy); `None` waits as
    /// long as the OS does.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
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
        let connector = ProxyConnector {
            direct,
            proxy: self.proxy.unwrap_or_default(),
        };
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(connector);
        let mut builder = Client::builder(TokioExecutor::new());
        builder
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .http2_only(self.http2_only);
        Ok(builder.build(connector))
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
