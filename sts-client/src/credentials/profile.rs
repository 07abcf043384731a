//! Credentials from a profile of `~/.aws/config` and `~/.aws/credentials`:
//! static keys, `credential_process`, and role chains of any depth.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};

use super::assume_role::{AssumeRoleProvider, MfaTokenSource};
use super::environment::EnvironmentProvider;
use super::error::{PROFILE_KEYS, ProviderError, check_static, invalid, not_loaded};
use super::federation::WebIdentityProvider;
use super::process::CredentialProcessProvider;
use crate::shared_config::{ProfileFiles, Section};
use crate::{StsClient, StsClientBuilder};

const P: &str = "profile";
type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Credentials from a profile: static keys (`aws_access_key_id`,
/// `aws_secret_access_key`, `aws_session_token`), `credential_process`, or a
/// role (`role_arn`) assumed with credentials from `source_profile` (chains
/// of any depth, cycles refused), `credential_source = Environment`, or
/// `web_identity_token_file`; with `external_id`, `role_session_name`,
/// `duration_seconds`, `mfa_serial` (the code from the token source you give)
/// and the profile's `region` and `endpoint_url` for each hop.
///
/// The chain is resolved when the provider is built; every call runs it
/// from the source to the last role (wrap it in a
/// [`CredentialsCache`](super::CredentialsCache)).
#[derive(Clone)]
pub struct ProfileProvider {
    chain: Vec<String>,
    provider: SharedCredentialsProvider,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("chain", &self.chain)
            .finish_non_exhaustive()
    }
}

/// Configures a [`ProfileProvider`].
#[must_use]
pub struct ProfileProviderBuilder {
    profile: Option<String>,
    env: Env,
    client: StsClientBuilder,
    mfa: Option<MfaTokenSource>,
}

impl fmt::Debug for ProfileProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProviderBuilder")
            .field("profile", &self.profile)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl ProfileProviderBuilder {
    /// The profile (default: `AWS_PROFILE`, else `default`).
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads environment variables through `env` (default: the process's).
    pub fn env(mut self, env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.env = Arc::new(env);
        self
    }

    /// Settings of the STS clients the chain calls (transport, retry,
    /// timeouts; region and endpoint when the profiles set none).
    pub fn client(mut self, client: StsClientBuilder) -> Self {
        self.client = client;
        self
    }

    /// Where MFA codes come from, for profiles with `mfa_serial`.
    pub fn mfa_token(mut self, source: MfaTokenSource) -> Self {
        self.mfa = Some(source);
        self
    }

    /// Reads the files the environment points at, then [`build`](Self::build).
    pub async fn load(self) -> Result<ProfileProvider, CredentialsError> {
        let env = self.env.clone();
        let files = ProfileFiles::load(move |n| env(n)).await.map_err(|e| {
            CredentialsError::invalid_configuration(
                ProviderError::new(P, "the AWS config files could not be read").with_source(e),
            )
        })?;
        self.build(&files)
    }

    /// Resolves the profile's chain in `files`. `CredentialsNotLoaded` when
    /// the (default) profile does not exist or holds no credentials;
    /// `InvalidConfiguration` naming the profile, the key and the files for
    /// anything wrong in it.
    #[cfg_attr(not(feature = "hyper-rustls"), allow(unused_mut))]
    pub fn build(mut self, files: &ProfileFiles) -> Result<ProfileProvider, CredentialsError> {
        // Every hop of a chain shares one transport (one connection pool,
        // one TLS configuration) rather than building its own.
        #[cfg(feature = "hyper-rustls")]
        if !self.client.has_transport() {
            let transport = crate::transport::default_transport().map_err(|e| {
                CredentialsError::invalid_configuration(
                    ProviderError::new(P, "the HTTP transport could not be built").with_source(e),
                )
            })?;
            self.client = self.client.transport(transport);
        }
        let explicit = self
            .profile
            .clone()
            .or_else(|| (self.env)(crate::config::var::AWS_PROFILE));
        let name = explicit.clone().unwrap_or_else(|| "default".to_owned());
        let where_ = sources(files);
        if files.profile(&name).is_none() {
            let message = format!("profile {name} is not in {where_}");
            return Err(match explicit {
                Some(_) => invalid(P, message),
                None => not_loaded(P, message),
            });
        }
        let mut chain = Vec::new();
        let provider = self.resolve(files, &name, &name, &mut chain)?;
        Ok(ProfileProvider { chain, provider })
    }

    fn resolve(
        &self,
        files: &ProfileFiles,
        start: &str,
        name: &str,
        chain: &mut Vec<String>,
    ) -> Result<SharedCredentialsProvider, CredentialsError> {
        let where_ = sources(files);
        if chain.iter().any(|n| n == name) {
            chain.push(name.to_owned());
            return Err(invalid(
                P,
                format!(
                    "profile chain {} has a cycle (in {where_})",
                    chain.join(" -> ")
                ),
            ));
        }
        chain.push(name.to_owned());
        let profile = files.profile(name).ok_or_else(|| {
            invalid(
                P,
                format!(
                    "source_profile {name} is not in {where_} (chain {})",
                    chain.join(" -> ")
                ),
            )
        })?;
        let bad = |key: &str, what: String| {
            invalid(P, format!("{key} (profile {name} in {where_}): {what}"))
        };

        let Some(role_arn) = get(profile, crate::config::key::ROLE_ARN) else {
            if let Some(creds) = static_keys(profile, name, &where_)? {
                return Ok(SharedCredentialsProvider::new(creds));
            }
            if let Some(command) = get(profile, crate::config::key::CREDENTIAL_PROCESS) {
                return Ok(SharedCredentialsProvider::new(
                    CredentialProcessProvider::for_profile(command, name, &where_),
                ));
            }
            if get(profile, crate::config::key::SSO_SESSION).is_some()
                || get(profile, crate::config::key::SSO_START_URL).is_some()
            {
                return Err(invalid(
                    P,
                    format!(
                        "profile {name} in {where_} uses IAM Identity Center (SSO), which this crate does not \
                         implement: use aws-config's SsoCredentialsProvider and pass it as a source"
                    ),
                ));
            }
            let message = format!("profile {name} in {where_} has no credentials");
            return Err(if name == start {
                not_loaded(P, message)
            } else {
                invalid(P, message)
            });
        };

        let client = self.client_for(files, name, start);
        let duration = match get(profile, crate::config::key::DURATION_SECONDS) {
            Some(v) => Some(Duration::from_secs(
                v.parse::<u64>()
                    .ok()
                    .filter(|s| (900..=43_200).contains(s))
                    .ok_or_else(|| {
                        bad(
                            "duration_seconds",
                            format!("must be whole seconds from 900 to 43200; got {v:?}"),
                        )
                    })?,
            )),
            None => None,
        };
        if let Some(file) = get(profile, crate::config::key::WEB_IDENTITY_TOKEN_FILE) {
            let provider = WebIdentityProvider::new(
                file,
                role_arn,
                get(profile, crate::config::key::ROLE_SESSION_NAME).map(str::to_owned),
                duration,
                client,
            )
            .map_err(|e| {
                CredentialsError::invalid_configuration(
                    ProviderError::new(
                        P,
                        format!("profile {name} in {where_}: bad web identity settings"),
                    )
                    .with_source(e),
                )
            })?;
            return Ok(SharedCredentialsProvider::new(provider));
        }
        let source = match (
            get(profile, crate::config::key::SOURCE_PROFILE),
            get(profile, crate::config::key::CREDENTIAL_SOURCE),
        ) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "source_profile",
                    "set together with credential_source; set one".to_owned(),
                ));
            }
            (Some(src), None) if src == name => match static_keys(profile, name, &where_)? {
                // A profile may use its own keys to assume its role.
                Some(creds) => SharedCredentialsProvider::new(creds),
                None => {
                    chain.push(name.to_owned());
                    return Err(invalid(
                        P,
                        format!(
                            "profile chain {} has a cycle (in {where_})",
                            chain.join(" -> ")
                        ),
                    ));
                }
            },
            (Some(src), None) => self.resolve(files, start, src, chain)?,
            (None, Some("Environment")) => {
                SharedCredentialsProvider::new(EnvironmentProvider::with_env({
                    let env = self.env.clone();
                    move |n| env(n)
                }))
            }
            (None, Some(other @ ("Ec2InstanceMetadata" | "EcsContainer"))) => {
                return Err(bad(
                    "credential_source",
                    format!(
                        "{other} needs the AWS SDK's provider: build it with aws-config and pass it to \
                         AssumeRoleProvider::build as the source"
                    ),
                ));
            }
            (None, Some(other)) => {
                return Err(bad(
                    "credential_source",
                    format!(
                        "must be Environment, Ec2InstanceMetadata or EcsContainer; got {other:?}"
                    ),
                ));
            }
            (None, None) => {
                return Err(bad(
                    "role_arn",
                    "needs source_profile, credential_source or web_identity_token_file".to_owned(),
                ));
            }
        };
        let mut builder = AssumeRoleProvider::builder(role_arn).client(client);
        if let Some(v) = get(profile, crate::config::key::ROLE_SESSION_NAME) {
            builder = builder.session_name(v);
        }
        if let Some(v) = get(profile, crate::config::key::EXTERNAL_ID) {
            builder = builder.external_id(v);
        }
        if let Some(d) = duration {
            builder = builder.duration(d);
        }
        if let Some(serial) = get(profile, crate::config::key::MFA_SERIAL) {
            let source = self.mfa.clone().ok_or_else(|| {
                bad(
                    "mfa_serial",
                    "the role needs an MFA code: give the provider a token source (ProfileProviderBuilder::mfa_token)"
                        .to_owned(),
                )
            })?;
            builder = builder.mfa(serial, source);
        }
        let provider = builder.build(source).map_err(|e| {
            CredentialsError::invalid_configuration(
                ProviderError::new(P, format!("profile {name} in {where_}: bad role settings"))
                    .with_source(e),
            )
        })?;
        Ok(SharedCredentialsProvider::new(provider))
    }

    /// The STS client settings for a hop: the profile's region (else the
    /// starting profile's, else the builder's, else `us-east-1`) and
    /// endpoint URL.
    fn client_for(&self, files: &ProfileFiles, name: &str, start: &str) -> StsClientBuilder {
        let mut client = self.client.clone();
        let region = [name, start]
            .iter()
            .find_map(|n| {
                files
                    .profile(n)
                    .and_then(|p| get(p, crate::config::key::REGION))
            })
            .map(str::to_owned)
            .or_else(|| (self.env)(crate::config::var::AWS_REGION))
            .or_else(|| (self.env)(crate::config::var::AWS_DEFAULT_REGION));
        if let Some(r) = region {
            client = client.region(r);
        } else if !client.has_region() {
            client = client.region("us-east-1");
        }
        let endpoint = files
            .service_setting(
                name,
                crate::config::key::STS,
                crate::config::key::ENDPOINT_URL,
            )
            .or_else(|| {
                files
                    .profile(name)
                    .and_then(|p| get(p, crate::config::key::ENDPOINT_URL))
            });
        if let Some(url) = endpoint {
            client = client.endpoint_url(url);
        }
        client
    }
}

fn get<'a>(profile: &'a Section, key: &str) -> Option<&'a str> {
    profile.get(key).map(str::trim).filter(|v| !v.is_empty())
}

fn sources(files: &ProfileFiles) -> String {
    if files.sources().is_empty() {
        return "the AWS config files (none found)".to_owned();
    }
    files
        .sources()
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn static_keys(
    profile: &Section,
    name: &str,
    where_: &str,
) -> Result<Option<Credentials>, CredentialsError> {
    match (
        get(profile, crate::config::key::AWS_ACCESS_KEY_ID),
        get(profile, crate::config::key::AWS_SECRET_ACCESS_KEY),
    ) {
        (Some(id), Some(secret)) => {
            let credentials = Credentials::new(
                id,
                secret,
                get(profile, crate::config::key::AWS_SESSION_TOKEN).map(str::to_owned),
                None,
                "Profile",
            );
            let source = format!(" of profile {name} in {where_}");
            check_static(credentials, PROFILE_KEYS, &source)
                .map(Some)
                .map_err(|m| invalid(P, m))
        }
        (Some(_), None) => Err(invalid(
            P,
            format!(
                "profile {name} in {where_} has aws_access_key_id but no aws_secret_access_key"
            ),
        )),
        (None, Some(_)) => Err(invalid(
            P,
            format!(
                "profile {name} in {where_} has aws_secret_access_key but no aws_access_key_id"
            ),
        )),
        (None, None) => Ok(None),
    }
}

impl ProfileProvider {
    /// A builder with the process environment and default client settings.
    pub fn builder() -> ProfileProviderBuilder {
        ProfileProviderBuilder {
            profile: None,
            env: Arc::new(|n| std::env::var(n).ok()),
            client: StsClient::builder(),
            mfa: None,
        }
    }

    /// The profiles of the chain, from the one asked for to the source.
    pub fn chain(&self) -> &[String] {
        &self.chain
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        self.provider.provide_credentials()
    }
}
