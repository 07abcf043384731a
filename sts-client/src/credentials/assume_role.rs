//! Credentials from `AssumeRole`, signed with the credentials of any source provider.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};
use sts_core::model::{AssumeRoleInput, PolicyDescriptorType, Tag};

use super::error::{failed, from_answer, sts_failure};
use crate::{StsClient, StsClientBuilder};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Asks the user for the current code of an MFA device (its serial number
/// is the argument): a prompt, a TOTP generator, a secrets manager.
pub type MfaTokenSource = Arc<
    dyn Fn(String) -> Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send>> + Send + Sync,
>;

/// Wraps an async closure as an [`MfaTokenSource`].
pub fn mfa_token_source<F, Fut>(f: F) -> MfaTokenSource
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
{
    Arc::new(move |serial| Box::pin(f(serial)))
}

/// Assumes a role with credentials from a source provider. Each call is one
/// `AssumeRole` call: wrap it in a [`CredentialsCache`](super::CredentialsCache)
/// (or call [`cached`](Self::cached)).
///
/// ```no_run
/// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use sts_client::StsClient;
/// use sts_client::credentials::{AssumeRoleProvider, EnvironmentProvider};
///
/// let provider = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/deploy")
///     .session_name("deploy-42")
///     .external_id("ci-7")
///     .duration(Duration::from_secs(3600))
///     .client(StsClient::builder().region("eu-west-1"))
///     .build(EnvironmentProvider::new())?
///     .cached();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AssumeRoleProvider {
    client: StsClient,
    input: AssumeRoleInput,
    mfa: Option<(String, MfaTokenSource)>,
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("input", &self.input)
            .field("mfa_serial", &self.mfa.as_ref().map(|(s, _)| s))
            .finish_non_exhaustive()
    }
}

/// Configures an [`AssumeRoleProvider`].
#[must_use]
pub struct AssumeRoleProviderBuilder {
    input: sts_core::model::AssumeRoleInputBuilder,
    session_name: Option<String>,
    mfa: Option<(String, MfaTokenSource)>,
    client: StsClientBuilder,
}

impl fmt::Debug for AssumeRoleProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProviderBuilder")
            .field("input", &self.input)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProviderBuilder {
    /// The role session name (default `sts-tower-<unix millis>`).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// The external id the role's trust policy requires.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.input = self.input.external_id(id);
        self
    }

    /// An inline session policy (JSON).
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.input = self.input.policy(policy);
        self
    }

    /// Managed session policies.
    pub fn policy_arns(mut self, arns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.input = self.input.policy_arns(
            arns.into_iter()
                .map(|a| PolicyDescriptorType::new().with_arn(a)),
        );
        self
    }

    /// Session tags.
    pub fn tags(mut self, tags: impl IntoIterator<Item = Tag>) -> Self {
        self.input = self.input.tags(tags);
        self
    }

    /// The session duration (whole seconds; STS allows 15 minutes up to the
    /// role's maximum).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.input = self
            .input
            .duration_seconds(i32::try_from(duration.as_secs()).unwrap_or(i32::MAX));
        self
    }

    /// The source identity.
    pub fn source_identity(mut self, identity: impl Into<String>) -> Self {
        self.input = self.input.source_identity(identity);
        self
    }

    /// MFA: the device's serial number, and where its current code comes
    /// from (asked at every refresh).
    pub fn mfa(mut self, serial_number: impl Into<String>, token: MfaTokenSource) -> Self {
        self.mfa = Some((serial_number.into(), token));
        self
    }

    /// Settings of the STS client the provider calls (region, endpoint,
    /// transport, retry...); its credentials are replaced by the source's.
    pub fn client(mut self, client: StsClientBuilder) -> Self {
        self.client = client;
        self
    }

    /// The provider, signing its calls with `source`'s credentials. Fails if
    /// the client settings do not build (no region) or the input breaks a
    /// constraint of the model.
    pub fn build(
        self,
        source: impl ProvideCredentials + 'static,
    ) -> Result<AssumeRoleProvider, crate::Error> {
        let session_name = self.session_name.unwrap_or_else(default_session_name);
        let input = self.input.role_session_name(session_name).build()?;
        let client = self.client.credentials(source).build()?;
        Ok(AssumeRoleProvider {
            client,
            input,
            mfa: self.mfa,
        })
    }
}

pub(crate) fn default_session_name() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("sts-tower-{millis}")
}

impl AssumeRoleProvider {
    /// A builder for assuming `role_arn`.
    pub fn builder(role_arn: impl Into<String>) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            input: AssumeRoleInput::builder().role_arn(role_arn),
            session_name: None,
            mfa: None,
            client: StsClient::builder(),
        }
    }

    /// This provider behind a [`CredentialsCache`](super::CredentialsCache)
    /// with the default settings.
    pub fn cached(self) -> super::CredentialsCache {
        super::CredentialsCache::new(self)
    }

    /// Calls `AssumeRole` once.
    pub async fn assume_role(&self) -> Result<Credentials, CredentialsError> {
        const P: &str = "AssumeRole";
        let role = self.input.role_arn.as_deref().unwrap_or_default();
        let mut input = self.input.clone();
        if let Some((serial, source)) = &self.mfa {
            let code = source(serial.clone()).await.map_err(|e| {
                failed(
                    P,
                    format!("the MFA code for {serial} (role {role}) could not be had"),
                    e,
                )
            })?;
            input.serial_number = Some(serial.clone());
            input.token_code = Some(code);
        }
        let out = self
            .client
            .assume_role(input)
            .await
            .map_err(|e| sts_failure(P, role, e))?;
        from_answer(P, &format!(" for role {role}"), out.credentials)
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.assume_role())
    }
}
