//! The server-side wire format (feature `server`): inputs read back from the
//! query they encode to, outputs and errors written as XML and decoded back.
#![cfg(feature = "server")]
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime};

use sts_core::model::*;
use sts_core::operation::Operation;
use sts_core::query::parse_form;
use sts_core::xml::{encode_error_response, encode_response, parse_error_response};

fn roundtrip_input<O: Operation>(input: &O::Input, read: fn(&[(String, String)]) -> O::Input)
where
    O::Input: PartialEq,
{
    let body = O::encode(input);
    let params = parse_form(&body);
    assert_eq!(&read(&params), input, "{body}");
}

#[test]
fn inputs_read_back_from_their_query() {
    let input = AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("s@x=1,y.z")
        .policy("{\"Statement\": [\"<&>\"]} é")
        .duration_seconds(43200)
        .add_tag(Tag::new("team", "pay ments"))
        .add_tag(Tag::new("env", ""))
        .add_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .transitive_tag_keys(["team", "env"])
        .external_id("ext:/id")
        .serial_number("arn:aws:iam::123456789012:mfa/alice")
        .token_code("123456")
        .source_identity("alice")
        .add_provided_context(
            ProvidedContext::new()
                .with_provider_arn("arn:aws:iam::aws:contextProvider/IdentityCenter")
                .with_context_assertion("assertion"),
        )
        .minimum_session_token_size(0)
        .build()
        .unwrap();
    roundtrip_input::<AssumeRole>(&input, |p| AssumeRoleInput::from_query(p).unwrap());

    let input = AssumeRootInput::builder()
        .target_principal("111122223333")
        .task_policy_arn(
            PolicyDescriptorType::new()
                .with_arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
        )
        .duration_seconds(900)
        .build()
        .unwrap();
    roundtrip_input::<AssumeRoot>(&input, |p| AssumeRootInput::from_query(p).unwrap());

    // An explicitly empty list stays an empty list, not an absent one.
    let input = GetFederationTokenInput::builder()
        .name("bob")
        .set_policy_arns(Some(Vec::new()))
        .build()
        .unwrap();
    roundtrip_input::<GetFederationToken>(&input, |p| {
        GetFederationTokenInput::from_query(p).unwrap()
    });

    let input = GetCallerIdentityInput::builder().build().unwrap();
    roundtrip_input::<GetCallerIdentity>(&input, |p| {
        GetCallerIdentityInput::from_query(p).unwrap()
    });
}

#[test]
fn list_items_out_of_order_and_unknown_parameters() {
    let params = parse_form(
        "Action=AssumeRole&Tags.member.2.Key=b&Tags.member.1.Value=1&Tags.member.2.Value=2&Tags.member.1.Key=a&Unknown=x&Tags.member.1.Colour=red",
    );
    let input = AssumeRoleInput::from_query(&params).unwrap();
    assert_eq!(
        input.tags,
        Some(vec![Tag::new("a", "1"), Tag::new("b", "2")])
    );
    assert_eq!(input.role_arn, None);
}

#[test]
fn bad_parameters_name_the_parameter() {
    let err = AssumeRoleInput::from_query(&parse_form("DurationSeconds=12x")).unwrap_err();
    assert_eq!(err.param(), "DurationSeconds");
    assert!(err.reason().contains("not a 32-bit integer"), "{err}");

    for bad in [
        "Tags.member.0.Key=a",
        "Tags.member.1001.Key=a",
        "Tags.member.x.Key=a",
    ] {
        let err = AssumeRoleInput::from_query(&parse_form(bad)).unwrap_err();
        assert!(err.param().starts_with("Tags.member."), "{err}");
        assert!(err.to_string().contains("list index"), "{err}");
    }
}

#[test]
fn outputs_decode_back_from_the_xml_they_write() {
    let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let mut out = AssumeRoleOutput::default();
    out.credentials = Some(Credentials::new(
        "ASIAEXAMPLE",
        "se<cr>et&",
        Some("tok".into()),
        Some(expiry),
        "sts",
    ));
    out.assumed_role_user = Some(AssumedRoleUser::new(
        "AROA123:s",
        "arn:aws:sts::123456789012:assumed-role/demo/s",
    ));
    out.packed_policy_size = Some(7);
    out.source_identity = Some("alice & <bob>".into());
    let xml = encode_response(&out, "req-1");
    assert!(
        xml.starts_with("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<SecretAccessKey>se&lt;cr&gt;et&amp;</SecretAccessKey>"),
        "{xml}"
    );
    let back = AssumeRole::decode(xml.as_bytes()).unwrap();
    out.request_id = Some("req-1".into());
    assert_eq!(back, out);

    let mut out = GetCallerIdentityOutput::default();
    out.arn = Some("arn:aws:iam::123456789012:user/alice".into());
    out.account = Some("123456789012".into());
    out.user_id = Some("AIDAEXAMPLE".into());
    let back = GetCallerIdentity::decode(encode_response(&out, "r").as_bytes()).unwrap();
    assert_eq!(back.arn, out.arn);
    assert_eq!(back.user_id, out.user_id);
    assert_eq!(back.request_id.as_deref(), Some("r"));

    let mut out = GetFederationTokenOutput::default();
    out.federated_user = Some(FederatedUser::new(
        "123456789012:bob",
        "arn:aws:sts::123456789012:federated-user/bob",
    ));
    let back = GetFederationToken::decode(encode_response(&out, "r").as_bytes()).unwrap();
    assert_eq!(back.federated_user, out.federated_user);
}

#[test]
fn error_responses_parse_back() {
    let xml = encode_error_response("Sender", "SignatureDoesNotMatch", "a <b> & c", "req-9");
    let err = parse_error_response(xml.as_bytes(), Some(403)).unwrap();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    assert_eq!(err.message(), Some("a <b> & c"));
    assert_eq!(err.error_type(), Some("Sender"));
    assert_eq!(err.request_id(), Some("req-9"));
}
