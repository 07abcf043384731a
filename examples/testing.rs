//! Testing code that calls STS, two ways: a mock transport (a
//! `tower::service_fn` answering canned XML, for unit tests of your error
//! handling) and the emulator (real signatures, real credentials, faults).
//!
//! Run with `cargo run -p sts-examples --example testing`.
#![allow(clippy::print_stdout)]

use bytes::Bytes;
use http_body_util::Full;
use sts_client::StsClient;
use sts_client::model::GetCallerIdentityInput;
use sts_emulator::{Emulator, Fault, example};

/// The code under test: which account are we in?
async fn account_of(client: &StsClient) -> Result<String, sts_client::Error> {
    let me = client
        .get_caller_identity(GetCallerIdentityInput::builder().build()?)
        .await?;
    Ok(me.account.unwrap_or_default())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. A mock transport: any tower service from request to response.
    let mock = tower::service_fn(|_req: http::Request<Full<Bytes>>| async {
        let xml = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::999999999999:user/mock</Arn>
  <UserId>AIDAMOCK</UserId><Account>999999999999</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>mock-1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;
        Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from_static(
            xml.as_bytes(),
        ))))
    });
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(mock)
        .build()?;
    let account = account_of(&client).await?;
    println!("with a mock transport: account {account}");
    assert_eq!(account, "999999999999");

    // 2. The emulator: signatures are checked, faults can be injected.
    let emulator = Emulator::new();
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(emulator.clone())
        .build()?;
    emulator.inject(Fault::Throttle, 2); // the code under test must survive throttling
    let account = account_of(&client).await?;
    let calls = emulator.calls();
    println!(
        "with the emulator: account {account} after {} attempts ({} throttled)",
        calls.len(),
        calls
            .iter()
            .filter(|c| c.error_code.as_deref() == Some("Throttling"))
            .count()
    );
    assert_eq!(account, example::ACCOUNT_ID);
    assert_eq!(calls.len(), 3);

    // A wrong secret is caught as it would be by AWS.
    let wrong = StsClient::builder()
        .region("us-east-1")
        .credentials(aws_credential_types::Credentials::new(
            example::ACCESS_KEY_ID,
            "wrong",
            None,
            None,
            "test",
        ))
        .transport(emulator.clone())
        .build()?;
    let err = account_of(&wrong)
        .await
        .err()
        .ok_or("a wrong secret must fail")?;
    println!("a wrong secret: {}", err.code().unwrap_or_default());
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    Ok(())
}
