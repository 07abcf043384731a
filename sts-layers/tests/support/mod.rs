//! Helpers shared by the integration tests: a recording mock transport, canned
//! responses, a stack builder with fixed time and fast backoff.
#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sts_core::endpoint::EndpointParams;
use sts_layers::BoxError;
use sts_layers::retry::RetryConfig;
use sts_layers::sigv4::TimeSource;
use sts_layers::stack::StackConfig;
use tower::service_fn;

pub const ROLE: &str = "arn:aws:iam::123456789012:role/demo";
/// 2015-08-30T12:36:00Z, the SigV4 suite's time.
pub const FIXED: u64 = 1_440_938_160;

pub type Seen = Arc<Mutex<Vec<http::Request<Bytes>>>>;
pub type Reply = Arc<dyn Fn(usize, &http::Request<Bytes>) -> http::Response<Bytes> + Send + Sync>;

/// A transport that records each request (body collected) and answers with
/// `reply(index, request)`.
pub fn transport(
    reply: Reply,
) -> (
    impl tower::Service<
        http::Request<Full<Bytes>>,
        Response = http::Response<Full<Bytes>>,
        Error = BoxError,
        Future: Send,
    > + Clone
    + Send
    + Sync
    + 'static,
    Seen,
) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let svc = service_fn(move |req: http::Request<Full<Bytes>>| {
        let log = log.clone();
        let reply = reply.clone();
        async move {
            let (parts, body) = req.into_parts();
            let body = body.collect().await?.to_bytes();
            let req = http::Request::from_parts(parts, body);
            let index = {
                let mut log = log.lock().unwrap();
                log.push(req.clone_for_test());
                log.len() - 1
            };
            Ok::<_, BoxError>(reply(index, &req).map(Full::new))
        }
    });
    (svc, seen)
}

pub trait CloneForTest {
    fn clone_for_test(&self) -> Self;
}

impl CloneForTest for http::Request<Bytes> {
    fn clone_for_test(&self) -> Self {
        let mut out = http::Request::new(self.body().clone());
        *out.method_mut() = self.method().clone();
        *out.uri_mut() = self.uri().clone();
        *out.headers_mut() = self.headers().clone();
        out
    }
}

pub fn success(name: &str) -> http::Response<Bytes> {
    let body = format!(
        "<{name}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{name}Result/>\
         <ResponseMetadata><RequestId>req-{name}</RequestId></ResponseMetadata></{name}Response>"
    );
    http::Response::new(Bytes::from(body))
}

pub fn error(status: u16, code: &str, headers: &[(&str, String)]) -> http::Response<Bytes> {
    let body = format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error>\
         <RequestId>err-1</RequestId></ErrorResponse>"
    );
    let mut resp = http::Response::new(Bytes::from(body));
    *resp.status_mut() = http::StatusCode::from_u16(status).unwrap();
    for (k, v) in headers {
        resp.headers_mut().insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    resp
}

pub fn credentials() -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("session-token".into()),
        None,
        "test",
    )
}

/// The test configuration: fixed signing time, fast retries.
pub fn config(region: &str) -> StackConfig {
    StackConfig {
        endpoint: EndpointParams::new(region),
        credentials: Some(SharedCredentialsProvider::new(credentials())),
        time_source: TimeSource::fixed(UNIX_EPOCH + Duration::from_secs(FIXED)),
        retry: RetryConfig::standard()
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(2)),
        ..StackConfig::default()
    }
}
