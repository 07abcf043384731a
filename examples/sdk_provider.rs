//! Our credential providers in an AWS SDK for Rust client, and the SDK's
//! provider types as our sources.
//!
//! An `aws_sdk_sts` client gets its credentials from our `AssumeRoleProvider`
//! (behind our `CredentialsCache`); the role is assumed with a source
//! provider of the SDK's own type. The SDK client talks to the STS emulator
//! through a small `HttpClient` adapter, so the example runs without AWS: it
//! prints the caller the SDK sees, the assumed role.
//!
//! Run with `cargo run -p sts-examples --example sdk_provider`.
#![allow(clippy::print_stdout)]

use aws_sdk_sts::config::{Region, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sts_client::StsClient;
use sts_client::credentials::AssumeRoleProvider;
use sts_emulator::{Emulator, example};
use tower::ServiceExt;

/// The SDK's HTTP client trait over the emulator (any tower service would do).
#[derive(Debug, Clone)]
struct EmulatorHttpClient(Emulator);

impl HttpConnector for EmulatorHttpClient {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let emulator = self.0.clone();
        HttpConnectorFuture::new(async move {
            let request = request
                .try_into_http1x()
                .map_err(|e| ConnectorError::other(e.into(), None))?;
            let (parts, body) = request.into_parts();
            let body = Bytes::copy_from_slice(body.bytes().unwrap_or_default());
            let response = emulator
                .oneshot(http::Request::from_parts(parts, Full::new(body)))
                .await
                .map_err(|e| ConnectorError::io(e.into()))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| ConnectorError::io(e.into()))?
                .to_bytes();
            HttpResponse::try_from(http::Response::from_parts(parts, SdkBody::from(body)))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

impl HttpClient for EmulatorHttpClient {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::new();

    // The SDK's provider type as our source...
    let source = SharedCredentialsProvider::new(example::credentials());
    // ...and our AssumeRole provider, cached, as the SDK client's credentials.
    let role = AssumeRoleProvider::builder(example::ROLE_ARN)
        .session_name("sdk-example")
        .client(
            StsClient::builder()
                .region("us-east-1")
                .transport(emulator.clone()),
        )
        .build(source)?
        .cached();

    let config = aws_sdk_sts::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(role)
        .http_client(EmulatorHttpClient(emulator.clone()))
        .endpoint_url("https://sts.emulator.invalid")
        .build();
    let sdk = aws_sdk_sts::Client::from_conf(config);

    for _ in 0..3 {
        let me = sdk.get_caller_identity().send().await?;
        println!(
            "the AWS SDK client calls as {}",
            me.arn().unwrap_or_default()
        );
        if me.arn() != Some("arn:aws:sts::123456789012:assumed-role/example/sdk-example") {
            return Err("the SDK did not use the assumed role".into());
        }
    }
    let assumed = emulator
        .calls()
        .iter()
        .filter(|c| c.action.as_deref() == Some("AssumeRole"))
        .count();
    println!("3 SDK calls, {assumed} AssumeRole call (the cache served the rest)");
    if assumed != 1 {
        return Err("expected one AssumeRole call".into());
    }
    Ok(())
}
