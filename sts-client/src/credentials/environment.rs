//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.

use std::fmt;
use std::sync::Arc;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};

use super::error::{ENV_KEYS, check_static, invalid, not_loaded};

type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Static credentials from the environment: `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN` and
/// `AWS_CREDENTIAL_EXPIRATION` (ISO 8601). Read at every call.
///
/// ```
/// use aws_credential_types::provider::ProvideCredentials;
/// use sts_client::credentials::EnvironmentProvider;
///
/// # tokio_test_block_on(async {
/// let env = EnvironmentProvider::with_env(|name| match name {
///     "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".to_owned()),
///     "AWS_SECRET_ACCESS_KEY" => Some("secret".to_owned()),
///     _ => None,
/// });
/// let creds = env.provide_credentials().await.unwrap();
/// assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Clone)]
pub struct EnvironmentProvider {
    env: Env,
}

impl fmt::Debug for EnvironmentProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentProvider")
            .finish_non_exhaustive()
    }
}

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_env(|name| std::env::var(name).ok())
    }

    /// Reads variables through `env` (tests, or a captured environment).
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self { env: Arc::new(env) }
    }

    /// The credentials, or `CredentialsNotLoaded` when `AWS_ACCESS_KEY_ID` is
    /// unset (a chain moves on), or `InvalidConfiguration` when it is set and
    /// the rest is not right.
    pub fn credentials(&self) -> Result<Credentials, CredentialsError> {
        const P: &str = "environment";
        let get = |name: &str| (self.env)(name).filter(|v| !v.trim().is_empty());
        let Some(key) = get(crate::config::var::AWS_ACCESS_KEY_ID) else {
            return Err(not_loaded(P, "AWS_ACCESS_KEY_ID is not set"));
        };
        let secret = get(crate::config::var::AWS_SECRET_ACCESS_KEY).ok_or_else(|| {
            invalid(
                P,
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            )
        })?;
        let expiry = match get(crate::config::var::AWS_CREDENTIAL_EXPIRATION) {
            Some(v) => Some(sts_core::xml::parse_timestamp(v.trim()).map_err(|e| {
                invalid(
                    P,
                    format!("AWS_CREDENTIAL_EXPIRATION must be an ISO 8601 time: {e}"),
                )
            })?),
            None => None,
        };
        let credentials = Credentials::new(
            key.trim(),
            secret.trim(),
            get(crate::config::var::AWS_SESSION_TOKEN).map(|t| t.trim().to_owned()),
            expiry,
            "Environment",
        );
        check_static(credentials, ENV_KEYS, "").map_err(|m| invalid(P, m))
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::ready(self.credentials())
    }
}
