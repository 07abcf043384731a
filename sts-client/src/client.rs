//! The client and its operations.

use std::fmt;
use std::sync::Arc;

use sts_core::model::*;
use sts_core::operation::Operation;
use sts_layers::operation::OperationService;
use sts_layers::stack::HttpService;
use tower::ServiceExt;

use crate::StsClientBuilder;

/// An STS client. Cheap to clone: clones share the stack, its transport (and
/// connection pool), its retry token bucket and its clock skew.
#[derive(Clone)]
pub struct StsClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: HttpService,
    region: String,
}

impl fmt::Debug for StsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsClient")
            .field("region", &self.inner.region)
            .finish_non_exhaustive()
    }
}

macro_rules! operations {
    ($($(#[$doc:meta])* $method:ident => $op:ident, $input:ident, $output:ident;)*) => {
        impl StsClient {
            $(
                $(#[$doc])*
                pub async fn $method(&self, input: $input) -> Result<$output, sts_core::Error> {
                    self.call::<$op>(input).await
                }
            )*
        }
    };
}

impl StsClient {
    /// A builder.
    pub fn builder() -> StsClientBuilder {
        StsClientBuilder::new()
    }

    pub(crate) fn from_parts(http: HttpService, region: String) -> Self {
        Self {
            inner: Arc::new(Inner { http, region }),
        }
    }

    /// The region the client was built for.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The HTTP-level stack every operation goes through.
    pub fn http_service(&self) -> HttpService {
        self.inner.http.clone()
    }

    /// Operation `O` as a `tower::Service<O::Input>` (`Clone + Send + 'static`,
    /// honours `poll_ready`), to wrap in your own `ServiceBuilder`.
    pub fn operation<O: Operation>(&self) -> OperationService<O, HttpService> {
        OperationService::new(self.http_service())
    }

    /// Calls operation `O`.
    pub async fn call<O: Operation>(&self, input: O::Input) -> Result<O::Output, sts_core::Error> {
        self.operation::<O>().oneshot(input).await
    }
}

operations! {
    /// Calls `AssumeRole`: temporary credentials for a role.
    assume_role => AssumeRole, AssumeRoleInput, AssumeRoleOutput;
    /// Calls `AssumeRoleWithSAML` (unsigned): credentials for a SAML assertion.
    assume_role_with_saml => AssumeRoleWithSAML, AssumeRoleWithSAMLInput, AssumeRoleWithSAMLOutput;
    /// Calls `AssumeRoleWithWebIdentity` (unsigned): credentials for an OIDC token.
    assume_role_with_web_identity => AssumeRoleWithWebIdentity, AssumeRoleWithWebIdentityInput, AssumeRoleWithWebIdentityOutput;
    /// Calls `AssumeRoot`: privileged root-task credentials for a member account.
    assume_root => AssumeRoot, AssumeRootInput, AssumeRootOutput;
    /// Calls `DecodeAuthorizationMessage`.
    decode_authorization_message => DecodeAuthorizationMessage, DecodeAuthorizationMessageInput, DecodeAuthorizationMessageOutput;
    /// Calls `GetAccessKeyInfo`: the account an access key belongs to.
    get_access_key_info => GetAccessKeyInfo, GetAccessKeyInfoInput, GetAccessKeyInfoOutput;
    /// Calls `GetCallerIdentity`: who the credentials are.
    get_caller_identity => GetCallerIdentity, GetCallerIdentityInput, GetCallerIdentityOutput;
    /// Calls `GetDelegatedAccessToken`.
    get_delegated_access_token => GetDelegatedAccessToken, GetDelegatedAccessTokenInput, GetDelegatedAccessTokenOutput;
    /// Calls `GetFederationToken`: credentials for a federated user.
    get_federation_token => GetFederationToken, GetFederationTokenInput, GetFederationTokenOutput;
    /// Calls `GetSessionToken`: session credentials, optionally with MFA.
    get_session_token => GetSessionToken, GetSessionTokenInput, GetSessionTokenOutput;
    /// Calls `GetWebIdentityToken`: a signed JWT for the caller.
    get_web_identity_token => GetWebIdentityToken, GetWebIdentityTokenInput, GetWebIdentityTokenOutput;
}
