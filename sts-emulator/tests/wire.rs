//! The emulator on the wire, without the client: every one-byte change to a
//! signed request is refused; unsigned calls to signed operations, presigned
//! URLs, validation messages in AWS's words, and the loopback server.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Full};
use sts_core::xml::parse_error_response;
use sts_emulator::{Emulator, EmulatorBody, EmulatorServer, example};
use sts_layers::sigv4::{SigningConfig, sign_request, sign_request_with};
use tower::ServiceExt;

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

async fn send(emulator: &Emulator, req: Request<Full<Bytes>>) -> (u16, String) {
    let response: Response<EmulatorBody> = emulator.clone().oneshot(req).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

fn code(body: &str) -> String {
    parse_error_response(body.as_bytes(), None)
        .map(|e| e.code().to_owned())
        .unwrap_or_default()
}

/// A signed request, as parts we can change one byte at a time.
#[derive(Clone)]
struct Raw {
    method: Vec<u8>,
    path_and_query: Vec<u8>,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Raw {
    fn signed(method: &str, path_and_query: &str, body: &str, presign: bool) -> Self {
        let mut req = Request::builder()
            .method(method)
            .uri(format!(
                "https://sts.us-east-1.amazonaws.com{path_and_query}"
            ))
            .header("content-type", FORM)
            .body(body.as_bytes().to_vec())
            .unwrap();
        let creds = example::credentials();
        if presign {
            let config = SigningConfig {
                region: "us-east-1",
                service: "sts",
                time: SystemTime::now(),
                sign_session_token: true,
                content_sha256_header: false,
                expires_in: Some(Duration::from_secs(300)),
            };
            sign_request_with(&mut req, &creds, &config).unwrap();
        } else {
            sign_request(&mut req, &creds, "us-east-1", SystemTime::now()).unwrap();
        }
        let headers = req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect();
        Self {
            method: method.as_bytes().to_vec(),
            path_and_query: req
                .uri()
                .path_and_query()
                .unwrap()
                .as_str()
                .as_bytes()
                .to_vec(),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    fn signed_header_names(&self) -> Vec<String> {
        let auth = self.headers.iter().find(|(k, _)| k == "authorization");
        match auth {
            Some((_, v)) => {
                let v = String::from_utf8(v.clone()).unwrap();
                let list = v
                    .split("SignedHeaders=")
                    .nth(1)
                    .unwrap()
                    .split(',')
                    .next()
                    .unwrap()
                    .to_owned();
                list.split(';').map(str::to_owned).collect()
            }
            None => Vec::new(),
        }
    }

    /// The request, or None if the change made it unsendable (not HTTP).
    fn build(&self) -> Option<Request<Full<Bytes>>> {
        let method = Method::from_bytes(&self.method).ok()?;
        let pq = std::str::from_utf8(&self.path_and_query).ok()?;
        let mut b = Request::builder()
            .method(method)
            .uri(format!("https://sts.us-east-1.amazonaws.com{pq}"));
        for (k, v) in &self.headers {
            b = b.header(k.as_str(), http::HeaderValue::from_bytes(v).ok()?);
        }
        b.body(Full::new(Bytes::from(self.body.clone()))).ok()
    }
}

/// Every replacement of one byte of `bytes` by another printable byte.
fn one_byte_changes(bytes: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    (0..bytes.len()).flat_map(move |i| {
        [b'a', b'Z', b'7', b'-', b'%', b'/', b'=']
            .into_iter()
            .filter(move |&c| c != bytes[i])
            .map(move |c| {
                let mut changed = bytes.to_vec();
                changed[i] = c;
                changed
            })
    })
}

async fn assert_every_change_refused(emulator: &Emulator, raw: &Raw) -> usize {
    let (status, body) = send(emulator, raw.build().unwrap()).await;
    assert_eq!(status, 200, "the unchanged request must pass: {body}");
    let mut variants: Vec<(String, Raw)> = Vec::new();
    for m in one_byte_changes(&raw.method) {
        variants.push((
            "method".into(),
            Raw {
                method: m,
                ..raw.clone()
            },
        ));
    }
    for pq in one_byte_changes(&raw.path_and_query) {
        variants.push((
            "path/query".into(),
            Raw {
                path_and_query: pq,
                ..raw.clone()
            },
        ));
    }
    for b in one_byte_changes(&raw.body) {
        variants.push((
            "body".into(),
            Raw {
                body: b,
                ..raw.clone()
            },
        ));
    }
    let signed = raw.signed_header_names();
    for (i, (name, value)) in raw.headers.iter().enumerate() {
        // Signed headers, and the Authorization header (credential, list and signature).
        if !signed.contains(name) && name != "authorization" {
            continue;
        }
        for v in one_byte_changes(value) {
            let mut changed = raw.clone();
            changed.headers[i].1 = v;
            variants.push((format!("header {name}"), changed));
        }
    }
    let mut sent = 0;
    for (what, variant) in variants {
        let Some(req) = variant.build() else { continue };
        let (status, body) = send(emulator, req).await;
        assert_ne!(
            status,
            200,
            "a one-byte change to the {what} was accepted: {:?}",
            String::from_utf8_lossy(&variant.path_and_query)
        );
        assert!(
            !code(&body).is_empty(),
            "no error code for a change to the {what}: {body}"
        );
        sent += 1;
    }
    sent
}

#[tokio::test]
async fn every_one_byte_change_to_a_signed_request_is_refused() {
    let emulator = Emulator::new();
    let post = Raw::signed(
        "POST",
        "/",
        "Action=GetCallerIdentity&Version=2011-06-15",
        false,
    );
    let n = assert_every_change_refused(&emulator, &post).await;
    assert!(n > 1500, "only {n} variants sent");

    let get = Raw::signed(
        "GET",
        "/?Action=GetCallerIdentity&Version=2011-06-15",
        "",
        false,
    );
    assert_every_change_refused(&emulator, &get).await;

    // Presigned: the signature and everything else sit in the query.
    let presigned = Raw::signed(
        "GET",
        "/?Action=GetCallerIdentity&Version=2011-06-15",
        "",
        true,
    );
    let n = assert_every_change_refused(&emulator, &presigned).await;
    assert!(n > 1500, "only {n} variants sent");
}

#[tokio::test]
async fn unsigned_calls_to_signed_operations_and_unknown_actions() {
    let emulator = Emulator::new();
    let req = |body: &'static str| {
        Request::post("https://sts.amazonaws.com/")
            .header("content-type", FORM)
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .unwrap()
    };
    let (status, body) = send(
        &emulator,
        req("Action=GetCallerIdentity&Version=2011-06-15"),
    )
    .await;
    assert_eq!(
        (status, code(&body).as_str()),
        (403, "MissingAuthenticationToken")
    );
    let (status, body) = send(&emulator, req("Action=DeleteEverything&Version=2011-06-15")).await;
    assert_eq!((status, code(&body).as_str()), (400, "InvalidAction"));
    assert!(
        body.contains("Could not find operation DeleteEverything for version 2011-06-15"),
        "{body}"
    );
    let (status, body) = send(&emulator, req("Version=2011-06-15")).await;
    assert_eq!((status, code(&body).as_str()), (400, "MissingAction"));
    let (status, body) = send(
        &emulator,
        req("Action=GetCallerIdentity&Version=2010-01-01"),
    )
    .await;
    assert_eq!((status, code(&body).as_str()), (400, "InvalidAction"));

    // Unsigned operations need no signature, but their input is checked.
    let (status, body) = send(&emulator, req("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/example&RoleSessionName=ok&WebIdentityToken=not-a-jwt-but-long-enough")).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (400, "InvalidIdentityToken"),
        "{body}"
    );
    assert!(!body.contains("not-a-jwt"), "the token is echoed: {body}");

    let expired = emulator.web_identity_token("sub", example::OIDC_AUDIENCE, Duration::ZERO);
    let body_text = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName=ok&WebIdentityToken={expired}",
        example::ROLE_ARN
    );
    let r = Request::post("https://sts.amazonaws.com/")
        .header("content-type", FORM)
        .body(Full::new(Bytes::from(body_text)))
        .unwrap();
    let (status, body) = send(&emulator, r).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (400, "ExpiredTokenException"),
        "{body}"
    );
}

async fn signed_call(emulator: &Emulator, form: &str) -> (u16, String) {
    let mut req = Request::post("https://sts.us-east-1.amazonaws.com/")
        .header("content-type", FORM)
        .body(form.as_bytes().to_vec())
        .unwrap();
    sign_request(
        &mut req,
        &example::credentials(),
        "us-east-1",
        SystemTime::now(),
    )
    .unwrap();
    let (parts, body) = req.into_parts();
    send(
        emulator,
        Request::from_parts(parts, Full::new(Bytes::from(body))),
    )
    .await
}

#[tokio::test]
async fn validation_errors_in_aws_words() {
    let emulator = Emulator::new();
    let cases = [
        (
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/example&RoleSessionName=a",
            "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
        ),
        (
            "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ok",
            "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
        ),
        (
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/example&RoleSessionName=has%20space",
            "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ),
        (
            "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=10",
            "1 validation error detected: Value '10' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
        ),
        (
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/example&RoleSessionName=ok&Tags.member.1.Key=&Tags.member.1.Value=v",
            "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=soon",
            "1 validation error detected: Value at 'DurationSeconds' failed to satisfy constraint: \"soon\" is not a 32-bit integer",
        ),
    ];
    for (form, message) in cases {
        let (status, body) = signed_call(&emulator, form).await;
        let err = parse_error_response(body.as_bytes(), Some(status)).unwrap();
        assert_eq!(
            (status, err.code()),
            (400, "ValidationError"),
            "{form}: {body}"
        );
        assert_eq!(err.message(), Some(message), "{form}");
        assert_eq!(err.error_type(), Some("Sender"));
    }
    // A sensitive value is never echoed.
    let (_, body) = signed_call(&emulator, "Action=GetSessionToken&Version=2011-06-15&SerialNumber=arn:aws:iam::123456789012:mfa/alice&TokenCode=12345").await;
    assert!(
        body.contains("at 'tokenCode'") && !body.contains("12345"),
        "{body}"
    );
}

#[tokio::test]
async fn presigned_urls_from_the_client_are_verified() {
    let emulator = Emulator::new();
    let client = sts_client::StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(emulator.clone())
        .build()
        .unwrap();
    let input = sts_core::model::GetCallerIdentityInput::builder()
        .build()
        .unwrap();
    let url = client
        .presign::<sts_core::model::GetCallerIdentity>(
            &input,
            &sts_client::presign::PresignConfig::new(Duration::from_secs(60)).unwrap(),
        )
        .await
        .unwrap();
    let (status, body) = send(&emulator, url.to_http_request().map(Full::new)).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("<Arn>arn:aws:iam::123456789012:user/alice</Arn>"),
        "{body}"
    );

    // Two minutes later by the emulator's clock, the 60-second URL has expired.
    emulator.set_clock_offset(120);
    let (status, body) = send(&emulator, url.to_http_request().map(Full::new)).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (403, "AccessDenied"),
        "{body}"
    );
}

#[tokio::test]
async fn loopback_server_speaks_http() {
    let server = EmulatorServer::start(Emulator::new(), 0).await.unwrap();
    let client = sts_client::StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .endpoint_url(server.endpoint_url())
        .build()
        .unwrap();
    let me = client
        .get_caller_identity_with(
            sts_core::model::GetCallerIdentityInput::builder()
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(me.account.as_deref(), Some(example::ACCOUNT_ID));
    let call = server.emulator().calls().pop().unwrap();
    assert_eq!(call.status, 200);
    assert_eq!(call.access_key_id.as_deref(), Some(example::ACCESS_KEY_ID));

    // A dropped connection over real TCP: the client sees a dispatch error and retries.
    server
        .emulator()
        .inject(sts_emulator::Fault::DropConnection, 1);
    client
        .get_caller_identity_with(
            sts_core::model::GetCallerIdentityInput::builder()
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let calls = server.emulator().calls();
    assert_eq!(calls[calls.len() - 2].status, 0);

    // A body cut short over TCP.
    server
        .emulator()
        .inject(sts_emulator::Fault::TruncateBody, 3);
    let err = client
        .get_caller_identity_with(
            sts_core::model::GetCallerIdentityInput::builder()
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert!(
        err.is_retryable() || err.kind() == sts_core::ErrorKind::Response,
        "{err:#}"
    );
    server.shutdown().await;
}
