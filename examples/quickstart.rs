//! Quickstart: starts the built-in STS emulator on 127.0.0.1, points a client
//! at it over real HTTP, and runs every STS operation. No AWS account needed.
//!
//! Run with `cargo run --example quickstart`.
#![allow(clippy::print_stdout)]

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use sts_client::StsClient;
use sts_client::model::*;
use sts_emulator::{Emulator, EmulatorServer, example};

fn describe(credentials: Option<&Credentials>) -> String {
    match credentials {
        Some(c) => {
            let left = c
                .expiry()
                .and_then(|e| e.duration_since(SystemTime::now()).ok())
                .map_or(0, |d| d.as_secs() / 60);
            // Never print the secret key or the session token.
            format!("credentials {} (expire in {left} min)", c.access_key_id())
        }
        None => "no credentials".to_owned(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::new();
    let server = EmulatorServer::start(emulator.clone(), 0).await?;
    println!("STS emulator listening on {}", server.endpoint_url());

    let client = StsClient::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint_url())
        .credentials(example::credentials())
        .build()?;

    let me = client.get_caller_identity().await?;
    println!(
        "GetCallerIdentity          -> {} (account {})",
        me.arn.unwrap_or_default(),
        me.account.unwrap_or_default()
    );

    let role = client
        .assume_role(
            AssumeRoleInput::builder()
                .role_arn(example::ROLE_ARN)
                .role_session_name("quickstart")
                .add_tag(Tag::new("team", "payments"))
                .duration_seconds(900)
                .build()?,
        )
        .await?;
    println!(
        "AssumeRole                 -> {}, {}",
        role.assumed_role_user
            .as_ref()
            .map(|u| u.arn.as_str())
            .unwrap_or_default(),
        describe(role.credentials.as_ref())
    );
    let role_credentials = role
        .credentials
        .ok_or("AssumeRole returned no credentials")?;

    // The issued credentials work for the next call.
    let as_role = StsClient::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint_url())
        .credentials(role_credentials.clone())
        .build()?;
    let who = as_role.get_caller_identity().await?;
    println!(
        "  ...and with them         -> {}",
        who.arn.unwrap_or_default()
    );

    let saml = client
        .assume_role_with_saml(
            AssumeRoleWithSAMLInput::builder()
                .role_arn(example::ROLE_ARN)
                .principal_arn(example::SAML_PROVIDER_ARN)
                .saml_assertion(emulator.saml_assertion(
                    example::SAML_ISSUER,
                    "carol",
                    example::ROLE_ARN,
                    example::SAML_PROVIDER_ARN,
                    Duration::from_secs(300),
                ))
                .build()?,
        )
        .await?;
    println!(
        "AssumeRoleWithSAML         -> subject {} from {}, {}",
        saml.subject.unwrap_or_default(),
        saml.issuer.unwrap_or_default(),
        describe(saml.credentials.as_ref())
    );

    let web = client
        .assume_role_with_web_identity(
            AssumeRoleWithWebIdentityInput::builder()
                .role_arn(example::ROLE_ARN)
                .role_session_name("workload")
                .web_identity_token(emulator.web_identity_token(
                    "system:serviceaccount:default:app",
                    example::OIDC_AUDIENCE,
                    Duration::from_secs(300),
                ))
                .build()?,
        )
        .await?;
    println!(
        "AssumeRoleWithWebIdentity  -> subject {} via {}, {}",
        web.subject_from_web_identity_token.unwrap_or_default(),
        web.provider.unwrap_or_default(),
        describe(web.credentials.as_ref())
    );

    let root = client
        .assume_root(
            AssumeRootInput::builder()
                .target_principal(example::ACCOUNT_ID)
                .task_policy_arn(
                    PolicyDescriptorType::new()
                        .with_arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
                )
                .build()?,
        )
        .await?;
    println!(
        "AssumeRoot                 -> {}",
        describe(root.credentials.as_ref())
    );

    let decoded = client
        .decode_authorization_message(
            DecodeAuthorizationMessageInput::builder()
                .encoded_message(
                    emulator
                        .encode_authorization_message(r#"{"allowed":false,"explicitDeny":false}"#),
                )
                .build()?,
        )
        .await?;
    println!(
        "DecodeAuthorizationMessage -> {}",
        decoded.decoded_message.unwrap_or_default()
    );

    let info = client
        .get_access_key_info(
            GetAccessKeyInfoInput::builder()
                .access_key_id(role_credentials.access_key_id())
                .build()?,
        )
        .await?;
    println!(
        "GetAccessKeyInfo           -> {} belongs to account {}",
        role_credentials.access_key_id(),
        info.account.unwrap_or_default()
    );

    let delegated = client
        .get_delegated_access_token(
            GetDelegatedAccessTokenInput::builder()
                .trade_in_token(emulator.trade_in_token(example::ROLE_ARN, Duration::from_secs(60)))
                .build()?,
        )
        .await?;
    println!(
        "GetDelegatedAccessToken    -> {}, {}",
        delegated.assumed_principal.unwrap_or_default(),
        describe(delegated.credentials.as_ref())
    );

    let federated = client
        .get_federation_token(
            GetFederationTokenInput::builder()
                .name("bob")
                .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
                .duration_seconds(3600)
                .build()?,
        )
        .await?;
    println!(
        "GetFederationToken         -> {} (packed policy {}%), {}",
        federated
            .federated_user
            .as_ref()
            .map(|u| u.arn.as_str())
            .unwrap_or_default(),
        federated.packed_policy_size.unwrap_or_default(),
        describe(federated.credentials.as_ref())
    );

    let session = client
        .get_session_token_with(
            GetSessionTokenInput::builder()
                .serial_number(example::MFA_SERIAL)
                .token_code(example::MFA_CODE)
                .duration_seconds(3600)
                .build()?,
        )
        .await?;
    println!(
        "GetSessionToken (with MFA) -> {}",
        describe(session.credentials.as_ref())
    );

    let token = client
        .get_web_identity_token(
            GetWebIdentityTokenInput::builder()
                .add_audience("https://api.example.com")
                .signing_algorithm("RS256")
                .build()?,
        )
        .await?;
    println!(
        "GetWebIdentityToken        -> a JWT of {} characters",
        token.web_identity_token.map_or(0, |t| t.len())
    );

    // A typed error: the partner role requires an external id.
    let denied = client
        .assume_role(
            AssumeRoleInput::builder()
                .role_arn(example::PARTNER_ROLE_ARN)
                .role_session_name("no-external-id")
                .build()?,
        )
        .await
        .err()
        .ok_or("the partner role should require an external id")?;
    println!(
        "AssumeRole without ExternalId -> {} (request id {})",
        denied.code().unwrap_or_default(),
        denied.request_id().unwrap_or_default()
    );

    let calls = emulator.calls();
    println!(
        "the emulator received {} calls, {} of them answered 200",
        calls.len(),
        calls.iter().filter(|c| c.status == 200).count()
    );
    server.shutdown().await;
    Ok(())
}
