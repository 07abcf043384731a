//! The STS-backed credential providers against the emulator (in memory).
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use std::error::Error as _;
use sts_client::StsClient;
use sts_client::credentials::{
    AssumeRoleProvider, SamlProvider, SessionTokenProvider, WebIdentityProvider, mfa_token_source,
};
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
            tokio::spawn(async move { client.get_caller_identity().await.unwrap() })
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

#[tokio::test]
async fn web_identity_provider_reads_the_token_file_at_every_call() {
    let emulator = Emulator::new();
    let dir = std::env::temp_dir().join(format!("sts-webid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token");
    let env_file = file.to_string_lossy().into_owned();
    let env = move |name: &str| match name {
        "AWS_WEB_IDENTITY_TOKEN_FILE" => Some(env_file.clone()),
        "AWS_ROLE_ARN" => Some(example::ROLE_ARN.to_owned()),
        "AWS_ROLE_SESSION_NAME" => Some("pod-7".to_owned()),
        _ => None,
    };
    let provider = WebIdentityProvider::from_env(env, settings(&emulator)).unwrap();

    let err = provider.provide_credentials().await.unwrap_err();
    assert!(
        chain(&err).contains(&format!("cannot read the token file {}", file.display())),
        "{}",
        chain(&err)
    );

    std::fs::write(
        &file,
        emulator.web_identity_token("pod", example::OIDC_AUDIENCE, Duration::from_secs(600)),
    )
    .unwrap();
    let creds = provider.provide_credentials().await.unwrap();
    let as_role = settings(&emulator).credentials(creds).build().unwrap();
    let me = as_role.get_caller_identity().await.unwrap();
    assert_eq!(
        me.arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/example/pod-7")
    );

    // The file is rotated to an expired token, then to a good one: each call reads it.
    std::fs::write(
        &file,
        emulator.web_identity_token("pod", example::OIDC_AUDIENCE, Duration::ZERO),
    )
    .unwrap();
    let text = chain(&provider.provide_credentials().await.unwrap_err());
    assert!(text.contains("web identity provider: STS answered ExpiredTokenException for role arn:aws:iam::123456789012:role/example"), "{text}");
    std::fs::write(
        &file,
        emulator.web_identity_token("pod", example::OIDC_AUDIENCE, Duration::from_secs(600)),
    )
    .unwrap();
    provider.provide_credentials().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    // Not configured: not loaded (a chain moves on); half configured: an error saying what is missing.
    let err = WebIdentityProvider::from_env(|_| None, settings(&emulator)).unwrap_err();
    assert!(matches!(err, CredentialsError::CredentialsNotLoaded(_)));
    let err = WebIdentityProvider::from_env(
        |n| (n == "AWS_WEB_IDENTITY_TOKEN_FILE").then(|| "/tmp/x".to_owned()),
        settings(&emulator),
    )
    .unwrap_err();
    assert!(
        chain(&err).contains("AWS_ROLE_ARN is not"),
        "{}",
        chain(&err)
    );
}

#[tokio::test]
async fn saml_and_session_token_providers() {
    let emulator = Emulator::new();
    let minted = emulator.clone();
    let saml = SamlProvider::new(
        example::ROLE_ARN,
        example::SAML_PROVIDER_ARN,
        Some(Duration::from_secs(1800)),
        move || {
            let assertion = minted.saml_assertion(
                example::SAML_ISSUER,
                "dave",
                example::ROLE_ARN,
                example::SAML_PROVIDER_ARN,
                Duration::from_secs(300),
            );
            async move { Ok(assertion) }
        },
        settings(&emulator),
    )
    .unwrap();
    let creds = saml.provide_credentials().await.unwrap();
    let left = creds
        .expiry()
        .unwrap()
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(
        left <= Duration::from_secs(1800) && left > Duration::from_secs(1790),
        "{left:?}"
    );

    let session = SessionTokenProvider::new(
        example::credentials(),
        Some(Duration::from_secs(3600)),
        Some((
            example::MFA_SERIAL.to_owned(),
            mfa_token_source(|_| async { Ok(example::MFA_CODE.to_owned()) }),
        )),
        settings(&emulator),
    )
    .unwrap();
    let creds = session.provide_credentials().await.unwrap();
    let as_user = settings(&emulator).credentials(creds).build().unwrap();
    let me = as_user.get_caller_identity().await.unwrap();
    assert_eq!(
        me.arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/alice")
    );
    let call = emulator
        .calls()
        .iter()
        .rev()
        .find(|c| c.action.as_deref() == Some("GetSessionToken"))
        .cloned()
        .unwrap();
    assert_eq!(call.param("SerialNumber"), Some(example::MFA_SERIAL));
}

#[tokio::test(start_paused = true)]
async fn ten_thousand_callers_at_expiry_cause_one_assume_role_call() {
    let emulator = Emulator::new();
    let cache = AssumeRoleProvider::builder(example::ROLE_ARN)
        .session_name("fleet")
        .duration(Duration::from_secs(900))
        .client(settings(&emulator))
        .build(example::credentials())
        .unwrap()
        .cached();
    let first = cache.credentials().await.unwrap();
    // Past the credentials' expiry on tokio's (paused) clock.
    tokio::time::advance(Duration::from_secs(901)).await;
    let tasks: Vec<_> = (0..10_000)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.credentials().await.unwrap() })
        })
        .collect();
    for t in tasks {
        assert_ne!(t.await.unwrap().access_key_id(), first.access_key_id());
    }
    let assume_calls = emulator
        .calls()
        .iter()
        .filter(|c| c.action.as_deref() == Some("AssumeRole"))
        .count();
    assert_eq!(assume_calls, 2, "one at start, one for the 10,000 callers");
}
