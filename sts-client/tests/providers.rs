//! The STS-backed credential providers against the emulator (in memory).
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use std::error::Error as _;
use sts_client::StsClient;
use sts_client::credentials::{AssumeRoleProvider, mfa_token_source};
use sts_core::model::GetCallerIdentityInput;
use sts_emulator::{Emulator, example};

fn settings(emulator: &Emulator) -> sts_client::StsClientBuilder {
    StsClient::builder()
        .region("us-east-1")
        .transport(emulator.clone())
}

/// The error and its whole chain, as a user would print it.
fn chain(e: &CredentialsError) -> String {
    let mut out = e.to_string();
    let mut s = e.source();
    while let Some(x) = s {
        out.push_str(": ");
        out.push_str(&x.to_string());
        s = x.source();
    }
    out
}

#[tokio::test]
async fn assume_role_provider_behind_a_cache_serves_a_thousand_calls_with_one_assume_role() {
    let emulator = Emulator::new();
    let provider = AssumeRoleProvider::builder(example::PARTNER_ROLE_ARN)
        .session_name("app")
        .external_id(example::EXTERNAL_ID)
        .duration(Duration::from_secs(7200))
        .client(settings(&emulator))
        .build(example::credentials())
        .unwrap()
        .cached();
    let client = settings(&emulator).credentials(provider).build().unwrap();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .get_caller_identity(GetCallerIdentityInput::builder().build().unwrap())
                    .await
                    .unwrap()
            })
        })
        .collect();
    for t in tasks {
        let me = t.await.unwrap();
        assert_eq!(
            me.arn.as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/partner/app")
        );
    }
    let calls = emulator.calls();
    let assume: Vec<_> = calls
        .iter()
        .filter(|c| c.action.as_deref() == Some("AssumeRole"))
        .collect();
    assert_eq!(assume.len(), 1);
    assert_eq!(assume[0].param("DurationSeconds"), Some("7200"));
    assert_eq!(assume[0].param("ExternalId"), Some(example::EXTERNAL_ID));
    assert_eq!(calls.len(), 1001);
}

#[tokio::test]
async fn mfa_codes_come_from_the_callback_at_each_refresh() {
    let emulator = Emulator::new();
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = asked.clone();
    let provider = AssumeRoleProvider::builder(example::MFA_ROLE_ARN)
        .mfa(
            example::MFA_SERIAL,
            mfa_token_source(move |serial| {
                let counter = counter.clone();
                async move {
                    assert_eq!(serial, example::MFA_SERIAL);
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Ok(example::MFA_CODE.to_owned())
                }
            }),
        )
        .client(settings(&emulator))
        .build(example::credentials())
        .unwrap();
    let creds = provider.provide_credentials().await.unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    provider.provide_credentials().await.unwrap();
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 2);
    let call = emulator.calls().pop().unwrap();
    assert_eq!(call.param("TokenCode"), Some("** redacted **"));

    let wrong = AssumeRoleProvider::builder(example::MFA_ROLE_ARN)
        .mfa(
            example::MFA_SERIAL,
            mfa_token_source(|_| async { Ok("000000".to_owned()) }),
        )
        .client(settings(&emulator))
        .build(example::credentials())
        .unwrap();
    let err = wrong.provide_credentials().await.unwrap_err();
    let text = chain(&err);
    assert!(text.contains("AssumeRole provider: STS answered AccessDenied for role arn:aws:iam::123456789012:role/mfa-required"), "{text}");
    assert!(!text.contains(example::SECRET_ACCESS_KEY), "{text}");

    let failing = AssumeRoleProvider::builder(example::MFA_ROLE_ARN)
        .mfa(
            example::MFA_SERIAL,
            mfa_token_source(|_| async { Err("no terminal to ask".into()) }),
        )
        .client(settings(&emulator))
        .build(example::credentials())
        .unwrap();
    let text = chain(&failing.provide_credentials().await.unwrap_err());
    assert!(
        text.contains("the MFA code for arn:aws:iam::123456789012:mfa/alice")
            && text.contains("no terminal to ask"),
        "{text}"
    );
}

#[tokio::test]
async fn bad_provider_settings_fail_at_build() {
    let emulator = Emulator::new();
    let err = AssumeRoleProvider::builder("not-an-arn")
        .client(settings(&emulator))
        .build(example::credentials())
        .unwrap_err();
    assert_eq!(err.validation_error().unwrap().member(), "RoleArn");
    let err = AssumeRoleProvider::builder(example::ROLE_ARN)
        .build(example::credentials())
        .unwrap_err();
    assert!(format!("{err:#}").contains("no region"), "{err:#}");
}
