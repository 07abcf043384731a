//! The client and its operations.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use sts_core::model::*;
use sts_core::operation::Operation;
use sts_layers::operation::OperationService;
use sts_layers::retry::RetryConfig;
use sts_layers::stack::HttpService;
use tower::ServiceExt;
use tower::util::Oneshot;

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};

use crate::StsClientBuilder;
use crate::presign::{EksToken, PresignConfig, PresignedRequest};

/// An STS client. Cheap to clone: clones share the stack, its transport (and
/// connection pool), its retry token bucket and its clock skew.
#[derive(Clone)]
pub struct StsClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: HttpService,
    config: ClientConfig,
    credentials: Option<SharedCredentialsProvider>,
}

/// What the builder hands the client besides the stack.
pub(crate) struct Parts {
    pub(crate) http: HttpService,
    pub(crate) config: ClientConfig,
    pub(crate) credentials: Option<SharedCredentialsProvider>,
}

/// What a client was built with, resolved: a read-only view
/// ([`StsClient::config`]).
///
/// ```
/// use std::time::Duration;
/// use sts_client::StsClient;
///
/// let client = StsClient::builder()
///     .region("eu-west-1")
///     .use_fips(true)
///     .attempt_timeout(Duration::from_secs(5))
///     .app_id("billing")
///     .transport(sts_emulator::Emulator::new())
///     .build()?;
/// let config = client.config();
/// assert_eq!(config.endpoint().to_string(), "https://sts-fips.eu-west-1.amazonaws.com/");
/// assert_eq!(config.attempt_timeout(), Some(Duration::from_secs(5)));
/// assert_eq!(config.retry().attempts(), 3);
/// assert!(config.user_agent().ends_with(" app/billing"));
/// # Ok::<(), sts_client::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub(crate) region: String,
    pub(crate) endpoint: http::Uri,
    pub(crate) signing_region: String,
    pub(crate) retry: RetryConfig,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) body_limit: usize,
    pub(crate) user_agent: String,
    pub(crate) has_credentials: bool,
}

impl ClientConfig {
    /// The region the client was built for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The endpoint the rules resolved (or the custom one).
    pub fn endpoint(&self) -> &http::Uri {
        &self.endpoint
    }

    /// The region requests are signed for (`us-east-1` for the global endpoint).
    pub fn signing_region(&self) -> &str {
        &self.signing_region
    }

    /// The retry settings.
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// The bound on each attempt, if any.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The bound on each operation, retries included, if any.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }

    /// The response size limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// The `user-agent` sent.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Whether a credentials provider is configured (else only the unsigned
    /// operations work).
    pub fn has_credentials(&self) -> bool {
        self.has_credentials
    }
}

impl fmt::Debug for StsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsClient")
            .field("region", &self.inner.config.region)
            .finish_non_exhaustive()
    }
}

/// One method per operation, from the model's one list
/// (`sts_core::for_each_operation!`): a new operation gets its method here
/// without an edit. An operation whose input has no required member is
/// callable without one (`client.get_caller_identity()`), and with one
/// (`client.get_caller_identity_with(input)`).
macro_rules! operation_methods {
    ($($op:ident => $method:ident, $auth:ident, $input:ident $(($with:ident))?;)*) => {
        $(operation_method!($op, $method, $auth, $input $(, $with)?);)*
    };
}

macro_rules! operation_method {
    ($op:ident, $method:ident, $auth:ident, required) => {
        impl StsClient {
            #[doc = concat!(
                        "Calls [`", stringify!($op), "`](sts_core::model::", stringify!($op),
                        ") (", stringify!($auth), "): validates the input, sends it through the \
                stack, decodes the output. Same as `call::<", stringify!($op), ">(input)`."
                    )]
            pub fn $method(&self, input: <$op as Operation>::Input) -> OperationFuture<$op> {
                self.call::<$op>(input)
            }
        }
    };
    ($op:ident, $method:ident, $auth:ident, optional, $with:ident) => {
        impl StsClient {
            #[doc = concat!(
                        "Calls [`", stringify!($op), "`](sts_core::model::", stringify!($op),
                        ") (", stringify!($auth), ") with the default input (its members are \
                all optional); `", stringify!($with), "` takes one."
                    )]
            pub fn $method(&self) -> OperationFuture<$op> {
                self.call::<$op>(Default::default())
            }

            #[doc = concat!(
                        "Calls [`", stringify!($op), "`](sts_core::model::", stringify!($op),
                        ") (", stringify!($auth), ") with `input`. Same as `call::<",
                        stringify!($op), ">(input)`."
                    )]
            pub fn $with(&self, input: <$op as Operation>::Input) -> OperationFuture<$op> {
                self.call::<$op>(input)
            }
        }
    };
}

sts_core::for_each_operation!(operation_methods);

impl StsClient {
    /// A builder.
    pub fn builder() -> StsClientBuilder {
        StsClientBuilder::new()
    }

    /// A client configured from what users already have, with the default
    /// transport (hyper + rustls):
    ///
    /// - the region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`;
    /// - the profile: `AWS_PROFILE` (else `default`) in `AWS_CONFIG_FILE`
    ///   (`~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE`
    ///   (`~/.aws/credentials`);
    /// - the endpoint: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the
    ///   profile's `services` `sts` `endpoint_url`, its `endpoint_url`, unless
    ///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls`;
    ///   `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`,
    ///   `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`,
    ///   `AWS_STS_REGIONAL_ENDPOINTS` / `sts_regional_endpoints`;
    /// - retries: `AWS_MAX_ATTEMPTS` / `max_attempts`, `AWS_RETRY_MODE` /
    ///   `retry_mode`;
    /// - credentials: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    ///   `AWS_SESSION_TOKEN`, else the profile's `aws_access_key_id`,
    ///   `aws_secret_access_key`, `aws_session_token`; without static keys,
    ///   the default credentials chain (cached): the profile's role chains
    ///   (`role_arn` with `source_profile` or `credential_source`),
    ///   `credential_process`, `web_identity_token_file`, then
    ///   `AWS_WEB_IDENTITY_TOKEN_FILE` / `AWS_ROLE_ARN`, their STS calls
    ///   through this client's own settings and transport;
    /// - the user agent: `AWS_SDK_UA_APP_ID` / `sdk_ua_app_id`;
    /// - proxies: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`.
    ///
    /// Environment variables win over profile keys; every name is declared
    /// in [`config`](crate::config). Files are read through tokio, so this
    /// needs a tokio runtime.
    ///
    /// To test a profile setup without sockets or environment edits, read
    /// the settings from a map and use the emulator as the transport:
    ///
    /// ```
    /// use sts_client::StsClientBuilder;
    /// use sts_client::model::GetCallerIdentityInput;
    /// use sts_emulator::{Emulator, example};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sts_client::Error> {
    /// let dir = std::env::temp_dir().join(format!("sts-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let config = dir.join("config");
    /// std::fs::write(&config, format!(
    ///     "[profile deploy]\nrole_arn = {}\nsource_profile = base\nregion = eu-west-1\n\
    ///      [profile base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
    ///     example::ROLE_ARN, example::ACCESS_KEY_ID, example::SECRET_ACCESS_KEY,
    /// )).unwrap();
    /// let env = move |name: &str| match name {
    ///     "AWS_PROFILE" => Some("deploy".to_owned()),
    ///     "AWS_CONFIG_FILE" => Some(config.display().to_string()),
    ///     "AWS_SHARED_CREDENTIALS_FILE" => Some("/nonexistent".to_owned()),
    ///     _ => None,
    /// };
    /// let client = StsClientBuilder::from_env_with(env).await?.transport(Emulator::new()).build()?;
    /// let me = client.get_caller_identity().await?;
    /// assert!(me.arn.unwrap_or_default().contains(":assumed-role/example/"));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "hyper-rustls")]
    pub async fn from_env() -> Result<Self, sts_core::Error> {
        StsClientBuilder::from_env().await?.build()
    }

    pub(crate) fn from_parts(parts: Parts) -> Self {
        Self {
            inner: Arc::new(Inner {
                http: parts.http,
                config: parts.config,
                credentials: parts.credentials,
            }),
        }
    }

    /// The endpoint the client sends to (resolved when it was built).
    pub fn endpoint(&self) -> &http::Uri {
        &self.inner.config.endpoint
    }

    async fn credentials(&self) -> Result<Credentials, sts_core::Error> {
        let Some(provider) = &self.inner.credentials else {
            return Err(sts_core::Error::new(
                sts_core::ErrorKind::Credentials,
                "no credentials provider is configured, and presigning needs credentials",
            ));
        };
        provider.provide_credentials().await.map_err(|e| {
            crate::context::error(
                sts_core::ErrorKind::Credentials,
                "the credentials provider failed",
                e,
            )
        })
    }

    /// Presigns operation `O` as a `GET` URL for this client's endpoint and
    /// signing region, with credentials from its provider. Nothing is sent.
    /// For another region, build a client for it (building is cheap and sends
    /// nothing) or call [`presign::presign`](crate::presign::presign).
    pub async fn presign<O: Operation>(
        &self,
        input: &O::Input,
        config: &PresignConfig,
    ) -> Result<PresignedRequest, sts_core::Error> {
        let credentials = self.credentials().await?;
        crate::presign::presign::<O>(
            input,
            &credentials,
            &self.inner.config.endpoint,
            &self.inner.config.signing_region,
            config,
        )
    }

    /// The bearer token for EKS cluster `cluster_name`, as `aws eks get-token`
    /// makes it (see [`presign::eks_token`](crate::presign::eks_token)).
    pub async fn eks_token(&self, cluster_name: &str) -> Result<EksToken, sts_core::Error> {
        let credentials = self.credentials().await?;
        crate::presign::eks_token(
            cluster_name,
            &credentials,
            &self.inner.config.endpoint,
            &self.inner.config.signing_region,
            None,
        )
    }

    /// The region the client was built for.
    pub fn region(&self) -> &str {
        &self.inner.config.region
    }

    /// What the client was built with, resolved: region, endpoint, signing
    /// region, retry settings, timeouts, body limit, user agent.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The HTTP-level stack every operation goes through.
    pub fn http_service(&self) -> HttpService {
        self.inner.http.clone()
    }

    /// Operation `O` as a `tower::Service<O::Input>` (`Clone + Send + 'static`,
    /// honours `poll_ready`), to wrap in your own `ServiceBuilder`: any tower
    /// middleware, `Buffer` included, and awaited inside
    /// `tokio::spawn(async move { .. })` (its future holds no lifetime).
    ///
    /// ```
    /// use sts_client::StsClient;
    /// use sts_client::model::{AssumeRole, AssumeRoleInput};
    /// use sts_emulator::{Emulator, example};
    /// use tower::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = StsClient::builder()
    ///     .region("us-east-1")
    ///     .credentials(example::credentials())
    ///     .transport(Emulator::new())
    ///     .build()?;
    /// let input = AssumeRoleInput::builder()
    ///     .role_arn(example::ROLE_ARN)
    ///     .role_session_name("buffered")
    ///     .build()?;
    /// let task = tokio::spawn(async move {
    ///     ServiceBuilder::new()
    ///         .buffer(64)
    ///         .service(client.operation::<AssumeRole>())
    ///         .oneshot(input)
    ///         .await
    /// });
    /// assert!(task.await?.is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn operation<O: Operation>(&self) -> OperationService<O, HttpService> {
        OperationService::new(self.http_service())
    }

    /// Calls operation `O`: waits for the stack to be ready, then sends.
    pub fn call<O: Operation>(&self, input: O::Input) -> OperationFuture<O> {
        OperationFuture {
            inner: self.operation::<O>().oneshot(input),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of one operation call: resolves to the operation's output or
    /// an [`Error`](sts_core::Error). `Send + 'static`; a named type, so it can
    /// be stored, and `tokio::spawn(async move { client.op(input).await })`
    /// compiles whatever the operation.
    #[must_use = "futures do nothing unless polled"]
    pub struct OperationFuture<O: Operation> {
        #[pin]
        inner: Oneshot<OperationService<O, HttpService>, O::Input>,
    }
}

impl<O: Operation> fmt::Debug for OperationFuture<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationFuture")
            .field("operation", &O::NAME)
            .finish_non_exhaustive()
    }
}

impl<O: Operation> Future for OperationFuture<O> {
    type Output = Result<O::Output, sts_core::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx)
    }
}
