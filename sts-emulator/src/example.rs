//! The example account [`Emulator::new`](crate::Emulator::new) starts with,
//! and credentials that work against it. The keys are AWS's documentation
//! examples: they are not secret and work nowhere else.

use std::time::Duration;

use aws_credential_types::Credentials;

use crate::config::{Account, Role, User};

/// The example account id.
pub const ACCOUNT_ID: &str = "123456789012";
/// The example user's name.
pub const USER_NAME: &str = "alice";
/// The example user's access key id (AWS's documentation example).
pub const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// The example user's secret access key (AWS's documentation example).
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// The example user's MFA device.
pub const MFA_SERIAL: &str = "arn:aws:iam::123456789012:mfa/alice";
/// The one code the example MFA device accepts.
pub const MFA_CODE: &str = "123456";
/// A role that trusts the account (one-hour sessions).
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/example";
/// A role that requires MFA.
pub const MFA_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/mfa-required";
/// A role that requires [`EXTERNAL_ID`] and allows 12-hour sessions.
pub const PARTNER_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/partner";
/// The external id the partner role requires.
pub const EXTERNAL_ID: &str = "partner-7f3a";
/// The example SAML provider.
pub const SAML_PROVIDER_ARN: &str = "arn:aws:iam::123456789012:saml-provider/example-idp";
/// The issuer of the example SAML assertions.
pub const SAML_ISSUER: &str = "https://idp.example.com/saml";
/// The example OIDC issuer (also the `iss` of tokens the emulator issues).
pub const OIDC_ISSUER: &str = "https://oidc.sts-emulator.example";
/// The audience the example OIDC provider accepts.
pub const OIDC_AUDIENCE: &str = "sts.amazonaws.com";

/// The example account.
pub fn account() -> Account {
    Account::new(ACCOUNT_ID)
        .user(
            User::new(USER_NAME)
                .access_key(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                .mfa_device(MFA_SERIAL, MFA_CODE),
        )
        .role(Role::new("example"))
        .role(Role::new("mfa-required").require_mfa())
        .role(
            Role::new("partner")
                .require_external_id(EXTERNAL_ID)
                .max_session_duration(Duration::from_secs(12 * 3600)),
        )
        .saml_provider("example-idp")
        .oidc_provider(OIDC_ISSUER, [OIDC_AUDIENCE])
}

/// The example user's long-term credentials.
pub fn credentials() -> Credentials {
    Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        None,
        None,
        "sts-emulator-example",
    )
}
