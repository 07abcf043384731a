//! Quickstart: what works so far is the STS model and wire format (sts-core).
//!
//! Builds a validated AssumeRole input, shows the awsQuery body it encodes to,
//! shows a refused input, and decodes a response. Once the client and the
//! emulator land, this runs every operation against the built-in STS emulator.
#![allow(clippy::print_stdout)]

use sts_core::model::{AssumeRole, AssumeRoleInput, Tag};
use sts_core::operation::Operation;

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let input = AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("quickstart")
        .add_tag(Tag::new("team", "payments"))
        .build()?;
    println!("AssumeRole body: {}", AssumeRole::encode(&input));

    let refused = AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("has space")
        .build();
    if let Err(e) = refused {
        println!("refused before sending: {e}");
    }

    let output = AssumeRole::decode(RESPONSE.as_bytes())?;
    println!("decoded: {output:?}");
    Ok(())
}
