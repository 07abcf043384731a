//! The client over the real hyper transport to a server on 127.0.0.1: every
//! operation on the wire and back, TLS with ALPN, HTTP/2, connection reuse,
//! proxies, refused connections, and user layers.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use sts_client::transport::{HyperTransport, HyperTransportBuilder, ProxyConfig};
use sts_client::{ErrorKind, StsClient, StsClientBuilder};
use sts_core::model::*;
use sts_layers::retry::RetryConfig;
use support::{ConnectProxy, Options, Recorded, TestServer, sts_handler};
use tower::{Service, ServiceBuilder, ServiceExt};

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";

fn credentials() -> Credentials {
    Credentials::new(
        "AKIDLOOPBACK",
        "loopback-secret",
        Some("loopback-token".into()),
        None,
        "test",
    )
}

fn direct() -> HyperTransport {
    HyperTransportBuilder::new()
        .proxy(ProxyConfig::none())
        .build()
        .unwrap()
}

fn builder(url: &str) -> StsClientBuilder {
    StsClient::builder()
        .region("eu-west-1")
        .endpoint_url(url)
        .credentials(credentials())
        .retry(
            RetryConfig::standard()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
}

fn expiration() -> SystemTime {
    // 2030-01-02T03:04:05Z
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445)
}

/// What every request on the wire has, signed or not.
fn check_wire(req: &Recorded, action: &str, signed: bool) {
    assert_eq!(req.method, http::Method::POST, "{action}");
    assert_eq!(req.uri.path(), "/", "{action}");
    assert_eq!(req.param("Action").as_deref(), Some(action));
    assert_eq!(req.param("Version").as_deref(), Some("2011-06-15"));
    assert_eq!(
        req.header("content-type"),
        "application/x-www-form-urlencoded; charset=utf-8",
        "{action}"
    );
    assert_eq!(
        req.header("content-length"),
        req.body.len().to_string(),
        "{action}"
    );
    assert!(
        req.header("user-agent").starts_with("sts-tower/"),
        "{action}"
    );
    assert!(req.header("host").starts_with("127.0.0.1:"), "{action}");
    assert_eq!(
        req.header("amz-sdk-request"),
        "attempt=1; max=3",
        "{action}"
    );
    let auth = req.header("authorization");
    if signed {
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDLOOPBACK/")
                && auth.contains("/eu-west-1/sts/aws4_request"),
            "{action}: {auth}"
        );
        assert_eq!(req.header("x-amz-security-token"), "loopback-token");
        assert!(!req.header("x-amz-date").is_empty());
    } else {
        assert!(auth.is_empty(), "{action} is unsigned: {auth}");
        assert!(req.header("x-amz-security-token").is_empty(), "{action}");
    }
}

fn check_credentials(c: Option<&Credentials>, action: &str) {
    let c = c.unwrap_or_else(|| panic!("{action}: no credentials"));
    assert_eq!(c.access_key_id(), "ASIAEXAMPLEISSUED", "{action}");
    assert_eq!(c.secret_access_key(), "issued-secret", "{action}");
    assert_eq!(c.session_token(), Some("issued-token"), "{action}");
    assert_eq!(c.expiry(), Some(expiration()), "{action}");
}

#[tokio::test]
async fn every_operation_over_http_on_loopback() {
    let server = TestServer::start(sts_handler()).await;
    let client = builder(&server.url()).transport(direct()).build().unwrap();

    let out = client
        .assume_role(
            AssumeRoleInput::builder()
                .role_arn(ROLE)
                .role_session_name("s1")
                .duration_seconds(900)
                .add_tag(Tag::new("team", "a b+c=d"))
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    check_credentials(out.credentials.as_ref(), "AssumeRole");
    assert_eq!(
        out.assumed_role_user.unwrap().arn,
        "arn:aws:sts::123456789012:assumed-role/demo/s"
    );
    assert_eq!(out.packed_policy_size, Some(6));
    assert_eq!(out.request_id.as_deref(), Some("req-AssumeRole"));

    let out = client
        .assume_role_with_saml(
            AssumeRoleWithSAMLInput::builder()
                .role_arn(ROLE)
                .principal_arn("arn:aws:iam::123456789012:saml-provider/idp")
                .saml_assertion("PHNhbWw+PC9zYW1sPg==")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    check_credentials(out.credentials.as_ref(), "AssumeRoleWithSAML");
    assert_eq!(out.subject.as_deref(), Some("alice"));
    assert_eq!(out.issuer.as_deref(), Some("https://idp.example/"));

    let out = client
        .assume_role_with_web_identity(
            AssumeRoleWithWebIdentityInput::builder()
                .role_arn(ROLE)
                .role_session_name("web")
                .web_identity_token("eyJ0.e30.sig")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    check_credentials(out.credentials.as_ref(), "AssumeRoleWithWebIdentity");
    assert_eq!(
        out.subject_from_web_identity_token.as_deref(),
        Some("sub-1")
    );
    assert_eq!(out.provider.as_deref(), Some("accounts.example.com"));

    let out = client
        .assume_root(
            AssumeRootInput::builder()
                .target_principal("111122223333")
                .task_policy_arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    check_credentials(out.credentials.as_ref(), "AssumeRoot");
    assert_eq!(out.source_identity.as_deref(), Some("admin"));

    let out = client
        .decode_authorization_message(
            DecodeAuthorizationMessageInput::builder()
                .encoded_message("abc+/=")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(out.decoded_message.as_deref(), Some("{\"allowed\":false}"));

    let out = client
        .get_access_key_info(
            GetAccessKeyInfoInput::builder()
                .access_key_id("AKIAIOSFODNN7EXAMPLE")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(out.account.as_deref(), Some("111122223333"));

    let out = client.get_caller_identity().await.unwrap();
    assert_eq!(out.account.as_deref(), Some("123456789012"));
    assert_eq!(
        out.arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/alice")
    );
    assert_eq!(out.user_id.as_deref(), Some("AIDAEXAMPLE"));

    let out = client
        .get_delegated_access_token(
            GetDelegatedAccessTokenInput::builder()
                .trade_in_token("tok")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    check_credentials(out.credentials.as_ref(), "GetDelegatedAccessToken");
    assert_eq!(
        out.assumed_principal.as_deref(),
        Some("arn:aws:iam::123456789012:role/delegate")
    );

    let out = client
        .get_federation_token(
            GetFederationTokenInput::builder()
                .name("Bob")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    check_credentials(out.credentials.as_ref(), "GetFederationToken");
    assert_eq!(
        out.federated_user.unwrap().federated_user_id,
        "123456789012:Bob"
    );

    let out = client.get_session_token().await.unwrap();
    check_credentials(out.credentials.as_ref(), "GetSessionToken");

    let out = client
        .get_web_identity_token(
            GetWebIdentityTokenInput::builder()
                .audience(["https://a.example"])
                .signing_algorithm("RS256")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        out.web_identity_token.as_deref(),
        Some("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
    );
    assert_eq!(out.expiration, Some(expiration()));

    let requests = server.stats.requests();
    let expected = [
        ("AssumeRole", true),
        ("AssumeRoleWithSAML", false),
        ("AssumeRoleWithWebIdentity", false),
        ("AssumeRoot", true),
        ("DecodeAuthorizationMessage", true),
        ("GetAccessKeyInfo", true),
        ("GetCallerIdentity", true),
        ("GetDelegatedAccessToken", true),
        ("GetFederationToken", true),
        ("GetSessionToken", true),
        ("GetWebIdentityToken", true),
    ];
    assert_eq!(requests.len(), expected.len());
    for (req, (action, signed)) in requests.iter().zip(expected) {
        check_wire(req, action, signed);
        assert_eq!(req.version, http::Version::HTTP_11, "{action}");
    }
    // What the encoder put in the body arrived as it was sent.
    assert_eq!(
        requests[0].param("Tags.member.1.Value").as_deref(),
        Some("a b+c=d")
    );
    assert_eq!(requests[0].param("DurationSeconds").as_deref(), Some("900"));
    assert_eq!(
        requests[1].param("SAMLAssertion").as_deref(),
        Some("PHNhbWw+PC9zYW1sPg==")
    );
    // One connection for all eleven calls.
    assert_eq!(server.stats.connections(), 1);
}

#[tokio::test]
async fn the_default_transport_is_used_when_none_is_given() {
    // No `.transport(..)`: build() makes the hyper + rustls transport (proxy
    // settings from the process environment, which has none here).
    let server = TestServer::start(sts_handler()).await;
    let client = builder(&server.url()).build().unwrap();
    let out = client.get_caller_identity().await.unwrap();
    assert_eq!(out.account.as_deref(), Some("123456789012"));
    assert_eq!(server.stats.requests().len(), 1);
}

#[tokio::test]
async fn service_errors_come_back_typed_with_their_request_id() {
    let server = TestServer::start(Arc::new(|_: &Recorded| {
        let body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
            <Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error>\
            <RequestId>req-denied</RequestId></ErrorResponse>";
        let mut resp = http::Response::new(bytes::Bytes::from(body));
        *resp.status_mut() = http::StatusCode::FORBIDDEN;
        resp
    }))
    .await;
    let client = builder(&server.url()).transport(direct()).build().unwrap();
    let err = client.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(err.request_id(), Some("req-denied"));
    assert_eq!(
        server.stats.requests().len(),
        1,
        "AccessDenied is not retried"
    );
}

#[tokio::test]
async fn tls_with_alpn_negotiates_http2() {
    let options = Options {
        tls: Some(support::server_tls()),
        ..Options::default()
    };
    let server = TestServer::start_with(sts_handler(), options).await;
    let transport = HyperTransportBuilder::new()
        .proxy(ProxyConfig::none())
        .tls_config(support::client_tls())
        .build()
        .unwrap();
    let url = format!("https://localhost:{}", server.addr.port());
    let client = builder(&url).transport(transport).build().unwrap();
    for _ in 0..3 {
        let out = client.get_caller_identity().await.unwrap();
        assert_eq!(out.account.as_deref(), Some("123456789012"));
    }
    let requests = server.stats.requests();
    assert!(requests.iter().all(|r| r.version == http::Version::HTTP_2));
    assert!(
        requests[0]
            .header("authorization")
            .contains("SignedHeaders=")
    );
    assert_eq!(server.stats.connections(), 1);

    // The default roots do not trust the test certificate: a clear TLS error.
    let client = builder(&url).transport(direct()).build().unwrap();
    let err = client.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Dispatch, "{err:#}");
    assert!(
        format!("{err:#}").to_lowercase().contains("certificate"),
        "{err:#}"
    );
}

#[tokio::test]
async fn http2_prior_knowledge_over_cleartext() {
    let server = TestServer::start(sts_handler()).await;
    let transport = HyperTransportBuilder::new()
        .proxy(ProxyConfig::none())
        .http2_only(true)
        .build()
        .unwrap();
    let client = builder(&server.url()).transport(transport).build().unwrap();
    let calls = (0..8).map(|_| {
        let client = client.clone();
        async move { client.get_caller_identity().await }
    });
    for out in spawn_all(calls).await {
        assert_eq!(out.unwrap().account.as_deref(), Some("123456789012"));
    }
    let requests = server.stats.requests();
    assert_eq!(requests.len(), 8);
    assert!(requests.iter().all(|r| r.version == http::Version::HTTP_2));
    assert_eq!(server.stats.connections(), 1, "HTTP/2 multiplexes");
}

/// Spawns the futures and waits for them all.
async fn spawn_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn connections_are_pooled_and_shared_by_clones() {
    let server = TestServer::start(sts_handler()).await;
    let client = builder(&server.url()).transport(direct()).build().unwrap();
    for i in 0..20 {
        let c = if i % 2 == 0 {
            client.clone()
        } else {
            client.clone().clone()
        };
        c.get_caller_identity().await.unwrap();
    }
    assert_eq!(server.stats.connections(), 1);

    // No idle connections kept: one connection per call.
    let server = TestServer::start(sts_handler()).await;
    let transport = HyperTransportBuilder::new()
        .proxy(ProxyConfig::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let client = builder(&server.url()).transport(transport).build().unwrap();
    for _ in 0..3 {
        client.get_caller_identity().await.unwrap();
    }
    assert_eq!(server.stats.connections(), 3);
}

#[tokio::test]
async fn proxies_from_the_environment_tunnel_with_connect() {
    let server = TestServer::start(sts_handler()).await;
    let proxy = ConnectProxy::start().await;
    let proxy_url = format!("http://user:p%40ss@{}", proxy.addr);
    let config =
        ProxyConfig::from_env_with(|name| (name == "HTTP_PROXY").then(|| proxy_url.clone()));
    assert_eq!(
        config
            .proxy_for(&server.url().parse().unwrap())
            .unwrap()
            .to_string(),
        format!("{}/", proxy.url()),
        "credentials are not shown"
    );
    assert!(!format!("{config:?}").contains("p%40ss"));
    let transport = HyperTransportBuilder::new().proxy(config).build().unwrap();
    let client = builder(&server.url()).transport(transport).build().unwrap();
    client.get_caller_identity().await.unwrap();
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(&format!("CONNECT {} HTTP/1.1\r\n", server.addr)),
        "{}",
        heads[0]
    );
    // user:p@ss
    assert!(
        heads[0].contains("Proxy-Authorization: Basic dXNlcjpwQHNz"),
        "{}",
        heads[0]
    );
    assert_eq!(server.stats.requests().len(), 1);

    // NO_PROXY bypasses it.
    let config = ProxyConfig::from_env_with(|name| match name {
        "ALL_PROXY" => Some(proxy.url()),
        "NO_PROXY" => Some("example.com, 127.0.0.1".to_owned()),
        _ => None,
    });
    assert_eq!(config.proxy_for(&server.url().parse().unwrap()), None);
    assert!(
        config
            .proxy_for(&"https://sts.amazonaws.com/".parse().unwrap())
            .is_some()
    );
    let transport = HyperTransportBuilder::new().proxy(config).build().unwrap();
    let client = builder(&server.url()).transport(transport).build().unwrap();
    client.get_caller_identity().await.unwrap();
    assert_eq!(proxy.heads().len(), 1, "the proxy saw nothing new");
    assert_eq!(server.stats.requests().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = attempts.clone();
    let client = builder(&format!("http://127.0.0.1:{port}"))
        .transport(direct())
        .layer_after_signing(tower::layer::layer_fn(
            move |inner: sts_client::HttpService| {
                let counter = counter.clone();
                tower::service_fn(move |req| {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    inner.clone().oneshot(req)
                })
            },
        ))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.get_caller_identity().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Dispatch, "{err:#}");
    assert!(err.is_retryable());
    assert!(
        format!("{err:#}").contains("Connection refused")
            || format!("{err:#}").contains("connection refused"),
        "{err:#}"
    );
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_layer_after_signing_sees_the_signed_request_and_one_before_is_signed() {
    let server = TestServer::start(sts_handler()).await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let client = builder(&server.url())
        .transport(direct())
        .layer_before_signing(tower::layer::layer_fn(|inner: sts_client::HttpService| {
            tower::service_fn(move |mut req: http::Request<bytes::Bytes>| {
                req.headers_mut()
                    .insert("x-tenant", http::HeaderValue::from_static("blue"));
                inner.clone().oneshot(req)
            })
        }))
        .layer_after_signing(tower::layer::layer_fn(
            move |inner: sts_client::HttpService| {
                let log = log.clone();
                tower::service_fn(move |req: http::Request<bytes::Bytes>| {
                    let auth = req
                        .headers()
                        .get("authorization")
                        .map(|v| v.to_str().unwrap().to_owned())
                        .unwrap_or_default();
                    log.lock().unwrap().push(auth);
                    inner.clone().oneshot(req)
                })
            },
        ))
        .build()
        .unwrap();
    client.get_caller_identity().await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].starts_with("AWS4-HMAC-SHA256 "), "{seen:?}");
    assert!(
        seen[0].contains("x-tenant"),
        "the tenant header is signed: {seen:?}"
    );
    let wire = &server.stats.requests()[0];
    assert_eq!(wire.header("x-tenant"), "blue");
    assert_eq!(wire.header("authorization"), seen[0]);
}

#[tokio::test]
async fn a_users_service_builder_limits_concurrency_on_the_wire() {
    let options = Options {
        delay: Some(Duration::from_millis(30)),
        ..Options::default()
    };
    let server = TestServer::start_with(sts_handler(), options).await;
    let client = builder(&server.url()).transport(direct()).build().unwrap();
    let svc = ServiceBuilder::new()
        .concurrency_limit(2)
        .map_request(|name: &str| {
            GetFederationTokenInput::builder()
                .name(name)
                .build()
                .unwrap()
        })
        .service(client.operation::<GetFederationToken>());
    let mut tasks = Vec::new();
    for name in ["aa", "bb", "cc", "dd", "ee", "ff"] {
        let mut svc = svc.clone();
        tasks.push(tokio::spawn(async move {
            svc.ready().await.unwrap().call(name).await
        }));
    }
    for t in tasks {
        let out = t.await.unwrap().unwrap();
        assert!(out.credentials.is_some());
    }
    assert_eq!(server.stats.requests().len(), 6);
    assert_eq!(server.stats.max_in_flight(), 2);
    let mut names: Vec<_> = server
        .stats
        .requests()
        .iter()
        .map(|r| r.param("Name").unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["aa", "bb", "cc", "dd", "ee", "ff"]);
}

#[tokio::test]
async fn presigned_urls_and_eks_tokens_use_the_clients_endpoint_and_credentials() {
    use base64::Engine;
    use http_body_util::Full;
    use sts_client::presign::PresignConfig;

    let server = TestServer::start(sts_handler()).await;
    let client = builder(&server.url()).transport(direct()).build().unwrap();
    let config = PresignConfig::new(Duration::from_secs(300)).unwrap();
    let url = client
        .presign::<GetCallerIdentity>(&GetCallerIdentityInput::default(), &config)
        .await
        .unwrap();
    let text = url.uri().to_string();
    assert!(
        text.starts_with(&format!(
            "{}/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&",
            server.url()
        )),
        "{text}"
    );
    assert!(
        text.contains("X-Amz-Security-Token=loopback-token"),
        "{text}"
    );

    // Whoever holds the URL can make the call with a plain GET.
    let transport = direct();
    let request = url.to_http_request().map(Full::new);
    let response = transport.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let wire = &server.stats.requests()[0];
    assert_eq!(wire.method, http::Method::GET);
    assert_eq!(wire.uri.query(), url.uri().query());
    assert!(wire.header("authorization").is_empty());

    let token = client.eks_token("prod").await.unwrap();
    let encoded = token.token().strip_prefix("k8s-aws-v1.").unwrap();
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .unwrap();
    let decoded = String::from_utf8(decoded).unwrap();
    assert!(decoded.starts_with(&server.url()), "{decoded}");
    assert!(
        decoded.contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"),
        "{decoded}"
    );

    // Without credentials: a clear error, nothing signed.
    let anonymous = StsClient::builder()
        .region("eu-west-1")
        .transport(direct())
        .build()
        .unwrap();
    let err = anonymous.eks_token("prod").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
}
