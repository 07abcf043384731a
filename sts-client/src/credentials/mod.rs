//! Credential providers backed by STS, and a cache that never stampedes.
//!
//! Every provider implements `aws_credential_types::provider::ProvideCredentials`,
//! so it plugs into this client and into the AWS SDK for Rust, and the SDK's
//! providers plug into them as sources.
//!
//! - [`CredentialsCache`]: refresh before expiry (window + jitter), single
//!   flight, optional background prefetch, old credentials served while a
//!   refresh fails and they are still valid.

mod assume_role;
mod cache;
mod chain;
mod environment;
pub(crate) mod error;
mod federation;
pub(crate) mod process;
mod profile;

pub use assume_role::{
    AssumeRoleProvider, AssumeRoleProviderBuilder, MfaTokenSource, mfa_token_source,
};
pub use cache::{
    CredentialsCache, CredentialsCacheBuilder, DEFAULT_JITTER, DEFAULT_LOAD_TIMEOUT,
    DEFAULT_PREFETCH_LEAD, DEFAULT_REFRESH_WINDOW, DEFAULT_RETRY_INTERVAL,
};
pub use chain::{ChainProvider, DefaultCredentialsChain, DefaultCredentialsChainBuilder};
pub use environment::EnvironmentProvider;
pub use error::ProviderError;
pub use federation::{
    SamlAssertionSource, SamlProvider, SessionTokenProvider, WebIdentityProvider,
};
pub use process::{CredentialProcessProvider, MAX_OUTPUT, MAX_STDERR, PROCESS_TIMEOUT};
pub use profile::{ProfileProvider, ProfileProviderBuilder};
