//! Accounts, users and roles, configured in code.

use std::fmt;
use std::time::Duration;

/// An AWS account: its id, IAM users, roles, and identity providers.
///
/// ```
/// use std::time::Duration;
/// use sts_emulator::{Account, Role, User};
///
/// let account = Account::new("111122223333")
///     .user(User::new("alice").access_key("AKIAALICE0000EXAMPLE", "alice-secret"))
///     .role(Role::new("deploy").require_external_id("ci-7").max_session_duration(Duration::from_secs(7200)))
///     .saml_provider("corp-idp")
///     .oidc_provider("https://token.actions.githubusercontent.com", ["sts.amazonaws.com"]);
/// assert_eq!(account.id(), "111122223333");
/// ```
#[derive(Clone)]
pub struct Account {
    pub(crate) id: String,
    pub(crate) users: Vec<User>,
    pub(crate) roles: Vec<Role>,
    pub(crate) root_keys: Vec<(String, String)>,
    pub(crate) saml_providers: Vec<String>,
    pub(crate) oidc_providers: Vec<OidcProvider>,
}

/// An OpenID Connect provider the account trusts: its issuer URL and client ids (audiences).
#[derive(Debug, Clone)]
pub(crate) struct OidcProvider {
    pub(crate) issuer: String,
    pub(crate) audiences: Vec<String>,
}

impl Account {
    /// An account with a 12-digit id and nothing in it.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            users: Vec::new(),
            roles: Vec::new(),
            root_keys: Vec::new(),
            saml_providers: Vec::new(),
            oidc_providers: Vec::new(),
        }
    }

    /// The account id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Adds an IAM user.
    #[must_use]
    pub fn user(mut self, user: User) -> Self {
        self.users.push(user);
        self
    }

    /// Adds a role.
    #[must_use]
    pub fn role(mut self, role: Role) -> Self {
        self.roles.push(role);
        self
    }

    /// Adds an access key of the account's root user.
    #[must_use]
    pub fn root_access_key(
        mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        self.root_keys.push((access_key_id.into(), secret.into()));
        self
    }

    /// Adds a SAML provider, `arn:aws:iam::<account>:saml-provider/<name>`.
    #[must_use]
    pub fn saml_provider(mut self, name: impl Into<String>) -> Self {
        self.saml_providers.push(name.into());
        self
    }

    /// Adds an OIDC provider: the `iss` of the tokens it issues (`https://...`)
    /// and the audiences (`aud`, client ids) the account accepts from it.
    #[must_use]
    pub fn oidc_provider(
        mut self,
        issuer: impl Into<String>,
        audiences: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.oidc_providers.push(OidcProvider {
            issuer: issuer.into(),
            audiences: audiences.into_iter().map(Into::into).collect(),
        });
        self
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("users", &self.users)
            .field("roles", &self.roles)
            .field(
                "root_keys",
                &self.root_keys.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .field("saml_providers", &self.saml_providers)
            .field("oidc_providers", &self.oidc_providers)
            .finish()
    }
}

/// An IAM user with access keys and, optionally, an MFA device.
#[derive(Clone)]
pub struct User {
    pub(crate) name: String,
    pub(crate) keys: Vec<(String, String)>,
    pub(crate) mfa: Option<(String, String)>,
}

impl User {
    /// A user named `name` (its ARN is `arn:aws:iam::<account>:user/<name>`).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            keys: Vec::new(),
            mfa: None,
        }
    }

    /// Adds a long-term access key (`AKIA...`) and its secret.
    #[must_use]
    pub fn access_key(
        mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        self.keys.push((access_key_id.into(), secret.into()));
        self
    }

    /// Gives the user an MFA device: its serial number (or ARN) and the one
    /// code the emulator accepts from it.
    #[must_use]
    pub fn mfa_device(mut self, serial_number: impl Into<String>, code: impl Into<String>) -> Self {
        self.mfa = Some((serial_number.into(), code.into()));
        self
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field(
                "keys",
                &self.keys.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .field("mfa_device", &self.mfa.as_ref().map(|(serial, _)| serial))
            .finish()
    }
}

/// A role and the conditions of its trust policy.
///
/// By default a role trusts every principal of its own account, and the SAML
/// and OIDC providers of its account; its maximum session is one hour.
#[derive(Debug, Clone)]
pub struct Role {
    pub(crate) name: String,
    pub(crate) max_session: Duration,
    pub(crate) external_id: Option<String>,
    pub(crate) require_mfa: bool,
    pub(crate) trusted_accounts: Vec<String>,
}

impl Role {
    /// A role named `name` (`arn:aws:iam::<account>:role/<name>`).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            max_session: Duration::from_secs(3600),
            external_id: None,
            require_mfa: false,
            trusted_accounts: Vec::new(),
        }
    }

    /// The role's maximum session duration (AWS allows 1 to 12 hours).
    #[must_use]
    pub fn max_session_duration(mut self, max: Duration) -> Self {
        self.max_session = max;
        self
    }

    /// Requires `ExternalId` to equal `external_id` (`sts:ExternalId` condition).
    #[must_use]
    pub fn require_external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// Requires MFA (`aws:MultiFactorAuthPresent`): the caller's device serial
    /// number and its current code.
    #[must_use]
    pub fn require_mfa(mut self) -> Self {
        self.require_mfa = true;
        self
    }

    /// Also trusts the principals of another account.
    #[must_use]
    pub fn trust_account(mut self, account_id: impl Into<String>) -> Self {
        self.trusted_accounts.push(account_id.into());
        self
    }
}
