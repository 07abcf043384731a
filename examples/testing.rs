//! Testing code that calls STS, two ways: the canned-answer transport of
//! `sts_client::testing` (feature `test-util`: statuses and STS's XML in,
//! every request recorded, for unit tests of your error handling; no HTTP
//! crate of your own) and the emulator (real signatures, real credentials,
//! faults).
//!
//! Run with `cargo run -p sts-examples --example testing`.
#![allow(clippy::print_stdout)]

use sts_client::StsClient;
use sts_client::model::{GetCallerIdentity, GetCallerIdentityOutput};
use sts_client::testing::{CannedTransport, error_xml, output_xml};
use sts_emulator::{Emulator, Fault, example};

/// The code under test: which account are we in?
async fn account_of(client: &StsClient) -> Result<String, sts_client::Error> {
    let me = client.get_caller_identity().await?;
    Ok(me.account.unwrap_or_default())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Canned answers: the XML STS would send, written for you.
    let mut me = GetCallerIdentityOutput::default();
    me.account = Some("999999999999".into());
    me.arn = Some("arn:aws:iam::999999999999:user/mock".into());
    let mock = CannedTransport::new()
        .answer(200, output_xml::<GetCallerIdentity>(&me))
        .answer(
            403,
            error_xml(
                "ExpiredToken",
                "The security token included in the request is expired",
            ),
        );
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(mock.clone())
        .build()?;
    let account = account_of(&client).await?;
    println!("with canned answers: account {account}");
    assert_eq!(account, "999999999999");
    let expired = account_of(&client)
        .await
        .err()
        .ok_or("the second answer is an error")?;
    assert_eq!(expired.code(), Some("ExpiredToken"));
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(
        mock.requests()[0].action().as_deref(),
        Some("GetCallerIdentity")
    );

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
