//! Regression tests of the hardening classes: values that would break a
//! header, default bounds on every wait, endpoint and proxy checks,
//! `credential_process` limits, and `Debug` output.
#![allow(clippy::unwrap_used, missing_docs)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};
use bytes::Bytes;
use http_body_util::Full;
use sts_client::credentials::{CredentialProcessProvider, CredentialsCache, EnvironmentProvider};
use sts_client::transport::{HyperTransportBuilder, ProxyConfig};
use sts_client::{ErrorKind, StsClient};
use sts_core::model::*;
use tokio::io::AsyncWriteExt;

/// A provider that hands out whatever it was given, counting calls.
#[derive(Debug, Clone)]
struct Fixed {
    credentials: Credentials,
    calls: Arc<AtomicUsize>,
}

impl ProvideCredentials for Fixed {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        self.calls.fetch_add(1, Ordering::SeqCst);
        provider::future::ProvideCredentials::ready(Ok(self.credentials.clone()))
    }
}

/// A provider that never answers.
#[derive(Debug)]
struct Hangs;

impl ProvideCredentials for Hangs {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(std::future::pending())
    }
}

fn ok_transport() -> impl tower::Service<
    http::Request<Full<Bytes>>,
    Response = http::Response<Full<Bytes>>,
    Error = std::convert::Infallible,
    Future = Pin<
        Box<
            dyn Future<Output = Result<http::Response<Full<Bytes>>, std::convert::Infallible>>
                + Send,
        >,
    >,
> + Clone
+ Send
+ Sync
+ 'static {
    tower::service_fn(|_req: http::Request<Full<Bytes>>| {
        Box::pin(async {
            let body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>\
                </GetCallerIdentityResult></GetCallerIdentityResponse>";
            Ok(http::Response::new(Full::new(Bytes::from(body))))
        }) as Pin<Box<dyn Future<Output = _> + Send>>
    })
}

fn gci() -> GetCallerIdentityInput {
    GetCallerIdentityInput::builder().build().unwrap()
}

#[tokio::test]
async fn credentials_that_would_break_a_header_are_a_credentials_error_not_a_panic() {
    for (key, token, field) in [
        ("ASIA\nX", None, "AccessKeyId"),
        ("ASIA X", None, "AccessKeyId"),
        ("ASIAX", Some("tok\r\nen"), "SessionToken"),
        ("ASIAX", Some("tok en"), "SessionToken"),
        ("ASIAX", Some("t\u{7f}"), "SessionToken"),
    ] {
        let client = StsClient::builder()
            .region("us-east-1")
            .credentials(Credentials::new(
                key,
                "secret",
                token.map(str::to_owned),
                None,
                "t",
            ))
            .transport(ok_transport())
            .build()
            .unwrap();
        let err = client.get_caller_identity_with(gci()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Credentials, "{key:?}: {err:#}");
        let text = format!("{err:#}");
        assert!(text.contains(field), "{text}");
        assert!(!text.contains("tok"), "{text}");
    }
}

#[tokio::test]
async fn the_cache_never_keeps_credentials_that_cannot_sign() {
    let calls = Arc::new(AtomicUsize::new(0));
    let cache = CredentialsCache::new(Fixed {
        credentials: Credentials::new("ASIA\nX", "s", None, None, "fixed"),
        calls: calls.clone(),
    });
    for _ in 0..3 {
        let err = cache.credentials().await.unwrap_err();
        assert!(
            matches!(err, CredentialsError::InvalidConfiguration(_)),
            "{err:?}"
        );
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "refused credentials are not cached"
    );
}

#[tokio::test(start_paused = true)]
async fn the_cache_bounds_a_load_and_shares_the_timeout_with_its_waiters() {
    let cache = CredentialsCache::new(Hangs);
    let started = tokio::time::Instant::now();
    let waiters: Vec<_> = (0..10)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.credentials().await })
        })
        .collect();
    for waiter in waiters {
        let err = waiter.await.unwrap().unwrap_err();
        // The first caller's own timeout, or (every other waiter) the same
        // failure shared.
        let text = format!("{err:?}");
        assert!(
            text.contains("timed out") || text.contains("TimedOut"),
            "{text}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    // Cleared: the load may take as long as it takes.
    let unbounded = CredentialsCache::builder().load_timeout(None).build(Hangs);
    let waited = tokio::time::timeout(Duration::from_secs(3600), unbounded.credentials()).await;
    assert!(waited.is_err());
}

#[test]
fn variables_and_profiles_with_header_breaking_values_name_the_setting() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        EnvironmentProvider::with_env(move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    };
    let err = env(&[
        ("AWS_ACCESS_KEY_ID", "AKID\nX"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ])
    .credentials()
    .unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("AWS_ACCESS_KEY_ID cannot be used"), "{text}");
    let err = env(&[
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
        ("AWS_SESSION_TOKEN", "hunter2 hunter2"),
    ])
    .credentials()
    .unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("AWS_SESSION_TOKEN cannot be used"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    let err = env(&[
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
        ("AWS_CREDENTIAL_EXPIRATION", "9999-12-31T23:59:59-23:59"),
    ])
    .credentials()
    .unwrap_err();
    assert!(format!("{err:?}").contains("outside 1970..=9999"));
}

#[tokio::test]
async fn profile_keys_with_header_breaking_values_name_the_key_and_profile() {
    let files = sts_client::shared_config::ProfileFiles::parse(
        "",
        "config",
        "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\naws_session_token = to ken\n",
        "credentials",
    )
    .unwrap();
    let env = |name: &str| (name == "AWS_REGION").then(|| "us-east-1".to_owned());
    let result = sts_client::StsClientBuilder::from_settings(&env, &files);
    let text = match result {
        Err(e) => format!("{e:#}"),
        Ok(_) => panic!("a token with a space was accepted"),
    };
    assert!(
        text.contains("aws_session_token of profile default"),
        "{text}"
    );
    assert!(!text.contains("to ken"), "{text}");
}

#[tokio::test]
async fn regions_and_endpoint_urls_are_checked_before_anything_is_sent() {
    let err = StsClient::builder()
        .region("us-east-1.amazonaws.com@evil.example#")
        .credentials(Credentials::new("AKID", "s", None, None, "t"))
        .transport(ok_transport())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Construction);
    assert!(format!("{err:#}").contains("host label"), "{err:#}");
    for url in [
        "https://user:hunter2@sts.example.com",
        "https://sts.example.com/#frag",
        "https://sts.example.com/?x=1",
    ] {
        let err = StsClient::builder()
            .region("us-east-1")
            .endpoint_url(url)
            .transport(ok_transport())
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Construction, "{url}");
        assert!(!format!("{err:#}").contains("hunter2"), "{err:#}");
    }
}

#[tokio::test]
async fn https_proxies_are_refused_and_the_cgi_guard_holds() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let proxy = ProxyConfig::from_env_with(env(&[(
        "HTTPS_PROXY",
        "https://user:pw-secret@127.0.0.1:3128",
    )]));
    let err = HyperTransportBuilder::new()
        .proxy(proxy)
        .build()
        .unwrap_err();
    let text = format!("{err:#}");
    assert_eq!(err.kind(), ErrorKind::Construction);
    assert!(
        text.contains("HTTPS_PROXY") && text.contains("https://"),
        "{text}"
    );
    assert!(!text.contains("pw-secret"), "{text}");

    let sts: http::Uri = "http://sts.example.com/".parse().unwrap();
    let cgi = ProxyConfig::from_env_with(env(&[
        ("REQUEST_METHOD", "GET"),
        ("HTTP_PROXY", "http://attacker.example:8080"),
    ]));
    assert_eq!(
        cgi.proxy_for(&sts),
        None,
        "HTTP_PROXY is ignored in a CGI script"
    );
    let cgi_lower = ProxyConfig::from_env_with(env(&[
        ("REQUEST_METHOD", "GET"),
        ("http_proxy", "http://proxy.internal:8080"),
    ]));
    assert!(cgi_lower.proxy_for(&sts).is_some());
    let not_cgi = ProxyConfig::from_env_with(env(&[("HTTP_PROXY", "http://proxy.internal:8080")]));
    assert!(not_cgi.proxy_for(&sts).is_some());
}

/// A transport that never answers: the default attempt and operation
/// timeouts end the call (paused clock: no real waiting).
#[tokio::test(start_paused = true)]
async fn a_transport_that_never_answers_ends_in_a_timeout_by_default() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = attempts.clone();
    let silent = tower::service_fn(move |_req: http::Request<Full<Bytes>>| {
        counted.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<Result<http::Response<Full<Bytes>>, std::convert::Infallible>>()
    });
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "s", None, None, "t"))
        .transport(silent)
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = client.get_caller_identity_with(gci()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:#}");
    let took = started.elapsed();
    assert!(
        took <= sts_layers::timeout::DEFAULT_OPERATION_TIMEOUT + Duration::from_millis(1),
        "{took:?}"
    );
    assert!(
        took >= sts_layers::timeout::DEFAULT_ATTEMPT_TIMEOUT * 2,
        "{took:?}"
    );
    assert!((2..=3).contains(&attempts.load(Ordering::SeqCst)));
}

/// The default transport's read bound: a server that accepts and sends
/// nothing, then one that sends a head and stalls in the body.
#[tokio::test]
async fn the_default_transport_bounds_reads() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        let mut n = 0;
        while let Ok((mut stream, _)) = listener.accept().await {
            n += 1;
            if n > 1 {
                // Read the request, answer a head and half a body, stall.
                let mut buf = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buf).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<GetCallerIdentity")
                    .await;
            }
            held.push(stream);
        }
    });
    let client = |retry: u32| {
        StsClient::builder()
            .region("us-east-1")
            .endpoint_url(format!("http://{addr}"))
            .credentials(Credentials::new("AKID", "s", None, None, "t"))
            .read_timeout(Duration::from_millis(300))
            .retry(sts_layers::retry::RetryConfig::standard().max_attempts(retry))
            .build()
            .unwrap()
    };
    for _ in 0..2 {
        let started = std::time::Instant::now();
        let err = client(1).get_caller_identity_with(gci()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err:#}");
        assert!(
            format!("{err:#}").contains("took more than 300ms"),
            "{err:#}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    server.abort();
}

/// A server that accepts TCP and never speaks TLS: the connect bound covers
/// the handshake.
#[tokio::test]
async fn the_connect_bound_covers_the_tls_handshake() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let client = StsClient::builder()
        .region("us-east-1")
        .endpoint_url(format!("https://{addr}"))
        .credentials(Credentials::new("AKID", "s", None, None, "t"))
        .connect_timeout(Duration::from_millis(300))
        .retry(sts_layers::retry::RetryConfig::standard().max_attempts(1))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.get_caller_identity_with(gci()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:#}");
    assert!(format!("{err:#}").contains("TLS"), "{err:#}");
    assert!(started.elapsed() < Duration::from_secs(5));
    server.abort();
}

#[test]
fn debug_of_a_builder_from_the_environment_shows_no_secret() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let builder = rt
        .block_on(sts_client::StsClientBuilder::from_env_with(
            |name| match name {
                "AWS_REGION" => Some("us-east-1".into()),
                "AWS_CONFIG_FILE" | "AWS_SHARED_CREDENTIALS_FILE" => {
                    Some("/nonexistent/file".into())
                }
                "AWS_WEB_IDENTITY_TOKEN_FILE" => Some("/nonexistent/token".into()),
                "AWS_SESSION_TOKEN" => Some("session-token-secret".into()),
                _ => None,
            },
        ))
        .unwrap();
    let text = format!("{builder:?}");
    assert!(!text.contains("session-token-secret"), "{text}");
}

#[cfg(unix)]
mod process {
    use super::*;

    fn peak_kib() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
            })
            .unwrap_or(0)
    }

    /// The process whose pid is in `pid_file` is gone, or a zombie waiting
    /// for its reaper: not running.
    async fn assert_gone(pid_file: &std::path::Path) {
        let pid = std::fs::read_to_string(pid_file).unwrap();
        let pid = pid.trim();
        let mut dead = false;
        for _ in 0..50 {
            match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => dead = true,
                Ok(stat) => dead = stat.split_whitespace().nth(2) == Some("Z"),
            }
            if dead {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(dead, "the grandchild {pid} still runs");
    }

    #[tokio::test]
    async fn huge_output_is_cut_off_without_the_memory() {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = peak_kib();
        let started = std::time::Instant::now();
        let err = CredentialProcessProvider::new("head -c 300000000 /dev/zero")
            .credentials()
            .await
            .unwrap_err();
        assert!(
            format!("{err:?}").contains("printed more than 65536 bytes"),
            "{err:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        let grown = peak_kib().saturating_sub(before);
        // Other tests of this binary run meanwhile; 300 MB read whole would
        // show as 300,000 KiB.
        assert!(grown < 32 * 1024, "peak RSS grew by {grown} KiB");
    }

    #[tokio::test]
    async fn stderr_is_bounded_and_arguments_never_shown() {
        let err = CredentialProcessProvider::new(
            "sh -c 'head -c 10000000 /dev/zero | tr \"\\0\" x >&2; exit 3' --secret-arg s3cr3t",
        )
        .credentials()
        .await
        .unwrap_err();
        let text = format!("{err:?}");
        assert!(
            text.contains("command `sh`"),
            "{}",
            &text[..text.len().min(500)]
        );
        assert!(text.len() < 2000, "{} bytes of error", text.len());
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[tokio::test]
    async fn a_timeout_kills_the_whole_process_group() {
        let dir = std::env::temp_dir().join(format!("sts-process-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pid_file = dir.join("grandchild.pid");
        let command = format!("sleep 300 & echo $! > {}; wait", pid_file.display());
        let err = CredentialProcessProvider::new(command)
            .with_timeout(Duration::from_millis(500))
            .credentials()
            .await
            .unwrap_err();
        assert!(
            format!("{err:?}").contains("process group was killed"),
            "{err:?}"
        );
        assert_gone(&pid_file).await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_dropped_load_kills_the_group_too() {
        let dir = std::env::temp_dir().join(format!("sts-process-drop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pid_file = dir.join("grandchild.pid");
        let command = format!("sleep 300 & echo $! > {}; wait", pid_file.display());
        let cache = CredentialsCache::builder()
            .load_timeout(Some(Duration::from_millis(500)))
            .build(CredentialProcessProvider::new(command));
        let err = cache.credentials().await.unwrap_err();
        assert!(
            matches!(err, CredentialsError::ProviderTimedOut(_)),
            "{err:?}"
        );
        assert_gone(&pid_file).await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn debug_of_parsed_profiles_and_providers_shows_no_secret() {
    let files = sts_client::shared_config::ProfileFiles::parse(
        "[profile p]\ncredential_process = vault-creds --token proc-secret-arg\n\
         [profile q]\nsso_start_url = https://x\nexternal_id = ext-secret\n",
        "config",
        "[p]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret-key\n\
         aws_session_token = profile-session-token\n",
        "credentials",
    )
    .unwrap();
    let text = format!("{files:?}");
    for secret in [
        "proc-secret-arg",
        "profile-secret-key",
        "profile-session-token",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let provider = sts_client::credentials::ProfileProvider::builder()
        .profile("p")
        .build(&files);
    if let Ok(provider) = provider {
        let text = format!("{provider:?}");
        for secret in [
            "proc-secret-arg",
            "profile-secret-key",
            "profile-session-token",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
