//! A presigned GetCallerIdentity URL (anyone holding it can ask STS who
//! signed it, without the keys: the basis of "prove your AWS identity"
//! schemes) and an EKS token, checked by the emulator.
//!
//! Run with `cargo run -p sts-examples --example presign`.
#![allow(clippy::print_stdout)]

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sts_client::StsClient;
use sts_client::model::{GetCallerIdentity, GetCallerIdentityInput};
use sts_client::presign::PresignConfig;
use sts_emulator::{Emulator, example};
use tower::ServiceExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::new();
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(emulator.clone())
        .build()?;

    let presigned = client
        .presign::<GetCallerIdentity>(
            &GetCallerIdentityInput::builder().build()?,
            &PresignConfig::new(Duration::from_secs(300))?,
        )
        .await?;
    // The URL carries the signature; print it without it.
    let uri = presigned.uri().to_string();
    let shown = uri.split("&X-Amz-Signature").next().unwrap_or_default();
    println!("presigned URL (signature cut): {shown}&X-Amz-Signature=...");

    // Whoever receives the URL sends it as is: plain GET, no keys.
    let response = emulator
        .clone()
        .oneshot(presigned.to_http_request().map(Full::new))
        .await?;
    let status = response.status();
    let body: Bytes = response.into_body().collect().await?.to_bytes();
    let body = String::from_utf8_lossy(&body);
    let arn = body
        .split("<Arn>")
        .nth(1)
        .and_then(|s| s.split("</Arn>").next())
        .unwrap_or_default();
    println!("STS answered {status}: the URL was signed by {arn}");
    if !status.is_success() || arn != "arn:aws:iam::123456789012:user/alice" {
        return Err("the emulator did not accept the presigned URL".into());
    }

    let token = client.eks_token("demo-cluster").await?;
    println!(
        "EKS token for demo-cluster: {}... ({} characters)",
        &token.token()[..24],
        token.token().len()
    );
    Ok(())
}
