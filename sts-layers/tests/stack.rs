//! The whole stack assembled over a mock transport: for every operation, what
//! reaches the transport (URI, headers, signature, body) and what comes back;
//! then retry, clock skew, user layers and timeouts through the assembled stack.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use http_body_util::Full;
use sts_core::model::*;
use sts_core::operation::Operation;
use sts_layers::BoxError;
use sts_layers::operation::OperationService;
use sts_layers::retry::RetryConfig;
use sts_layers::sigv4::{ClockSkew, sign_request};
use sts_layers::stack::{HttpService, InsertionPoint, StackConfig};
use support::*;
use tower::{ServiceExt, service_fn};

/// Sends `input` through the stack and checks everything the transport saw.
async fn check_operation<O: Operation>(input: O::Input) {
    let (transport, seen) = transport(Arc::new(|_, _| success(O::NAME)));
    let http = config("eu-west-1").build(transport).unwrap();
    let output = OperationService::<O, _>::new(http)
        .oneshot(input.clone())
        .await
        .unwrap_or_else(|e| panic!("{}: {e:#}", O::NAME));
    assert!(
        format!("{output:?}").contains(&format!("req-{}", O::NAME)),
        "{}: request id decoded",
        O::NAME
    );

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{}", O::NAME);
    let req = &seen[0];
    assert_eq!(req.method(), http::Method::POST);
    assert_eq!(req.uri(), "https://sts.eu-west-1.amazonaws.com/");
    assert_eq!(req.body().as_ref(), O::encode(&input).as_bytes());
    assert!(
        req.body()
            .starts_with(format!("Action={}&Version=2011-06-15", O::NAME).as_bytes())
    );
    let h = req.headers();
    assert_eq!(
        h["content-type"],
        "application/x-www-form-urlencoded; charset=utf-8"
    );
    assert!(h["user-agent"].to_str().unwrap().starts_with("sts-tower/"));
    assert_eq!(h["amz-sdk-request"], "attempt=1; max=3");
    assert_eq!(h["amz-sdk-invocation-id"].len(), 36);
    if O::SIGNED {
        assert_eq!(h["x-amz-date"], "20150830T123600Z");
        assert_eq!(h["x-amz-security-token"], "session-token");
        // Signing the same request again gives the same signature.
        let mut again = req.clone_for_test();
        for name in ["authorization", "x-amz-date", "x-amz-security-token"] {
            again.headers_mut().remove(name);
        }
        sign_request(
            &mut again,
            &credentials(),
            "eu-west-1",
            UNIX_EPOCH + Duration::from_secs(FIXED),
        )
        .unwrap();
        assert_eq!(
            h["authorization"],
            again.headers()["authorization"],
            "{}",
            O::NAME
        );
        let auth = h["authorization"].to_str().unwrap();
        assert!(auth.contains("/20150830/eu-west-1/sts/aws4_request"));
        assert!(auth.contains("amz-sdk-invocation-id;amz-sdk-request;content-type;host"));
    } else {
        for name in ["authorization", "x-amz-date", "x-amz-security-token"] {
            assert!(!h.contains_key(name), "{} sent {name}", O::NAME);
        }
    }
}

#[tokio::test]
async fn every_operation_reaches_the_transport_signed_or_not_as_the_model_says() {
    check_operation::<AssumeRole>(
        AssumeRoleInput::builder()
            .role_arn(ROLE)
            .role_session_name("session")
            .add_tag(Tag::new("team", "a b"))
            .build()
            .unwrap(),
    )
    .await;
    check_operation::<AssumeRoleWithSAML>(
        AssumeRoleWithSAMLInput::builder()
            .role_arn(ROLE)
            .principal_arn("arn:aws:iam::123456789012:saml-provider/idp")
            .saml_assertion("PHNhbWw+")
            .build()
            .unwrap(),
    )
    .await;
    check_operation::<AssumeRoleWithWebIdentity>(
        AssumeRoleWithWebIdentityInput::builder()
            .role_arn(ROLE)
            .role_session_name("web")
            .web_identity_token("eyJ0.e30.sig")
            .build()
            .unwrap(),
    )
    .await;
    check_operation::<AssumeRoot>(
        AssumeRootInput::builder()
            .target_principal("111122223333")
            .task_policy_arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")
            .build()
            .unwrap(),
    )
    .await;
    check_operation::<DecodeAuthorizationMessage>(
        DecodeAuthorizationMessageInput::builder()
            .encoded_message("abc+/=")
            .build()
            .unwrap(),
    )
    .await;
    check_operation::<GetAccessKeyInfo>(
        GetAccessKeyInfoInput::builder()
            .access_key_id("AKIAIOSFODNN7EXAMPLE")
            .build()
            .unwrap(),
    )
    .await;
    check_operation::<GetCallerIdentity>(GetCallerIdentityInput::default()).await;
    check_operation::<GetDelegatedAccessToken>(
        GetDelegatedAccessTokenInput::builder()
            .trade_in_token("tok")
            .build()
            .unwrap(),
    )
    .await;
    check_operation::<GetFederationToken>(
        GetFederationTokenInput::builder()
            .name("Bob")
            .build()
            .unwrap(),
    )
    .await;
    check_operation::<GetSessionToken>(GetSessionTokenInput::default()).await;
    check_operation::<GetWebIdentityToken>(
        GetWebIdentityTokenInput::builder()
            .audience(["https://a.example"])
            .signing_algorithm("RS256")
            .build()
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn invalid_input_never_reaches_the_transport() {
    let (transport, seen) = transport(Arc::new(|_, _| success("AssumeRole")));
    let http = config("eu-west-1").build(transport).unwrap();
    let input = AssumeRoleInput::builder()
        .role_arn(ROLE)
        .role_session_name("has space")
        .build_unchecked();
    let err = OperationService::<AssumeRole, _>::new(http)
        .oneshot(input)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), sts_core::ErrorKind::Validation);
    assert_eq!(err.validation_error().unwrap().member(), "RoleSessionName");
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_503_is_retried_with_the_same_invocation_id_and_a_fresh_signature() {
    let (transport, seen) = transport(Arc::new(|i, _| {
        if i == 0 {
            error(503, "ServiceUnavailable", &[])
        } else {
            success("GetCallerIdentity")
        }
    }));
    let http = config("us-east-1").build(transport).unwrap();
    OperationService::<GetCallerIdentity, _>::new(http)
        .oneshot(GetCallerIdentityInput::default())
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    let (a, b) = (seen[0].headers(), seen[1].headers());
    assert_eq!(a["amz-sdk-invocation-id"], b["amz-sdk-invocation-id"]);
    assert_eq!(a["amz-sdk-request"], "attempt=1; max=3");
    assert_eq!(b["amz-sdk-request"], "attempt=2; max=3");
    // amz-sdk-request is signed, so the second signature differs.
    assert_ne!(a["authorization"], b["authorization"]);
}

#[tokio::test]
async fn access_denied_is_sent_once_and_keeps_its_code_and_request_id() {
    let (transport, seen) = transport(Arc::new(|_, _| error(403, "AccessDenied", &[])));
    let http = config("us-east-1").build(transport).unwrap();
    let err = OperationService::<GetSessionToken, _>::new(http)
        .oneshot(GetSessionTokenInput::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), sts_core::ErrorKind::Service);
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(err.request_id(), Some("err-1"));
    assert_eq!(seen.lock().unwrap().len(), 1);
}

fn amz_date_to_system_time(v: &http::HeaderValue) -> SystemTime {
    let s = v.to_str().unwrap();
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..15]
    );
    sts_core::xml::parse_timestamp(&rfc3339).unwrap()
}

#[tokio::test]
async fn a_clock_skew_error_is_retried_with_the_server_time() {
    let server_ahead = Duration::from_secs(2 * 3600);
    let (transport, seen) = transport(Arc::new(move |i, _| {
        if i == 0 {
            let date = httpdate::fmt_http_date(SystemTime::now() + server_ahead);
            error(403, "SignatureDoesNotMatch", &[("date", date)])
        } else {
            success("GetCallerIdentity")
        }
    }));
    let skew = ClockSkew::new();
    let http = StackConfig {
        credentials: Some(SharedCredentialsProvider::new(credentials())),
        clock_skew: skew.clone(),
        retry: RetryConfig::standard().initial_backoff(Duration::from_millis(1)),
        ..StackConfig::for_region("us-east-1")
    }
    .build(transport)
    .unwrap();
    OperationService::<GetCallerIdentity, _>::new(http)
        .oneshot(GetCallerIdentityInput::default())
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    let first = amz_date_to_system_time(&seen[0].headers()["x-amz-date"]);
    let second = amz_date_to_system_time(&seen[1].headers()["x-amz-date"]);
    let moved = second.duration_since(first).unwrap();
    assert!(
        moved > server_ahead - Duration::from_secs(5)
            && moved < server_ahead + Duration::from_secs(5),
        "{moved:?}"
    );
    assert!((skew.offset_millis() - 7_200_000).abs() < 5_000);
}

#[tokio::test]
async fn a_real_signature_error_is_not_retried() {
    let (transport, seen) = transport(Arc::new(|_, _| {
        let date = httpdate::fmt_http_date(SystemTime::now());
        error(403, "SignatureDoesNotMatch", &[("date", date)])
    }));
    let http = config("us-east-1").build(transport).unwrap();
    let err = OperationService::<GetCallerIdentity, _>::new(http)
        .oneshot(GetCallerIdentityInput::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(seen.lock().unwrap().len(), 1);
}

/// A user layer that adds a header, as a tower `Layer<HttpService>`.
#[derive(Clone)]
struct AddHeader(&'static str);

impl tower::Layer<HttpService> for AddHeader {
    type Service = HttpService;

    fn layer(&self, inner: HttpService) -> HttpService {
        let name = self.0;
        HttpService::new(tower::util::MapRequest::new(
            inner,
            move |mut req: http::Request<Bytes>| {
                req.headers_mut()
                    .insert(name, http::HeaderValue::from_static("1"));
                req
            },
        ))
    }
}

#[tokio::test]
async fn user_layers_sit_where_their_names_say() {
    let seen_after_signing: Arc<Mutex<Vec<bool>>> = Arc::default();
    let flag = seen_after_signing.clone();
    let (transport, seen) = transport(Arc::new(|_, _| success("GetCallerIdentity")));
    let mut config = config("us-east-1");
    config.push_layer(InsertionPoint::Operation, AddHeader("x-op-layer"));
    config.push_layer(InsertionPoint::BeforeSigning, AddHeader("x-before-signing"));
    config.push_layer(
        InsertionPoint::AfterSigning,
        tower::layer::layer_fn(move |inner: HttpService| {
            let flag = flag.clone();
            HttpService::new(tower::util::MapRequest::new(
                inner,
                move |req: http::Request<Bytes>| {
                    flag.lock()
                        .unwrap()
                        .push(req.headers().contains_key("authorization"));
                    req
                },
            ))
        }),
    );
    config.push_layer(InsertionPoint::AfterSigning, AddHeader("x-after-signing"));
    let http = config.build(transport).unwrap();
    OperationService::<GetCallerIdentity, _>::new(http)
        .oneshot(GetCallerIdentityInput::default())
        .await
        .unwrap();
    assert_eq!(*seen_after_signing.lock().unwrap(), [true]);
    let seen = seen.lock().unwrap();
    let h = seen[0].headers();
    let auth = h["authorization"].to_str().unwrap();
    // Headers added before signing are signed; after signing, not.
    assert!(auth.contains("x-before-signing"), "{auth}");
    assert!(auth.contains("x-op-layer"), "{auth}");
    assert!(!auth.contains("x-after-signing"), "{auth}");
    assert!(h.contains_key("x-after-signing"));
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_a_transport_that_never_answers() {
    let never = service_fn(|_req: http::Request<Full<Bytes>>| async {
        std::future::pending::<Result<http::Response<Full<Bytes>>, BoxError>>().await
    });
    let http = StackConfig {
        attempt_timeout: Some(Duration::from_secs(2)),
        operation_timeout: Some(Duration::from_secs(3)),
        ..config("us-east-1")
    }
    .build(never)
    .unwrap();
    let start = tokio::time::Instant::now();
    let err = OperationService::<GetCallerIdentity, _>::new(http)
        .oneshot(GetCallerIdentityInput::default())
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}

#[tokio::test]
async fn signed_operations_without_credentials_fail_before_sending() {
    let (transport, seen) = transport(Arc::new(|_, _| success("GetCallerIdentity")));
    let http = StackConfig::for_region("us-east-1")
        .build(transport)
        .unwrap();
    let err = OperationService::<GetCallerIdentity, _>::new(http.clone())
        .oneshot(GetCallerIdentityInput::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), sts_core::ErrorKind::Credentials);
    assert!(!err.is_retryable());
    assert!(seen.lock().unwrap().is_empty());
    // Unsigned operations still work.
    let (transport, _) = self::transport(Arc::new(|_, _| success("AssumeRoleWithWebIdentity")));
    let http = StackConfig::for_region("us-east-1")
        .build(transport)
        .unwrap();
    OperationService::<AssumeRoleWithWebIdentity, _>::new(http)
        .oneshot(
            AssumeRoleWithWebIdentityInput::builder()
                .role_arn(ROLE)
                .role_session_name("web")
                .web_identity_token("eyJ0.e30.sig")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
}
