//! StsClient over an in-memory transport: every operation method, the
//! operation services in a user's ServiceBuilder, settings from the environment.
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_credential_types::Credentials;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sts_client::{ErrorKind, StsClient};
use sts_core::model::*;
use sts_layers::BoxError;
use tower::{Service, ServiceBuilder, ServiceExt};

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";

/// Answers every action with an empty result carrying the action's name as the
/// request id; records the URIs it was sent to.
fn fake_sts(
    uris: Arc<std::sync::Mutex<Vec<String>>>,
) -> impl Service<
    http::Request<Full<Bytes>>,
    Response = http::Response<Full<Bytes>>,
    Error = BoxError,
    Future: Send,
> + Clone
+ Send
+ Sync
+ 'static {
    tower::service_fn(move |req: http::Request<Full<Bytes>>| {
        let uris = uris.clone();
        async move {
            uris.lock().unwrap().push(req.uri().to_string());
            let body = req.into_body().collect().await?.to_bytes();
            let body = std::str::from_utf8(&body)?.to_owned();
            let action = body["Action=".len()..]
                .split('&')
                .next()
                .unwrap_or("")
                .to_owned();
            let xml = format!(
                "<{action}Response><{action}Result/><ResponseMetadata><RequestId>{action}</RequestId>\
                 </ResponseMetadata></{action}Response>"
            );
            Ok::<_, BoxError>(http::Response::new(Full::new(Bytes::from(xml))))
        }
    })
}

fn client(uris: &Arc<std::sync::Mutex<Vec<String>>>) -> StsClient {
    StsClient::builder()
        .region("eu-central-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "SECRETKEY",
            None,
            None,
            "test",
        ))
        .transport(fake_sts(uris.clone()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_operation_method_round_trips() {
    let uris = Arc::default();
    let c = client(&uris);
    macro_rules! check {
        ($call:expr, $name:literal) => {{
            let out = $call.await.unwrap_or_else(|e| panic!("{}: {e:#}", $name));
            assert_eq!(out.request_id.as_deref(), Some($name));
        }};
    }
    check!(
        c.assume_role(
            AssumeRoleInput::builder()
                .role_arn(ROLE)
                .role_session_name("s1")
                .build()
                .unwrap()
        ),
        "AssumeRole"
    );
    check!(
        c.assume_role_with_saml(
            AssumeRoleWithSAMLInput::builder()
                .role_arn(ROLE)
                .principal_arn("arn:aws:iam::123456789012:saml-provider/idp")
                .saml_assertion("PHNhbWw+")
                .build()
                .unwrap()
        ),
        "AssumeRoleWithSAML"
    );
    check!(
        c.assume_role_with_web_identity(
            AssumeRoleWithWebIdentityInput::builder()
                .role_arn(ROLE)
                .role_session_name("web")
                .web_identity_token("eyJ0.e30.sig")
                .build()
                .unwrap()
        ),
        "AssumeRoleWithWebIdentity"
    );
    check!(
        c.assume_root(
            AssumeRootInput::builder()
                .target_principal("111122223333")
                .task_policy_arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")
                .build()
                .unwrap()
        ),
        "AssumeRoot"
    );
    check!(
        c.decode_authorization_message(
            DecodeAuthorizationMessageInput::builder()
                .encoded_message("abc")
                .build()
                .unwrap()
        ),
        "DecodeAuthorizationMessage"
    );
    check!(
        c.get_access_key_info(
            GetAccessKeyInfoInput::builder()
                .access_key_id("AKIAIOSFODNN7EXAMPLE")
                .build()
                .unwrap()
        ),
        "GetAccessKeyInfo"
    );
    check!(c.get_caller_identity(), "GetCallerIdentity");
    check!(
        c.get_delegated_access_token(
            GetDelegatedAccessTokenInput::builder()
                .trade_in_token("tok")
                .build()
                .unwrap()
        ),
        "GetDelegatedAccessToken"
    );
    check!(
        c.get_federation_token(
            GetFederationTokenInput::builder()
                .name("Bob")
                .build()
                .unwrap()
        ),
        "GetFederationToken"
    );
    check!(c.get_session_token(), "GetSessionToken");
    check!(
        c.get_web_identity_token(
            GetWebIdentityTokenInput::builder()
                .audience(["https://a.example"])
                .signing_algorithm("RS256")
                .build()
                .unwrap()
        ),
        "GetWebIdentityToken"
    );
    let uris = uris.lock().unwrap();
    assert_eq!(uris.len(), 11);
    assert!(
        uris.iter()
            .all(|u| u == "https://sts.eu-central-1.amazonaws.com/")
    );
}

fn assert_service<S: Clone + Send + 'static>(_: &S) {}

#[tokio::test]
async fn operation_services_compose_with_a_users_service_builder() {
    let uris = Arc::default();
    let c = client(&uris);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let svc = ServiceBuilder::new()
        .buffer(8)
        .map_request(move |mut input: GetSessionTokenInput| {
            counter.fetch_add(1, Ordering::SeqCst);
            input.duration_seconds = Some(900);
            input
        })
        .service(c.operation::<GetSessionToken>());
    assert_service(&svc);
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let svc = svc.clone();
        tasks.push(tokio::spawn(svc.oneshot(GetSessionTokenInput::default())));
    }
    for t in tasks {
        assert_eq!(
            t.await.unwrap().unwrap().request_id.as_deref(),
            Some("GetSessionToken")
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 5);
}

#[test]
fn construction_errors_and_redaction() {
    let err = StsClient::builder()
        .transport(fake_sts(Arc::default()))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Construction, "no region: {err:#}");
    let builder = StsClient::builder()
        .region("eu-west-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "TOPSECRETKEY",
            Some("TOPTOKEN".into()),
            None,
            "t",
        ));
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains("TOPSECRETKEY") && !shown.contains("TOPTOKEN"),
        "{shown}"
    );
}

/// Compiles only if the futures users hold are `Send + 'static` inside their
/// own async blocks (an `async fn` method would not be: rustc's higher-ranked
/// lifetime limits on generic async bodies that name `BoxError`).
#[tokio::test]
async fn calls_and_operation_services_run_in_spawned_async_blocks() {
    let c = client(&Arc::default());
    let by_method = {
        let c = c.clone();
        tokio::spawn(async move { c.get_caller_identity().await })
    };
    let svc = c.operation::<GetCallerIdentity>();
    let by_service = tokio::spawn(async move {
        let mut svc = svc;
        svc.ready()
            .await?
            .call(GetCallerIdentityInput::default())
            .await
    });
    let by_oneshot = {
        let svc = ServiceBuilder::new()
            .concurrency_limit(1)
            .service(c.operation::<GetCallerIdentity>());
        tokio::spawn(async move { svc.oneshot(GetCallerIdentityInput::default()).await })
    };
    for handle in [by_method, by_service] {
        let out = handle.await.unwrap().unwrap();
        assert_eq!(out.request_id.as_deref(), Some("GetCallerIdentity"));
    }
    let out = by_oneshot.await.unwrap().unwrap();
    assert_eq!(out.request_id.as_deref(), Some("GetCallerIdentity"));
}
