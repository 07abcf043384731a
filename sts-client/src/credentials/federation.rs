//! Credentials from web identity tokens, SAML assertions and GetSessionToken.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};
use sts_core::model::{
    AssumeRoleWithSAMLInput, AssumeRoleWithWebIdentityInput, GetSessionTokenInput,
};

use super::assume_role::{MfaTokenSource, default_session_name};
use super::error::{failed, from_answer, invalid, not_loaded, sts_failure};
use crate::{StsClient, StsClientBuilder};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn duration_seconds(d: Duration) -> i32 {
    i32::try_from(d.as_secs()).unwrap_or(i32::MAX)
}

/// `AssumeRoleWithWebIdentity` with a token read from a file at every call
/// (Kubernetes and EKS rotate the file), as `AWS_WEB_IDENTITY_TOKEN_FILE`,
/// `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME` describe. The call is unsigned:
/// no source credentials.
#[derive(Clone)]
pub struct WebIdentityProvider {
    client: StsClient,
    token_file: PathBuf,
    input: AssumeRoleWithWebIdentityInput,
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("token_file", &self.token_file)
            .field("role_arn", &self.input.role_arn)
            .field("role_session_name", &self.input.role_session_name)
            .finish_non_exhaustive()
    }
}

impl WebIdentityProvider {
    /// Assumes `role_arn` with the token in `token_file`.
    pub fn new(
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
        session_name: Option<String>,
        duration: Option<Duration>,
        client: StsClientBuilder,
    ) -> Result<Self, crate::Error> {
        let mut input = AssumeRoleWithWebIdentityInput::builder()
            .role_arn(role_arn)
            .role_session_name(session_name.unwrap_or_else(default_session_name))
            // Checked for real at each call, once the token is read.
            .web_identity_token("placeholder-token");
        if let Some(d) = duration {
            input = input.duration_seconds(duration_seconds(d));
        }
        let mut input = input.build()?;
        input.web_identity_token = None;
        Ok(Self {
            client: client.build()?,
            token_file: token_file.into(),
            input,
        })
    }

    /// From `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and (optional)
    /// `AWS_ROLE_SESSION_NAME` read through `env`. `CredentialsNotLoaded` when
    /// the token file variable is unset.
    pub fn from_env(
        env: impl Fn(&str) -> Option<String>,
        client: StsClientBuilder,
    ) -> Result<Self, CredentialsError> {
        const P: &str = "web identity";
        let get = |n: &str| env(n).filter(|v| !v.trim().is_empty());
        let Some(file) = get(crate::config::var::AWS_WEB_IDENTITY_TOKEN_FILE) else {
            return Err(not_loaded(P, "AWS_WEB_IDENTITY_TOKEN_FILE is not set"));
        };
        let role = get(crate::config::var::AWS_ROLE_ARN).ok_or_else(|| {
            invalid(
                P,
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
            )
        })?;
        Self::new(
            file,
            role,
            get(crate::config::var::AWS_ROLE_SESSION_NAME),
            None,
            client,
        )
        .map_err(|e| {
            CredentialsError::invalid_configuration(
                super::ProviderError::new(P, "AWS_ROLE_ARN or AWS_ROLE_SESSION_NAME is not valid")
                    .with_source(e),
            )
        })
    }

    /// Reads the token file and calls `AssumeRoleWithWebIdentity` once.
    pub async fn assume_role(&self) -> Result<Credentials, CredentialsError> {
        const P: &str = "web identity";
        let role = self.input.role_arn.as_deref().unwrap_or_default();
        let path = self.token_file.display();
        let token = tokio::fs::read_to_string(&self.token_file)
            .await
            .map_err(|e| failed(P, format!("cannot read the token file {path}"), e))?;
        let token = token.trim();
        if token.is_empty() {
            return Err(invalid(P, format!("the token file {path} is empty")));
        }
        let mut input = self.input.clone();
        input.web_identity_token = Some(token.to_owned());
        let out = self
            .client
            .assume_role_with_web_identity(input)
            .await
            .map_err(|e| sts_failure(P, role, e))?;
        from_answer(P, &format!(" for role {role}"), out.credentials)
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.assume_role())
    }
}

/// Where a fresh SAML assertion (base64) comes from: the identity provider's
/// login flow, asked at every refresh.
pub type SamlAssertionSource =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send>> + Send + Sync>;

/// `AssumeRoleWithSAML` with an assertion from a [`SamlAssertionSource`]
/// (unsigned: no source credentials).
#[derive(Clone)]
pub struct SamlProvider {
    client: StsClient,
    role_arn: String,
    principal_arn: String,
    duration: Option<Duration>,
    assertion: SamlAssertionSource,
}

impl fmt::Debug for SamlProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SamlProvider")
            .field("role_arn", &self.role_arn)
            .field("principal_arn", &self.principal_arn)
            .finish_non_exhaustive()
    }
}

impl SamlProvider {
    /// Assumes `role_arn` through the SAML provider `principal_arn`.
    pub fn new<F, Fut>(
        role_arn: impl Into<String>,
        principal_arn: impl Into<String>,
        duration: Option<Duration>,
        assertion: F,
        client: StsClientBuilder,
    ) -> Result<Self, crate::Error>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
    {
        Ok(Self {
            client: client.build()?,
            role_arn: role_arn.into(),
            principal_arn: principal_arn.into(),
            duration,
            assertion: Arc::new(move || Box::pin(assertion())),
        })
    }

    /// Gets an assertion and calls `AssumeRoleWithSAML` once.
    pub async fn assume_role(&self) -> Result<Credentials, CredentialsError> {
        const P: &str = "SAML";
        let role = &self.role_arn;
        let assertion = (self.assertion)()
            .await
            .map_err(|e| failed(P, format!("no SAML assertion for role {role}"), e))?;
        let mut input = AssumeRoleWithSAMLInput::builder()
            .role_arn(role)
            .principal_arn(&self.principal_arn)
            .saml_assertion(assertion);
        if let Some(d) = self.duration {
            input = input.duration_seconds(duration_seconds(d));
        }
        let input = input.build().map_err(|e| {
            CredentialsError::invalid_configuration(
                super::ProviderError::new(P, format!("bad input for role {role}")).with_source(e),
            )
        })?;
        let out = self
            .client
            .assume_role_with_saml(input)
            .await
            .map_err(|e| sts_failure(P, role, e))?;
        from_answer(P, &format!(" for role {role}"), out.credentials)
    }
}

impl ProvideCredentials for SamlProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.assume_role())
    }
}

/// `GetSessionToken` with long-term credentials from a source provider,
/// optionally with MFA (the code asked at every refresh).
#[derive(Clone)]
pub struct SessionTokenProvider {
    client: StsClient,
    duration: Option<Duration>,
    mfa: Option<(String, MfaTokenSource)>,
}

impl fmt::Debug for SessionTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokenProvider")
            .field("duration", &self.duration)
            .field("mfa_serial", &self.mfa.as_ref().map(|(s, _)| s))
            .finish_non_exhaustive()
    }
}

impl SessionTokenProvider {
    /// Session tokens for `source`'s long-term credentials.
    pub fn new(
        source: impl ProvideCredentials + 'static,
        duration: Option<Duration>,
        mfa: Option<(String, MfaTokenSource)>,
        client: StsClientBuilder,
    ) -> Result<Self, crate::Error> {
        Ok(Self {
            client: client.credentials(source).build()?,
            duration,
            mfa,
        })
    }

    /// Calls `GetSessionToken` once.
    pub async fn session_token(&self) -> Result<Credentials, CredentialsError> {
        const P: &str = "GetSessionToken";
        let mut input = GetSessionTokenInput::builder();
        if let Some(d) = self.duration {
            input = input.duration_seconds(duration_seconds(d));
        }
        if let Some((serial, source)) = &self.mfa {
            let code = source(serial.clone())
                .await
                .map_err(|e| failed(P, format!("the MFA code for {serial} could not be had"), e))?;
            input = input.serial_number(serial).token_code(code);
        }
        let input = input.build().map_err(|e| {
            CredentialsError::invalid_configuration(
                super::ProviderError::new(P, "bad input").with_source(e),
            )
        })?;
        let out = self
            .client
            .get_session_token_with(input)
            .await
            .map_err(|e| {
                let what = match e.code() {
                    Some(code) => format!("STS answered {code}"),
                    None => "the call failed".to_owned(),
                };
                failed(P, what, e)
            })?;
        from_answer(P, "", out.credentials)
    }
}

impl ProvideCredentials for SessionTokenProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.session_token())
    }
}
