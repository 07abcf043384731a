//! The client builder.

use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use sts_core::endpoint::EndpointParams;
use sts_core::{Error, ErrorKind};
use sts_layers::BoxError;
use sts_layers::endpoint::params_from_env;
use sts_layers::retry::RetryConfig;
use sts_layers::settings::process_env;
use sts_layers::stack::StackBuilder;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

use crate::StsClient;

/// A transport once boxed: what [`StsClientBuilder::transport`] stores.
pub(crate) type BoxTransport = BoxCloneSyncService<
    http::Request<Full<Bytes>>,
    http::Response<BoxBody<Bytes, BoxError>>,
    BoxError,
>;

/// Builds an [`StsClient`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct StsClientBuilder {
    params: EndpointParams,
    credentials: Option<SharedCredentialsProvider>,
    retry: Option<RetryConfig>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    body_limit: Option<usize>,
    transport: Option<BoxTransport>,
}

impl StsClientBuilder {
    /// An empty builder: no region, no credentials, no transport.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the environment: `AWS_REGION` (or `AWS_DEFAULT_REGION`), the endpoint
    /// settings (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`,
    /// `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`,
    /// `AWS_STS_REGIONAL_ENDPOINTS`), the retry settings (`AWS_MAX_ATTEMPTS`,
    /// `AWS_RETRY_MODE`) and static credentials (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_with(process_env)
    }

    /// [`from_env`](Self::from_env) with variables looked up through `env`.
    pub fn from_env_with(env: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let region = env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION"));
        let params = params_from_env(region, &env)?;
        let retry = RetryConfig::standard().with_env(&env)?;
        let mut builder = Self {
            params,
            retry: Some(retry),
            ..Self::default()
        };
        match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => {
                let token = env("AWS_SESSION_TOKEN");
                builder =
                    builder.credentials(Credentials::new(id, secret, token, None, "environment"));
            }
            (Some(_), None) => {
                return Err(Error::new(
                    ErrorKind::Credentials,
                    "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
                ));
            }
            _ => {}
        }
        Ok(builder)
    }

    /// The region (`eu-west-1`, `aws-global`, ...).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.params.region = Some(region.into());
        self
    }

    /// The credentials provider (static `Credentials` are one).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// A custom endpoint URL, used as is.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.params.endpoint = Some(url.into());
        self
    }

    /// Use the FIPS endpoint.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.params.use_fips = on;
        self
    }

    /// Use the dual-stack endpoint.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.params.use_dual_stack = on;
        self
    }

    /// Send the 16 legacy regions to the global endpoint.
    pub fn use_global_endpoint(mut self, on: bool) -> Self {
        self.params.use_global_endpoint = on;
        self
    }

    /// The retry settings (standard mode, 3 attempts, by default).
    pub fn retry(mut self, config: RetryConfig) -> Self {
        self.retry = Some(config);
        self
    }

    /// Bounds each attempt.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Bounds each operation, retries included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Refuses responses larger than `bytes`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }

    /// The transport: any `tower::Service<http::Request<Full<Bytes>>>` (the
    /// contract is in `sts_layers::stack`). Boxed once, here.
    pub fn transport<T, B>(mut self, transport: T) -> Self
    where
        T: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        T::Future: Send + 'static,
        T::Error: Into<BoxError>,
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let boxed = transport
            .map_err(Into::into)
            .map_response(|resp: http::Response<B>| resp.map(|b| b.map_err(Into::into).boxed()));
        self.transport = Some(BoxTransport::new(boxed));
        self
    }

    /// Builds the client: resolves the endpoint and assembles the stack.
    pub fn build(self) -> Result<StsClient, Error> {
        let Some(transport) = self.transport else {
            return Err(Error::new(
                ErrorKind::Construction,
                "no transport: give one with StsClientBuilder::transport",
            ));
        };
        let region = self.params.region.clone().unwrap_or_default();
        let mut stack = StackBuilder::new(&self.params)?
            .retry(self.retry.unwrap_or_default())
            .attempt_timeout(self.attempt_timeout)
            .operation_timeout(self.operation_timeout);
        if let Some(provider) = self.credentials {
            stack = stack.credentials(provider);
        }
        if let Some(limit) = self.body_limit {
            stack = stack.body_limit(limit);
        }
        Ok(StsClient::from_parts(stack.build(transport), region))
    }
}
