//! Quickstart: an AssumeRole call through the whole tower stack of `sts-layers`
//! (endpoint, retry, signing, body limit, decoding) over an in-memory transport
//! that plays STS: it throttles the first attempt and answers the second.
//!
//! Once the client and the emulator land, this runs every operation against the
//! built-in STS emulator over loopback.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sts_core::endpoint::EndpointParams;
use sts_core::model::{AssumeRole, AssumeRoleInput, Tag};
use sts_layers::BoxError;
use sts_layers::operation::OperationService;
use sts_layers::retry::RetryConfig;
use sts_layers::stack::StackBuilder;
use tower::{ServiceExt, service_fn};

const RESPONSE: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAQUICKSTART00001</AccessKeyId>
      <SecretAccessKey>not-a-real-secret</SecretAccessKey>
      <SessionToken>not-a-real-token</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAQUICKSTART:quickstart</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/quickstart</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;

const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
    <Message>Rate exceeded</Message></Error><RequestId>throttled-1</RequestId></ErrorResponse>";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A transport that plays STS in memory.
    let attempts = Arc::new(AtomicU32::new(0));
    let seen = attempts.clone();
    let fake_sts = service_fn(move |req: http::Request<Full<Bytes>>| {
        let attempt = seen.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            let (parts, body) = req.into_parts();
            let body = body.collect().await?.to_bytes();
            let auth = parts.headers["authorization"].to_str()?;
            println!(
                "attempt {attempt}: POST {} ({}), {} bytes, signed {}...",
                parts.uri,
                parts.headers["amz-sdk-request"].to_str()?,
                body.len(),
                &auth[..auth.find("SignedHeaders").unwrap_or(auth.len())]
            );
            let (status, xml) = if attempt == 1 {
                (400, THROTTLED)
            } else {
                (200, RESPONSE)
            };
            let mut resp = http::Response::new(Full::new(Bytes::from_static(xml.as_bytes())));
            *resp.status_mut() = http::StatusCode::from_u16(status)?;
            Ok::<_, BoxError>(resp)
        }
    });

    let credentials =
        Credentials::new("AKIDEXAMPLE", "not-a-real-secret", None, None, "quickstart");
    let http = StackBuilder::new(&EndpointParams::new("eu-west-1"))?
        .credentials(SharedCredentialsProvider::new(credentials))
        .retry(RetryConfig::standard().initial_backoff(Duration::from_millis(50)))
        .operation_timeout(Some(Duration::from_secs(10)))
        .build(fake_sts);
    let assume_role = OperationService::<AssumeRole, _>::new(http);

    // Refused before anything is sent.
    let bad = AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("has space")
        .build_unchecked();
    if let Err(err) = assume_role.clone().oneshot(bad).await {
        println!("refused before sending: {err:#}");
    }

    let input = AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("quickstart")
        .add_tag(Tag::new("team", "payments"))
        .build()?;
    let output = assume_role.oneshot(input).await?;
    println!(
        "after {} attempts: {output:?}",
        attempts.load(Ordering::SeqCst)
    );
    Ok(())
}
