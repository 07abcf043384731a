//! Property tests: every valid input encodes to a body that reads back to the
//! same input; every output written as STS's XML decodes back to itself;
//! every invalid input is refused before anything is sent.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::Full;
use proptest::prelude::*;
use sts_core::model::*;
use sts_core::operation::Operation;
use sts_core::query::parse_form;
use sts_core::xml::encode_response;

const WORD: &str = "[A-Za-z0-9_+=,.@-]";

fn re(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
    proptest::string::string_regex(pattern).unwrap()
}

fn arn() -> impl Strategy<Value = String> {
    ("[0-9]{12}", re(&format!("{WORD}{{1,64}}")))
        .prop_map(|(acct, name)| format!("arn:aws:iam::{acct}:role/{name}"))
}

fn tag() -> impl Strategy<Value = Tag> {
    // Letters (any script), numbers, separators and _.:/=+-@.
    let chars = "[a-zA-Z0-9é日ßΩ _.:/=+@-]";
    (
        re(&format!("{chars}{{1,128}}")),
        re(&format!("{chars}{{0,256}}")),
    )
        .prop_map(|(k, v)| Tag::new(k, v))
}

fn policy() -> impl Strategy<Value = String> {
    // Tab, newlines and Latin-1, as the model allows.
    "[\\t\\n\\r\\x20-\\x7e\\u{a0}-\\u{ff}]{1,300}"
}

prop_compose! {
    fn assume_role_input()(
        role_arn in arn(),
        session in re(&format!("{WORD}{{2,64}}")),
        policy in proptest::option::of(policy()),
        duration in proptest::option::of(900..=43_200i32),
        tags in proptest::option::of(proptest::collection::vec(tag(), 0..8)),
        transitive in proptest::option::of(proptest::collection::vec("[a-z]{1,20}", 0..5)),
        external_id in proptest::option::of("[A-Za-z0-9_+=,.@:/-]{2,100}"),
        source_identity in proptest::option::of(re(&format!("{WORD}{{2,64}}"))),
        policy_arns in proptest::option::of(proptest::collection::vec(arn(), 0..4)),
    ) -> AssumeRoleInput {
        AssumeRoleInput::builder()
            .role_arn(role_arn)
            .role_session_name(session)
            .set_policy(policy)
            .set_duration_seconds(duration)
            .set_tags(tags)
            .set_transitive_tag_keys(transitive)
            .set_external_id(external_id)
            .set_source_identity(source_identity)
            .set_policy_arns(policy_arns.map(|v| v.into_iter().map(PolicyDescriptorType::from).collect()))
            .build_unchecked()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn valid_inputs_read_back_from_their_body(input in assume_role_input()) {
        prop_assert!(input.validate().is_ok(), "{:?}", input.validate());
        let body = AssumeRole::encode(&input);
        let back = AssumeRoleInput::from_query(&parse_form(&body)).unwrap();
        prop_assert_eq!(back, input);
    }

    #[test]
    fn federation_and_web_identity_inputs_read_back(
        name in re(&format!("{WORD}{{2,32}}")),
        policy in proptest::option::of(policy()),
        token in "[A-Za-z0-9._-]{4,500}",
        session in re(&format!("{WORD}{{2,64}}")),
        role in arn(),
    ) {
        let fed = GetFederationTokenInput::builder().name(name).set_policy(policy).build().unwrap();
        prop_assert_eq!(GetFederationTokenInput::from_query(&parse_form(&GetFederationToken::encode(&fed))).unwrap(), fed);
        let web = AssumeRoleWithWebIdentityInput::builder().role_arn(role).role_session_name(session).web_identity_token(token).build().unwrap();
        prop_assert_eq!(AssumeRoleWithWebIdentityInput::from_query(&parse_form(&AssumeRoleWithWebIdentity::encode(&web))).unwrap(), web);
    }

    #[test]
    fn outputs_decode_back_from_their_xml(
        key in "[A-Z0-9]{16,32}",
        secret in "[\\PC]{1,60}",
        token in "[\\PC]{1,300}",
        arn in "[\\PC]{1,100}",
        source in proptest::option::of("[\\PC]{0,64}"),
        packed in proptest::option::of(0..=100i32),
        secs in 0u64..4_000_000_000,
    ) {
        let mut out = AssumeRoleOutput::default();
        let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        out.credentials = Some(Credentials::new(key, secret, Some(token), Some(expiry), "sts"));
        out.assumed_role_user = Some(AssumedRoleUser::new("AROA:x", arn));
        out.source_identity = source;
        out.packed_policy_size = packed;
        let xml = encode_response(&out, "req");
        let back = AssumeRole::decode(xml.as_bytes()).unwrap();
        out.request_id = Some("req".into());
        prop_assert_eq!(back, out);
    }
}

/// Anything for the session name: most of it is invalid.
fn any_session_name() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,80}", "[ -~]{0,80}", re(&format!("{WORD}{{2,64}}"))]
}

#[test]
fn invalid_inputs_are_refused_before_sending() {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let transport = tower::service_fn(move |_req: http::Request<Full<Bytes>>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from_static(
                b"<x/>",
            ))))
        }
    });
    let client = sts_client::StsClient::builder()
        .region("us-east-1")
        .credentials(aws_credential_types::Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "t",
        ))
        .retry(sts_layers::retry::RetryConfig::disabled())
        .transport(transport)
        .build()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(512));
    let refused = std::cell::Cell::new(0usize);
    runner
        .run(
            &(
                any_session_name(),
                proptest::option::of(-100_000..100_000i32),
            ),
            |(session, duration)| {
                let input = AssumeRoleInput::builder()
                    .role_arn("arn:aws:iam::123456789012:role/example")
                    .role_session_name(session)
                    .set_duration_seconds(duration)
                    .build_unchecked();
                if input.validate().is_ok() {
                    return Ok(());
                }
                refused.set(refused.get() + 1);
                let before = sent.load(Ordering::SeqCst);
                let err = rt.block_on(client.assume_role(input)).unwrap_err();
                prop_assert_eq!(err.kind(), sts_core::ErrorKind::Validation);
                prop_assert_eq!(
                    sent.load(Ordering::SeqCst),
                    before,
                    "an invalid input was sent"
                );
                Ok(())
            },
        )
        .unwrap();
    let refused = refused.get();
    assert!(refused > 100, "only {refused} invalid inputs generated");
}
