//! The `Buffer` trap: a `Buffer` around an operation service, awaited inside
//! `tokio::spawn(async move { .. })`, compiles.
#![allow(clippy::unwrap_used, missing_docs)]

use sts_client::StsClient;
use sts_core::model::*;
use sts_emulator::{Emulator, example};
use tower::{ServiceBuilder, ServiceExt};

#[tokio::test]
async fn a_buffer_around_an_operation_service_runs_in_a_spawned_task() {
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(Emulator::new())
        .build()
        .unwrap();
    let input = AssumeRoleInput::builder()
        .role_arn(example::ROLE_ARN)
        .role_session_name("buffered")
        .build()
        .unwrap();
    let task = tokio::spawn(async move {
        ServiceBuilder::new()
            .buffer(64)
            .service(client.operation::<AssumeRole>())
            .oneshot(input)
            .await
    });
    assert!(task.await.unwrap().is_ok());
}
