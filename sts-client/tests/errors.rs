//! Errors read well: `{}` names the operation and what happened, `{:#}` adds
//! each cause once, and tower's own timeout is a timeout.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Duration;

use sts_client::credentials::{AssumeRoleProvider, DefaultCredentialsChain};
use sts_client::{ErrorKind, StsClient};
use sts_core::model::*;
use sts_emulator::{Emulator, Fault, example};
use tower::{ServiceBuilder, ServiceExt};

fn client(emulator: &Emulator) -> StsClient {
    StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(emulator.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_service_error_names_operation_code_message_and_request_id() {
    let emulator = Emulator::new();
    let input = AssumeRoleInput::builder()
        .role_arn(example::PARTNER_ROLE_ARN) // wants an external id
        .role_session_name("no-external-id")
        .build()
        .unwrap();
    let err = client(&emulator).assume_role(input).await.unwrap_err();
    let short = format!("{err}");
    let id = err.request_id().unwrap().to_owned();
    assert!(short.starts_with("AssumeRole: AccessDenied: "), "{short}");
    assert!(short.contains(&format!("request id {id}")), "{short}");
    let long = format!("{err:#}");
    assert_eq!(
        long.matches("AccessDenied").count(),
        1,
        "each level once: {long}"
    );
    assert_eq!(err.operation(), Some("AssumeRole"));
}

#[tokio::test]
async fn a_credentials_error_says_each_thing_once() {
    let chain = DefaultCredentialsChain::builder()
        .env(|name| (name == "HOME").then(|| "/nonexistent".to_owned()))
        .load()
        .await
        .unwrap();
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(chain)
        .transport(Emulator::new())
        .build()
        .unwrap();
    let err = client.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert_eq!(
        format!("{err}"),
        "GetCallerIdentity: failed to load credentials"
    );
    let long = format!("{err:#}");
    assert!(
        !long.contains("the credential provider was not enabled"),
        "{long}"
    );
    assert!(!long.contains("setup provider"), "{long}");
    for said_once in [
        "environment provider",
        "profile provider",
        "web identity provider",
    ] {
        assert_eq!(long.matches(said_once).count(), 1, "{said_once}: {long}");
    }
}

#[tokio::test]
async fn kind_says_what_failed_and_code_says_why() {
    // A provider whose own AssumeRole is refused: kind Credentials (the call
    // made never went out), code AccessDenied (why).
    let emulator = Emulator::new();
    let provider = AssumeRoleProvider::builder(example::PARTNER_ROLE_ARN)
        .client(
            StsClient::builder()
                .region("us-east-1")
                .transport(emulator.clone()),
        )
        .build(example::credentials())
        .unwrap();
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(provider)
        .transport(emulator)
        .build()
        .unwrap();
    let err = client.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert_eq!(err.code(), Some("AccessDenied"));
}

#[tokio::test(start_paused = true)]
async fn tower_s_own_timeout_is_a_timeout() {
    let emulator = Emulator::new();
    emulator.inject(Fault::Delay(Duration::from_secs(10)), 10);
    // Inside the stack, as a user layer:
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(emulator.clone())
        .layer(tower::timeout::TimeoutLayer::new(Duration::from_secs(1)))
        .build()
        .unwrap();
    let err = client.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:#}");
    // Around an operation service, classified with sts_layers::stack::classify:
    let svc = ServiceBuilder::new()
        .timeout(Duration::from_secs(1))
        .service(client.operation::<GetCallerIdentity>());
    let err = svc
        .oneshot(GetCallerIdentityInput::default())
        .await
        .unwrap_err();
    assert!(sts_layers::stack::classify(err).is_timeout());
}
