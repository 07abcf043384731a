//! The emulator is a server: requests built to hurt it get STS errors, and
//! memory and connections stay bounded.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sts_emulator::{Emulator, EmulatorServer, MAX_RECORDED_BYTES, ServerLimits, example};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

fn post(body: impl Into<Bytes>) -> http::Request<Full<Bytes>> {
    http::Request::post("http://127.0.0.1/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(body.into()))
        .unwrap()
}

async fn answer(emulator: &Emulator, request: http::Request<Full<Bytes>>) -> (u16, String) {
    let response = emulator.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn jwt(claims: &serde_json::Value) -> String {
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.c2ln",
        b64(br#"{"alg":"RS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes())
    )
}

#[tokio::test]
async fn a_jwt_exp_of_u64_max_is_an_sts_error_not_a_dropped_connection() {
    let emulator = Emulator::new();
    for exp in [
        serde_json::json!(u64::MAX),
        serde_json::json!(253_402_300_800_u64), // year 10000
        serde_json::json!(-1),
        serde_json::json!("soon"),
    ] {
        let token = jwt(&serde_json::json!({
            "iss": example::OIDC_ISSUER, "sub": "ci", "aud": example::OIDC_AUDIENCE, "exp": exp,
        }));
        let body = format!(
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName=ci&WebIdentityToken={token}",
            percent_encode(example::ROLE_ARN)
        );
        let (status, xml) = answer(&emulator, post(body)).await;
        assert_eq!(status, 400, "exp {exp}: {xml}");
        assert!(
            xml.contains("<Code>InvalidIdentityToken</Code>"),
            "exp {exp}: {xml}"
        );
    }
}

fn percent_encode(s: &str) -> String {
    s.replace(':', "%3A").replace('/', "%2F")
}

#[tokio::test]
async fn a_megabyte_of_empty_parameters_is_refused_before_parsing() {
    let emulator = Emulator::new();
    let body = "a&".repeat(512 * 1024);
    let (status, xml) = answer(&emulator, post(body)).await;
    assert_eq!(status, 400);
    assert!(xml.contains("MalformedQueryString"), "{xml}");
    let calls = emulator.calls();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].params.is_empty());
}

#[tokio::test]
async fn the_call_record_is_bounded_in_bytes() {
    let emulator = Emulator::new();
    // 60 calls of 1,000 parameters with 1,000-byte values: 60 MB sent.
    let value = "v".repeat(1000);
    let body: String = (0..1000).map(|i| format!("P{i}={value}&")).collect();
    let body = Bytes::from(format!(
        "Action=GetCallerIdentity&Version=2011-06-15&{body}"
    ));
    for _ in 0..60 {
        let (status, _) = answer(&emulator, post(body.clone())).await;
        assert_eq!(status, 403); // unsigned
    }
    let calls = emulator.calls();
    let recorded: usize = calls
        .iter()
        .flat_map(|c| &c.params)
        .map(|(k, v)| k.len() + v.len())
        .sum();
    assert!(recorded <= MAX_RECORDED_BYTES, "{recorded} bytes recorded");
    assert!(calls.iter().all(|c| c.params.len() <= 256));
    assert_eq!(
        calls.last().unwrap().param("Action"),
        Some("GetCallerIdentity")
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let server = EmulatorServer::start(Emulator::new(), 0).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut buf = Vec::new();
    // The server closes the connection (EOF or a 408) once the header read
    // timeout passes; the paused clock gets there without waiting.
    let read = tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "still connected after 60 s");
    assert!(started.elapsed() >= sts_emulator::HEADER_READ_TIMEOUT);
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_a_free_slot() {
    let limits = ServerLimits::default().max_connections(16);
    let server = EmulatorServer::bind_with(Emulator::new(), "127.0.0.1:0".parse().unwrap(), limits)
        .await
        .unwrap();
    let mut idle = Vec::new();
    for _ in 0..16 {
        idle.push(
            tokio::net::TcpStream::connect(server.local_addr())
                .await
                .unwrap(),
        );
    }
    let request = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
        Content-Length: 43\r\nConnection: close\r\n\r\nAction=GetCallerIdentity&Version=2011-06-15";
    let mut extra = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    extra.write_all(request).await.unwrap();
    let mut first = [0u8; 12];
    let early =
        tokio::time::timeout(Duration::from_millis(500), extra.read_exact(&mut first)).await;
    assert!(early.is_err(), "served past the connection cap");
    idle.pop();
    tokio::time::timeout(Duration::from_secs(5), extra.read_exact(&mut first))
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert_eq!(&first, b"HTTP/1.1 403");
}
