//! The client builder.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use sts_core::Error;
use sts_layers::BoxError;
use sts_layers::retry::{ClassifyRetry, RetryConfig, SharedClassifier, TokenBucket};
use sts_layers::shared::{ClockSkew, TimeSource};
use sts_layers::stack::{HttpLayer, InsertionPoint, IntoHttpLayer, StackConfig, Transport};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

use crate::StsClient;
use crate::client::{ClientConfig, Parts};
use crate::config::{self, Settings, var};
use crate::credentials::{CredentialsCache, DefaultCredentialsChain};
use crate::shared_config::ProfileFiles;

/// A transport once boxed: what [`StsClientBuilder::transport`] stores.
pub(crate) type BoxTransport = BoxCloneSyncService<
    http::Request<Full<Bytes>>,
    http::Response<UnsyncBoxBody<Bytes, BoxError>>,
    BoxError,
>;

/// Builds an [`StsClient`]: the one builder of the project. Every setting of
/// the stack (the plain values of [`StackConfig`]) and of the default
/// transport is set here; nothing is checked until [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
/// use sts_client::StsClient;
/// use sts_client::layers::retry::{RetryConfig, TokenBucket};
///
/// let shared_budget = TokenBucket::default();
/// let client = StsClient::builder()
///     .region("eu-west-1")
///     .retry(RetryConfig::standard().max_attempts(5))
///     .token_bucket(shared_budget.clone())
///     .attempt_timeout(Duration::from_secs(5))
///     .operation_timeout(None)              // no bound on the whole operation
///     .user_agent_suffix("my-app/1.0")
///     .build()?;
/// # let _ = client;
/// # Ok::<(), sts_client::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct StsClientBuilder {
    stack: StackConfig,
    transport: Option<BoxTransport>,
    /// For the default transport: `None` keeps its default, `Some(None)`
    /// clears the bound.
    connect_timeout: Option<Option<Duration>>,
    read_timeout: Option<Option<Duration>>,
    /// From `from_env` without static keys: the default credentials chain
    /// over these files and variables, built with the client's transport.
    default_chain: Option<Arc<DefaultChainSpec>>,
    /// Fail `build()` on a configured but broken credentials source.
    check_credentials: bool,
}

struct DefaultChainSpec {
    files: ProfileFiles,
    env: HashMap<&'static str, String>,
}

impl std::fmt::Debug for DefaultChainSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The snapshot holds AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN:
        // only the names of the variables that were set are shown.
        let mut set: Vec<&str> = self.env.keys().copied().collect();
        set.sort_unstable();
        f.debug_struct("DefaultChainSpec")
            .field("files", &self.files)
            .field("variables_set", &set)
            .finish()
    }
}

impl StsClientBuilder {
    /// An empty builder: no region, no credentials, no transport.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a region is set.
    pub fn has_region(&self) -> bool {
        self.stack.endpoint.region.is_some()
    }

    /// Whether a transport is set (else `build` makes the default one).
    pub fn has_transport(&self) -> bool {
        self.transport.is_some()
    }

    /// Reads what users already have (see [`StsClient::from_env`]): the
    /// environment variables, then the selected profile of the shared config
    /// and credentials files. Environment variables win over profile keys.
    pub async fn from_env() -> Result<Self, Error> {
        Self::from_env_with(config::process_env).await
    }

    /// [`from_env`](Self::from_env) with variables looked up through `env`
    /// (for tests, or to layer your own settings over the process's).
    pub async fn from_env_with(env: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let files = ProfileFiles::load(&env).await?;
        Self::from_settings(&env, &files)
    }

    /// The settings of `env` and the profile `AWS_PROFILE` (or `default`)
    /// selects in `files`. Fails when `AWS_PROFILE` names a profile the files
    /// do not have, or a setting breaks its rule.
    pub fn from_settings(
        env: &impl Fn(&str) -> Option<String>,
        files: &ProfileFiles,
    ) -> Result<Self, Error> {
        let settings = Settings::new(env, files)?;
        let lookup = |name: &str| settings.get(name);
        let region = lookup(var::AWS_REGION).or_else(|| lookup(var::AWS_DEFAULT_REGION));
        let mut params =
            config::endpoint_params(region, lookup).map_err(|e| settings.name_source(e))?;
        params.endpoint = settings.endpoint_url()?;
        let retry = config::retry_config(lookup).map_err(|e| settings.name_source(e))?;
        let mut builder = Self::default();
        builder.stack.endpoint = params;
        builder.stack.retry = retry;
        builder.stack.app_id = lookup(var::AWS_SDK_UA_APP_ID);
        match settings.static_credentials()? {
            Some(credentials) => builder = builder.credentials(credentials),
            None => {
                let env = config::CHAIN_VARIABLES
                    .iter()
                    .filter_map(|&name| env(name).map(|v| (name, v)))
                    .collect();
                builder.default_chain = Some(Arc::new(DefaultChainSpec {
                    files: files.clone(),
                    env,
                }));
            }
        }
        Ok(builder)
    }

    /// The region (`eu-west-1`, `aws-global`, ...).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.stack.endpoint.region = Some(region.into());
        self
    }

    /// The credentials provider (static `Credentials` are one).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.stack.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// A custom endpoint URL, used as is (checked at [`build`](Self::build)).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.stack.endpoint.endpoint = Some(url.into());
        self
    }

    /// Use the FIPS endpoint.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.stack.endpoint.use_fips = on;
        self
    }

    /// Use the dual-stack endpoint.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.stack.endpoint.use_dual_stack = on;
        self
    }

    /// Send the 16 legacy regions to the global endpoint.
    pub fn use_global_endpoint(mut self, on: bool) -> Self {
        self.stack.endpoint.use_global_endpoint = on;
        self
    }

    /// The retry settings (standard mode, 3 attempts, by default).
    pub fn retry(mut self, config: RetryConfig) -> Self {
        self.stack.retry = config;
        self
    }

    /// What is retried, instead of the AWS standard classification
    /// ([`DefaultClassifier`](sts_layers::retry::DefaultClassifier)); any
    /// [`ClassifyRetry`](sts_layers::retry::ClassifyRetry), closures included.
    pub fn retry_classifier(mut self, classifier: impl ClassifyRetry) -> Self {
        self.stack.retry_classifier = Some(SharedClassifier::new(classifier));
        self
    }

    /// The retry budget. Clones of a client share one; pass the same bucket
    /// to several clients to share it between them too.
    pub fn token_bucket(mut self, bucket: TokenBucket) -> Self {
        self.stack.token_bucket = bucket;
        self
    }

    /// Bounds each attempt (default
    /// [`DEFAULT_ATTEMPT_TIMEOUT`](sts_layers::timeout::DEFAULT_ATTEMPT_TIMEOUT),
    /// 20 s); `None` clears the bound.
    pub fn attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.stack.attempt_timeout = timeout.into();
        self
    }

    /// Bounds each operation, retries included (default
    /// [`DEFAULT_OPERATION_TIMEOUT`](sts_layers::timeout::DEFAULT_OPERATION_TIMEOUT),
    /// 45 s); `None` clears the bound.
    pub fn operation_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.stack.operation_timeout = timeout.into();
        self
    }

    /// Refuses responses larger than `bytes` (4 MiB by default).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.stack.body_limit = bytes;
        self
    }

    /// The clock-skew estimate: clones of a client share one; pass the same
    /// to several clients so that one correction serves them all.
    pub fn clock_skew(mut self, skew: ClockSkew) -> Self {
        self.stack.clock_skew = skew;
        self
    }

    /// Where the signing time comes from (tests pin it).
    pub fn time_source(mut self, source: TimeSource) -> Self {
        self.stack.time_source = source;
        self
    }

    /// Bounds the connect of the default transport: TCP, proxy tunnel and
    /// TLS handshake together (3.1 s unless set; `None` clears it). A
    /// transport given with [`transport`](Self::transport) has its own.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = Some(timeout.into());
        self
    }

    /// Bounds each read of the default transport: the wait for the response
    /// head, then for each piece of the body (10 s unless set; `None` clears
    /// it). A transport given with [`transport`](Self::transport) has its own.
    pub fn read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.read_timeout = Some(timeout.into());
        self
    }

    /// Appended to the `user-agent` header (`app/1.2`); checked at
    /// [`build`](Self::build) (visible ASCII).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.stack.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Adds `app/<id>` to the user agent, as the AWS SDKs do for
    /// `AWS_SDK_UA_APP_ID` and the `sdk_ua_app_id` profile key (which
    /// [`from_env`](Self::from_env) reads); at most 50 characters, no spaces,
    /// checked at [`build`](Self::build).
    pub fn app_id(mut self, id: impl Into<String>) -> Self {
        self.stack.app_id = Some(id.into());
        self
    }

    /// Adds a layer that sees each operation once, before retry (the URI is
    /// set, nothing is signed yet). The first added is the outermost. See the
    /// insertion points in `sts_layers::stack`.
    pub fn layer(self, layer: impl IntoHttpLayer) -> Self {
        self.insert(InsertionPoint::Operation, layer.into_http_layer())
    }

    /// Adds a layer that sees each attempt before it is signed: headers it
    /// adds are signed.
    pub fn layer_before_signing(self, layer: impl IntoHttpLayer) -> Self {
        self.insert(InsertionPoint::BeforeSigning, layer.into_http_layer())
    }

    /// Adds a layer around the transport: it sees each signed attempt as it
    /// goes on the wire and the collected response as it came back (where a
    /// recorder, a replayer or a fault injector goes).
    pub fn layer_after_signing(self, layer: impl IntoHttpLayer) -> Self {
        self.insert(InsertionPoint::AfterSigning, layer.into_http_layer())
    }

    /// Adds a layer boxed already at `point`.
    pub fn insert(mut self, point: InsertionPoint, layer: HttpLayer) -> Self {
        self.stack.layers.push((point, layer));
        self
    }

    /// The transport: any `tower::Service<http::Request<Full<Bytes>>>` (the
    /// contract is in `sts_layers::stack`). Boxed once, here. Without one,
    /// [`build`](Self::build) uses the default hyper + rustls transport
    /// (feature `hyper-rustls`).
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(box_transport(transport));
        self
    }

    /// Makes [`build`](Self::build) fail when the credentials source that
    /// [`from_env`](Self::from_env) found is configured but broken (a role
    /// profile without `source_profile`, a bad `duration_seconds`, a cycle, an
    /// `mfa_serial` without a way to ask for codes, a web identity token file
    /// without `AWS_ROLE_ARN`), instead of at the first call. Off by default,
    /// as in the AWS SDKs, where a broken source is only found when used.
    pub fn check_credentials_at_build(mut self, on: bool) -> Self {
        self.check_credentials = on;
        self
    }

    /// The stack settings as they stand (what [`build`](Self::build) will
    /// assemble).
    pub fn stack_config(&self) -> &StackConfig {
        &self.stack
    }

    /// Builds the client: resolves the endpoint and assembles the stack. Fails
    /// when no region is set, the endpoint does not resolve, a setting breaks
    /// its rule, or (without a transport of yours) the default transport cannot
    /// be built.
    pub fn build(self) -> Result<StsClient, Error> {
        if self.stack.endpoint.region.is_none() {
            return Err(Error::new(
                sts_core::ErrorKind::Construction,
                "no region: set AWS_REGION, a profile's region, or StsClientBuilder::region",
            ));
        }
        let transport = match self.transport.clone() {
            Some(transport) => transport,
            None => default_transport(self.connect_timeout, self.read_timeout)?,
        };
        let credentials = match (&self.stack.credentials, &self.default_chain) {
            (None, Some(spec)) => {
                // Role profiles, credential_process and web identity: their
                // STS calls go through this client's settings and transport.
                let settings = Self {
                    default_chain: None,
                    transport: Some(transport.clone()),
                    ..self.clone()
                };
                let env = spec.env.clone();
                let chain = DefaultCredentialsChain::builder()
                    .env(move |name| env.get(name).cloned())
                    .client(settings);
                let chain = if self.check_credentials {
                    chain.try_build(&spec.files).map_err(|e| {
                        Error::new(
                            sts_core::ErrorKind::Credentials,
                            crate::credentials::error::ProviderError::new(
                                "default chain",
                                crate::credentials::error::describe(&e),
                            ),
                        )
                    })?
                } else {
                    chain.build(&spec.files)
                };
                Some(SharedCredentialsProvider::new(CredentialsCache::new(chain)))
            }
            (credentials, _) => credentials.clone(),
        };
        let mut stack = self.stack;
        stack.credentials = credentials.clone();
        let region = stack.endpoint.region.clone().unwrap_or_default();
        let user_agent = sts_layers::headers::user_agent(
            stack.user_agent_suffix.as_deref(),
            stack.app_id.as_deref(),
        )?;
        let (retry, attempt_timeout, operation_timeout, body_limit) = (
            stack.retry,
            stack.attempt_timeout,
            stack.operation_timeout,
            stack.body_limit,
        );
        let (http, endpoint) = stack.build_with_endpoint(transport)?;
        let config = ClientConfig {
            region,
            endpoint: endpoint.uri().clone(),
            signing_region: endpoint.signing_region().as_str().to_owned(),
            retry,
            attempt_timeout,
            operation_timeout,
            body_limit,
            user_agent: user_agent.to_str().unwrap_or_default().to_owned(),
            has_credentials: credentials.is_some(),
        };
        Ok(StsClient::from_parts(Parts {
            http,
            config,
            credentials,
        }))
    }
}

fn box_transport<T: Transport>(transport: T) -> BoxTransport {
    let boxed =
        transport
            .map_err(Into::into)
            .map_response(|resp: http::Response<T::ResponseBody>| {
                resp.map(|b| b.map_err(Into::into).boxed_unsync())
            });
    BoxTransport::new(boxed)
}

#[cfg(feature = "hyper-rustls")]
fn default_transport(
    connect_timeout: Option<Option<Duration>>,
    read_timeout: Option<Option<Duration>>,
) -> Result<BoxTransport, Error> {
    let mut builder = crate::transport::HyperTransportBuilder::new();
    if let Some(timeout) = connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(timeout) = read_timeout {
        builder = builder.read_timeout(timeout);
    }
    Ok(box_transport(builder.build()?))
}

#[cfg(not(feature = "hyper-rustls"))]
fn default_transport(
    _connect_timeout: Option<Option<Duration>>,
    _read_timeout: Option<Option<Duration>>,
) -> Result<BoxTransport, Error> {
    Err(Error::new(
        sts_core::ErrorKind::Construction,
        "no transport: give one with StsClientBuilder::transport, or enable the hyper-rustls feature",
    ))
}
