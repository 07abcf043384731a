//! Provider errors that say which provider, which profile or file, and what
//! went wrong, never the secret values.

use std::error::Error as StdError;
use std::fmt;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;

/// The cause inside the `CredentialsError`s our providers return.
#[derive(Debug)]
pub struct ProviderError {
    provider: &'static str,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl ProviderError {
    pub(crate) fn new(provider: &'static str, message: impl Into<String>) -> Self {
        Self {
            provider,
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The provider that failed (`AssumeRole`, `profile`, `environment`, ...).
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.provider.is_empty() {
            // A reason relayed from another provider, which named itself.
            f.write_str(&self.message)
        } else {
            write!(f, "{} provider: {}", self.provider, self.message)
        }
    }
}

impl StdError for ProviderError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// What went wrong, on one line: the source chain of a `CredentialsError`
/// (its own generic line, "the credential provider was not enabled", only
/// when it has no source), each level once.
pub(crate) fn describe(e: &CredentialsError) -> String {
    let mut out = String::new();
    let mut next: Option<&(dyn StdError + 'static)> = match e.source() {
        Some(source) => Some(source),
        None => {
            out = e.to_string();
            None
        }
    };
    while let Some(s) = next {
        let text = s.to_string();
        if !text.is_empty() && !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
        next = s.source();
    }
    out
}

pub(crate) fn not_loaded(provider: &'static str, message: impl Into<String>) -> CredentialsError {
    CredentialsError::not_loaded(ProviderError::new(provider, message))
}

pub(crate) fn invalid(provider: &'static str, message: impl Into<String>) -> CredentialsError {
    CredentialsError::invalid_configuration(ProviderError::new(provider, message))
}

pub(crate) fn failed(
    provider: &'static str,
    message: impl Into<String>,
    source: impl Into<Box<dyn StdError + Send + Sync>>,
) -> CredentialsError {
    CredentialsError::provider_error(ProviderError::new(provider, message).with_source(source))
}

/// A failed STS call of a provider: the code STS answered and the role.
pub(crate) fn sts_failure(provider: &'static str, role: &str, e: crate::Error) -> CredentialsError {
    let what = match e.code() {
        Some(code) => format!("STS answered {code} for role {role}"),
        None => format!("the call for role {role} failed"),
    };
    failed(provider, what, e)
}

/// The variables that hold static credentials in the environment.
pub(crate) const ENV_KEYS: [&str; 3] = [
    crate::config::var::AWS_ACCESS_KEY_ID,
    crate::config::var::AWS_SECRET_ACCESS_KEY,
    crate::config::var::AWS_SESSION_TOKEN,
];
/// The keys that hold static credentials in a profile.
pub(crate) const PROFILE_KEYS: [&str; 3] = [
    crate::config::key::AWS_ACCESS_KEY_ID,
    crate::config::key::AWS_SECRET_ACCESS_KEY,
    crate::config::key::AWS_SESSION_TOKEN,
];

/// `credentials` if they can sign a request; else what is wrong, naming the
/// setting (one of `names`: key id, secret, token) and where it was read
/// (`in profile dev of ~/.aws/credentials`), never the value.
pub(crate) fn check_static(
    credentials: Credentials,
    names: [&str; 3],
    source: &str,
) -> Result<Credentials, String> {
    match sts_core::check::credentials(&credentials) {
        Ok(()) => Ok(credentials),
        Err(e) => {
            let name = match e.field() {
                "AccessKeyId" => names[0],
                "SecretAccessKey" => names[1],
                _ => names[2],
            };
            Err(format!("{name}{source} cannot be used: {e}"))
        }
    }
}

/// The credentials of an STS answer, if there are some and they can sign a
/// request (a newline in a key id or a space in a token would otherwise fail
/// every later call, or be cached). `subject` says for what (` for role X`).
pub(crate) fn from_answer(
    provider: &'static str,
    subject: &str,
    credentials: Option<Credentials>,
) -> Result<Credentials, CredentialsError> {
    let credentials = credentials
        .ok_or_else(|| invalid(provider, format!("STS returned no credentials{subject}")))?;
    match sts_core::check::credentials(&credentials) {
        Ok(()) => Ok(credentials),
        Err(e) => Err(invalid(
            provider,
            format!("STS answered{subject} with credentials that cannot sign a request: {e}"),
        )),
    }
}
