//! Interop with moto, an STS server no one here wrote.
//!
//! The tests provision moto (`moto[server]`, pinned) into a Python virtual
//! environment under `target/moto-venv` (created once, reused), start
//! `moto_server` on 127.0.0.1 on a free port, and kill it when done. Without
//! Python 3 (with `venv` and `pip`) or PyPI, they fail saying so.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sts_client::StsClient;
use sts_core::model::*;
use sts_core::query::QueryWriter;
use sts_layers::retry::RetryConfig;
use sts_layers::sigv4::{SigningConfig, sign_request_with};
use tower::ServiceExt;

const MOTO: &str = "moto[server]==5.2.5";

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// The virtual environment with moto, made once.
fn moto_server_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let venv = target_dir().join("moto-venv");
        let bin = venv.join("bin").join("moto_server");
        let marker = venv.join(".installed-moto-5.2.5");
        if marker.exists() && bin.exists() {
            return bin;
        }
        let how = "moto interop tests need Python 3 with the venv module and pip, and access to PyPI \
                   (Debian: apt-get install python3 python3-venv python3-pip)";
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let out = Command::new(&python).args(["-m", "venv"]).arg(&venv).output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!("{how}: `{python} -m venv` failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => panic!("{how}: cannot run {python}: {e}"),
        }
        let out = Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", MOTO])
            .output()
            .unwrap_or_else(|e| panic!("{how}: cannot run pip: {e}"));
        assert!(out.status.success(), "{how}: pip install {MOTO} failed: {}", String::from_utf8_lossy(&out.stderr));
        std::fs::write(&marker, MOTO).unwrap();
        bin
    })
    .clone()
}

/// A running moto_server, killed on drop.
struct Moto {
    child: Child,
    url: String,
}

/// Whether the server on `port` is moto: its `/moto-api/` answers over HTTP.
fn is_moto(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream
        .write_all(b"GET /moto-api/data.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}

impl Moto {
    fn start(no_auth_actions: Option<u32>) -> Self {
        // A port picked by binding 0 can be taken again before moto binds it
        // (tests start several servers at once): if moto exits, or the port
        // answers without being moto, try another.
        for _ in 0..5 {
            if let Some(moto) = Self::try_start(no_auth_actions) {
                return moto;
            }
        }
        panic!("moto_server did not start after 5 tries");
    }

    fn try_start(no_auth_actions: Option<u32>) -> Option<Self> {
        let bin = moto_server_bin();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = Command::new(bin);
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(n) = no_auth_actions {
            cmd.env("INITIAL_NO_AUTH_ACTION_COUNT", n.to_string());
        }
        let child = cmd.spawn().unwrap();
        let mut moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if moto.child.try_wait().ok().flatten().is_some() {
                return None; // exited: most likely the port was taken
            }
            if is_moto(port) {
                return Some(moto);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = moto.child.kill();
        None
    }

    fn client(&self, credentials: Credentials) -> StsClient {
        StsClient::builder()
            .region("us-east-1")
            .endpoint_url(&self.url)
            .credentials(credentials)
            .retry(RetryConfig::standard().initial_backoff(Duration::from_millis(10)))
            .build()
            .unwrap()
    }

    /// An IAM call (moto picks the service from the credential scope).
    async fn iam(&self, action: &str, params: &[(&str, &str)]) -> String {
        let mut w = QueryWriter::for_api(action, "2010-05-08", 256);
        for (k, v) in params {
            w.param(k, v);
        }
        let mut req = http::Request::post(format!("{}/", self.url))
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(w.finish().into_bytes())
            .unwrap();
        let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "setup", None, None, "setup");
        let config = SigningConfig {
            region: "us-east-1",
            service: "iam",
            time: SystemTime::now(),
            sign_session_token: true,
            content_sha256_header: false,
            expires_in: None,
        };
        sign_request_with(&mut req, &creds, &config).unwrap();
        let (parts, body) = req.into_parts();
        let transport = sts_client::transport::default_transport().unwrap();
        let resp = transport
            .oneshot(http::Request::from_parts(
                parts,
                Full::new(Bytes::from(body)),
            ))
            .await
            .unwrap();
        let status = resp.status();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body).into_owned();
        assert!(status.is_success(), "IAM {action}: {status} {body}");
        body
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    text.split(open)
        .nth(1)
        .and_then(|s| s.split(close).next())
        .unwrap_or("")
}

fn gci() -> GetCallerIdentityInput {
    GetCallerIdentityInput::builder().build().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_operations_with_signature_checks_on() {
    // Five unauthenticated IAM calls set up a user, a key, an allow-all
    // policy and a role; from then on moto checks every signature.
    let moto = Moto::start(Some(5));
    moto.iam("CreateUser", &[("UserName", "interop")]).await;
    let key = moto
        .iam("CreateAccessKey", &[("UserName", "interop")])
        .await;
    let (id, secret) = (
        between(&key, "<AccessKeyId>", "<"),
        between(&key, "<SecretAccessKey>", "<"),
    );
    assert!(!id.is_empty() && !secret.is_empty(), "{key}");
    let policy = moto
        .iam(
            "CreatePolicy",
            &[("PolicyName", "all"), ("PolicyDocument", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)],
        )
        .await;
    let policy_arn = between(&policy, "<Arn>", "<").to_owned();
    moto.iam(
        "AttachUserPolicy",
        &[("UserName", "interop"), ("PolicyArn", &policy_arn)],
    )
    .await;
    moto.iam(
        "CreateRole",
        &[("RoleName", "deploy"), ("AssumeRolePolicyDocument", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#)],
    )
    .await;

    let user = moto.client(Credentials::new(id, secret, None, None, "moto"));
    let me = user.get_caller_identity_with(gci()).await.unwrap();
    assert_eq!(
        me.arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/interop")
    );
    assert_eq!(me.account.as_deref(), Some("123456789012"));

    let role = user
        .assume_role(
            AssumeRoleInput::builder()
                .role_arn("arn:aws:iam::123456789012:role/deploy")
                .role_session_name("interop-session")
                .duration_seconds(1800)
                .add_tag(Tag::new("team", "payments"))
                .add_policy_arn(policy_arn.as_str())
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let creds = role.credentials.clone().unwrap();
    assert!(creds.session_token().is_some());
    let left = creds
        .expiry()
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    assert!(
        left > Duration::from_secs(1700) && left <= Duration::from_secs(1800),
        "{left:?}"
    );
    assert_eq!(
        role.assumed_role_user.unwrap().arn,
        "arn:aws:sts::123456789012:assumed-role/deploy/interop-session"
    );
    // The returned credentials, session token included, work for the next call.
    let as_role = moto.client(creds);
    let who = as_role.get_caller_identity_with(gci()).await.unwrap();
    assert_eq!(
        who.arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/deploy/interop-session")
    );

    let session = user
        .get_session_token_with(
            GetSessionTokenInput::builder()
                .duration_seconds(900)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(session.credentials.unwrap().session_token().is_some());
    let fed = user
        .get_federation_token(
            GetFederationTokenInput::builder()
                .name("bob")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        fed.federated_user
            .unwrap()
            .arn
            .ends_with(":federated-user/bob")
    );
    let info = user
        .get_access_key_info(
            GetAccessKeyInfoInput::builder()
                .access_key_id(id)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(info.account.as_deref(), Some("123456789012"));

    // Wrong secret, unknown key: typed errors.
    let wrong = moto.client(Credentials::new(id, "not-the-secret", None, None, "moto"));
    let wrong_secret = wrong.get_caller_identity_with(gci()).await.unwrap_err();
    assert_eq!(
        wrong_secret.code(),
        Some("SignatureDoesNotMatch"),
        "{wrong_secret:#}"
    );
    assert_eq!(wrong_secret.service_error().unwrap().status(), Some(403));
    let unknown = moto.client(Credentials::new(
        "AKIAUNKNOWN000000000",
        "x",
        None,
        None,
        "moto",
    ));
    let unknown_key = unknown.get_caller_identity_with(gci()).await.unwrap_err();
    assert_eq!(
        unknown_key.code(),
        Some("InvalidClientTokenId"),
        "{unknown_key:#}"
    );
    // moto sends request ids with its errors; they reach the typed error.
    assert!(wrong_secret.request_id().is_some() && unknown_key.request_id().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn unsigned_operations_and_unimplemented_ones() {
    let moto = Moto::start(None);
    let client = moto.client(Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "x",
        None,
        None,
        "moto",
    ));
    // A JWT moto can read (it does not verify it).
    let token = sts_emulator::Emulator::new().web_identity_token(
        "pod-1",
        "sts.amazonaws.com",
        Duration::from_secs(300),
    );
    let web = client
        .assume_role_with_web_identity(
            AssumeRoleWithWebIdentityInput::builder()
                .role_arn("arn:aws:iam::123456789012:role/web")
                .role_session_name("pod")
                .web_identity_token(token)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(web.credentials.is_some());
    assert!(
        web.assumed_role_user
            .unwrap()
            .arn
            .ends_with("assumed-role/web/pod")
    );

    // A real SAML response, built here; moto parses it.
    let assertion = sts_emulator::Emulator::new().saml_assertion(
        "https://idp.example.com/saml",
        "carol",
        "arn:aws:iam::123456789012:role/saml",
        "arn:aws:iam::123456789012:saml-provider/idp",
        Duration::from_secs(300),
    );
    let saml = client
        .assume_role_with_saml(
            AssumeRoleWithSAMLInput::builder()
                .role_arn("arn:aws:iam::123456789012:role/saml")
                .principal_arn("arn:aws:iam::123456789012:saml-provider/idp")
                .saml_assertion(assertion)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(saml.credentials.is_some());
    assert!(
        saml.assumed_role_user
            .unwrap()
            .arn
            .contains("assumed-role/saml/"),
        "saml"
    );

    // Operations moto does not implement answer 500 with HTML: a clear server
    // error after the retries, no decode panic.
    let started = Instant::now();
    let err = client
        .assume_root(
            AssumeRootInput::builder()
                .target_principal("123456789012")
                .task_policy_arn(
                    PolicyDescriptorType::new()
                        .with_arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
                )
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("500"), "{text}");
    assert!(
        err.is_retryable()
            || err.kind() == sts_core::ErrorKind::Service
            || err.kind() == sts_core::ErrorKind::Response,
        "{text}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    eprintln!("moto AssumeRoot: {text}");
}

/// Elements moto sends where AWS does not (see the shape test).
const MOTO_EXTRAS: &[&str] = &[
    "AssumeRoleResponse/AssumeRoleResult/PackedPolicySize",
    "GetFederationTokenResponse/GetFederationTokenResult/PackedPolicySize",
];

/// The element paths of an XML document (`A/B/C`), as a sorted set.
fn element_paths(xml: &str) -> std::collections::BTreeSet<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut paths = std::collections::BTreeSet::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = &rest[end.min(rest.len())..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let _ = name;
            stack.pop();
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        let name = name.rsplit(':').next().unwrap_or_default().to_owned();
        stack.push(name);
        paths.insert(stack.join("/"));
        if tag.ends_with('/') {
            stack.pop();
        }
    }
    paths
}

async fn raw_call(
    send: impl AsyncFnOnce(http::Request<Full<Bytes>>) -> (u16, String),
    form: &str,
) -> (u16, String) {
    let mut req = http::Request::post("http://sts.us-east-1.amazonaws.com/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(form.as_bytes().to_vec())
        .unwrap();
    sts_layers::sigv4::sign_request(
        &mut req,
        &sts_emulator::example::credentials(),
        "us-east-1",
        SystemTime::now(),
    )
    .unwrap();
    let (parts, body) = req.into_parts();
    send(http::Request::from_parts(
        parts,
        Full::new(Bytes::from(body)),
    ))
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_answers_in_the_shapes_moto_does() {
    let moto = Moto::start(None);
    let emulator = sts_emulator::Emulator::new();
    let forms = [
        "Action=GetCallerIdentity&Version=2011-06-15",
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fexample&RoleSessionName=shape",
        "Action=GetSessionToken&Version=2011-06-15",
        "Action=GetFederationToken&Version=2011-06-15&Name=bob",
    ];
    for form in forms {
        let url = moto.url.clone();
        let (moto_status, moto_xml) = raw_call(
            async move |req: http::Request<Full<Bytes>>| {
                let (mut parts, body) = req.into_parts();
                parts.uri = format!("{url}/").parse().unwrap();
                let resp = sts_client::transport::default_transport()
                    .unwrap()
                    .oneshot(http::Request::from_parts(parts, body))
                    .await
                    .unwrap();
                let status = resp.status().as_u16();
                let body = resp.into_body().collect().await.unwrap().to_bytes();
                (status, String::from_utf8_lossy(&body).into_owned())
            },
            form,
        )
        .await;
        let em = emulator.clone();
        let (em_status, em_xml) = raw_call(
            async move |req: http::Request<Full<Bytes>>| {
                let resp = em.oneshot(req).await.unwrap();
                let status = resp.status().as_u16();
                let body = resp.into_body().collect().await.unwrap().to_bytes();
                (status, String::from_utf8_lossy(&body).into_owned())
            },
            form,
        )
        .await;
        assert_eq!(
            (moto_status, em_status),
            (200, 200),
            "{form}\nmoto: {moto_xml}\nemulator: {em_xml}"
        );
        let (mut m, e) = (element_paths(&moto_xml), element_paths(&em_xml));
        // moto always sends PackedPolicySize; AWS sends it only when session
        // policies or tags were passed (recorded AWS traffic in the shared
        // vectors has none for a plain AssumeRole), as the emulator does.
        for extra in MOTO_EXTRAS {
            if !e.contains(*extra) {
                m.remove(*extra);
            }
        }
        assert_eq!(
            m,
            e,
            "{form}: elements only in moto: {:?}; only in the emulator: {:?}",
            m.difference(&e).collect::<Vec<_>>(),
            e.difference(&m).collect::<Vec<_>>()
        );
    }
}
