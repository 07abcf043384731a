//! Provider chains: the first provider with credentials wins.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};

use super::assume_role::MfaTokenSource;
use super::environment::EnvironmentProvider;
use super::error::{ProviderError, describe, invalid, not_loaded};
use super::federation::WebIdentityProvider;
use super::profile::ProfileProvider;
use crate::StsClientBuilder;
use crate::shared_config::ProfileFiles;

/// Tries providers in order: the first that returns credentials wins; one
/// that has none (`CredentialsNotLoaded`) passes to the next; any other
/// error stops the chain (a broken configuration is reported, not skipped).
///
/// ```
/// use aws_credential_types::Credentials;
/// use sts_client::credentials::{ChainProvider, EnvironmentProvider};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let chain = ChainProvider::new()
///     // No AWS_ACCESS_KEY_ID: "not loaded", so the chain moves on.
///     .or_else("environment", EnvironmentProvider::with_env(|_| None))
///     .or_else("static", Credentials::new("AKIDEXAMPLE", "secret", None, None, "static"));
/// assert_eq!(chain.credentials().await.unwrap().access_key_id(), "AKIDEXAMPLE");
/// # });
/// ```
///
/// Any `ProvideCredentials` fits, the AWS SDK's included (for example
/// `aws_config::ecs::EcsCredentialsProvider` or
/// `aws_config::imds::credentials::ImdsCredentialsProvider`, added with
/// `or_else` after our default chain).
#[derive(Clone, Default)]
pub struct ChainProvider {
    providers: Vec<(Cow<'static, str>, SharedCredentialsProvider)>,
}

impl fmt::Debug for ChainProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.providers.iter().map(|(n, _)| n))
            .finish()
    }
}

impl ChainProvider {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a provider, tried after those before it.
    #[must_use]
    pub fn or_else(
        mut self,
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.providers
            .push((name.into(), SharedCredentialsProvider::new(provider)));
        self
    }

    /// The providers' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|(n, _)| n.as_ref())
    }

    /// Runs the chain once.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut skipped = Vec::new();
        for (name, provider) in &self.providers {
            match provider.provide_credentials().await {
                Ok(credentials) => return Ok(credentials),
                Err(e @ CredentialsError::CredentialsNotLoaded(_)) => {
                    let reason = describe(&e);
                    // Our providers name themselves; another's reason gets its name.
                    if reason.starts_with(&**name) {
                        skipped.push(reason);
                    } else {
                        skipped.push(format!("{name}: {reason}"));
                    }
                }
                Err(e) => {
                    return Err(CredentialsError::provider_error(
                        ProviderError::new("chain", format!("the {name} provider failed"))
                            .with_source(e),
                    ));
                }
            }
        }
        Err(not_loaded(
            "chain",
            format!("no provider had credentials: {}", skipped.join("; ")),
        ))
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.credentials())
    }
}

/// A provider that only reports why it could not be set up (kept in a chain
/// so that the reason shows when the chain runs).
#[derive(Debug, Clone)]
struct Unavailable {
    loaded: bool,
    message: Arc<str>,
}

impl Unavailable {
    fn from_error(e: &CredentialsError) -> Self {
        Self {
            loaded: !matches!(e, CredentialsError::CredentialsNotLoaded(_)),
            message: describe(e).into(),
        }
    }
}

impl ProvideCredentials for Unavailable {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let message = self.message.to_string();
        // The reason names its provider already ("profile provider: ...").
        provider::future::ProvideCredentials::ready(Err(if self.loaded {
            invalid("", message)
        } else {
            not_loaded("", message)
        }))
    }
}

type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The default chain: environment variables, then the profile (`AWS_PROFILE`
/// or `default`: static keys, `credential_process`, role chains), then web
/// identity from `AWS_WEB_IDENTITY_TOKEN_FILE` / `AWS_ROLE_ARN`. Wrap it in a
/// [`CredentialsCache`](super::CredentialsCache) (as
/// [`load_cached`](DefaultCredentialsChainBuilder::load_cached) does).
#[derive(Debug)]
pub struct DefaultCredentialsChain;

/// Configures the default chain.
#[must_use]
pub struct DefaultCredentialsChainBuilder {
    env: Env,
    client: StsClientBuilder,
    mfa: Option<MfaTokenSource>,
}

impl fmt::Debug for DefaultCredentialsChainBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChainBuilder")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl DefaultCredentialsChain {
    /// A builder reading the process environment.
    pub fn builder() -> DefaultCredentialsChainBuilder {
        DefaultCredentialsChainBuilder {
            env: Arc::new(|n| std::env::var(n).ok()),
            client: crate::StsClient::builder(),
            mfa: None,
        }
    }
}

impl DefaultCredentialsChainBuilder {
    /// Reads environment variables through `env`.
    pub fn env(mut self, env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.env = Arc::new(env);
        self
    }

    /// Settings of the STS clients the providers call.
    pub fn client(mut self, client: StsClientBuilder) -> Self {
        self.client = client;
        self
    }

    /// Where MFA codes come from, for profiles with `mfa_serial`.
    pub fn mfa_token(mut self, source: MfaTokenSource) -> Self {
        self.mfa = Some(source);
        self
    }

    /// The chain over already loaded files. A provider that cannot be set up
    /// stays in the chain and reports why when it is reached.
    pub fn build(self, files: &ProfileFiles) -> ChainProvider {
        self.assemble(files, false)
            .unwrap_or_else(|_| ChainProvider::new())
    }

    /// [`build`](Self::build), but a provider that is configured and broken
    /// (a role profile without `source_profile`, a bad `duration_seconds`, a
    /// web identity token file without a role) is an error now rather than
    /// at the first call. Providers with nothing configured are fine.
    pub fn try_build(self, files: &ProfileFiles) -> Result<ChainProvider, CredentialsError> {
        self.assemble(files, true)
    }

    fn assemble(
        self,
        files: &ProfileFiles,
        strict: bool,
    ) -> Result<ChainProvider, CredentialsError> {
        let broken = |e: CredentialsError| -> Result<CredentialsError, CredentialsError> {
            if strict && !matches!(e, CredentialsError::CredentialsNotLoaded(_)) {
                Err(e)
            } else {
                Ok(e)
            }
        };
        let env = self.env.clone();
        let mut chain = ChainProvider::new().or_else(
            "environment",
            EnvironmentProvider::with_env(move |n| env(n)),
        );
        let env = self.env.clone();
        let mut profile = ProfileProvider::builder()
            .env(move |n| env(n))
            .client(self.client.clone());
        if let Some(mfa) = self.mfa.clone() {
            profile = profile.mfa_token(mfa);
        }
        chain = match profile.build(files) {
            Ok(p) => chain.or_else("profile", p),
            Err(e) => chain.or_else("profile", Unavailable::from_error(&broken(e)?)),
        };
        let env = self.env.clone();
        chain = match WebIdentityProvider::from_env(move |n| env(n), self.client) {
            Ok(p) => chain.or_else("web identity", p),
            Err(e) => chain.or_else("web identity", Unavailable::from_error(&broken(e)?)),
        };
        Ok(chain)
    }

    /// Reads the AWS config files the environment points at and builds the chain.
    pub async fn load(self) -> Result<ChainProvider, CredentialsError> {
        let env = self.env.clone();
        let files = ProfileFiles::load(move |n| env(n)).await.map_err(|e| {
            CredentialsError::invalid_configuration(
                ProviderError::new("default chain", "the AWS config files could not be read")
                    .with_source(e),
            )
        })?;
        Ok(self.build(&files))
    }

    /// [`load`](Self::load) behind a [`CredentialsCache`](super::CredentialsCache)
    /// with the default settings.
    pub async fn load_cached(self) -> Result<super::CredentialsCache, CredentialsError> {
        Ok(super::CredentialsCache::new(self.load().await?))
    }
}
