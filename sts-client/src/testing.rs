//! Testing code that uses the client, without a network, a server or any
//! HTTP crate of your own: [`CannedTransport`] answers each call with the
//! next status and body you gave it and records what was sent, and
//! [`output_xml`] / [`error_xml`] write the XML STS would answer.
//!
//! Enable the `test-util` feature (in `[dev-dependencies]`). For a whole
//! account with signatures, issued credentials and faults, use the
//! `sts-emulator` crate as the transport instead.
//!
//! # Example
//!
//! ```
//! use sts_client::StsClient;
//! use sts_client::model::{GetCallerIdentity, GetCallerIdentityInput, GetCallerIdentityOutput};
//! use sts_client::testing::{CannedTransport, error_xml, output_xml};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut me = GetCallerIdentityOutput::default();
//! me.account = Some("123456789012".into());
//! let transport = CannedTransport::new()
//!     .answer(200, output_xml::<GetCallerIdentity>(&me))
//!     .answer(403, error_xml("AccessDenied", "not you"));
//! let client = StsClient::builder()
//!     .region("eu-west-1")
//!     .credentials(aws_credential_types::Credentials::new("AKIDTEST", "secret", None, None, "test"))
//!     .transport(transport.clone())
//!     .build()?;
//!
//! let out = client.get_caller_identity().await?;
//! assert_eq!(out.account.as_deref(), Some("123456789012"));
//! let err = client.get_caller_identity().await.unwrap_err();
//! assert_eq!(err.code(), Some("AccessDenied"));
//!
//! let sent = transport.requests();
//! assert_eq!(sent.len(), 2);
//! assert_eq!(sent[0].action().as_deref(), Some("GetCallerIdentity"));
//! assert!(sent[0].header("authorization").is_some_and(|a| a.contains("AKIDTEST")));
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::future::Ready;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use sts_core::operation::Operation;
use sts_core::xml::{EncodeResult, encode_error_response, encode_response};

/// The request id the canned answers carry.
pub const REQUEST_ID: &str = "00000000-0000-4000-8000-000000000000";

/// A transport that answers each call with the next canned status and body
/// (a 500 `InternalFailure` once they run out), and records every request.
///
/// # Clone
///
/// Clones share the answers and the record: keep one to inspect after the
/// client has used the other.
#[derive(Clone, Default)]
pub struct CannedTransport {
    answers: Arc<Mutex<VecDeque<(u16, Bytes)>>>,
    sent: Arc<Mutex<Vec<SentRequest>>>,
}

impl fmt::Debug for CannedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CannedTransport")
            .field("answers_left", &lock(&self.answers).len())
            .field("requests", &lock(&self.sent).len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl CannedTransport {
    /// No answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues an answer: `status` and `body` (use [`output_xml`] and
    /// [`error_xml`] for STS's documents).
    #[must_use]
    pub fn answer(self, status: u16, body: impl Into<String>) -> Self {
        lock(&self.answers).push_back((status, Bytes::from(body.into())));
        self
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<SentRequest> {
        lock(&self.sent).clone()
    }
}

/// A request the client sent: method, URI, headers and the form body.
#[derive(Debug, Clone)]
pub struct SentRequest {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl SentRequest {
    /// `POST` (or `GET` for presigned use).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URI (`https://sts.eu-west-1.amazonaws.com/`).
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// A header's value, if sent (names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The awsQuery form body (`Action=...&Version=...&...`).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// A parameter of the form body, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        sts_core::query::parse_form(&self.body)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The `Action` parameter.
    pub fn action(&self) -> Option<String> {
        self.param("Action")
    }
}

impl tower::Service<http::Request<Full<Bytes>>> for CannedTransport {
    type Response = http::Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Full<Bytes>>) -> Self::Future {
        use http_body_util::BodyExt;
        let (parts, body) = req.into_parts();
        // A Full body is ready at once; anything else records as empty.
        let body = ready_now(body.collect())
            .and_then(Result::ok)
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        lock(&self.sent).push(SentRequest {
            method: parts.method.to_string(),
            uri: parts.uri.to_string(),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        let (status, body) = lock(&self.answers).pop_front().unwrap_or_else(|| {
            (
                500,
                Bytes::from(error_xml(
                    "InternalFailure",
                    "the canned transport has no more answers",
                )),
            )
        });
        let mut response = http::Response::new(Full::new(body));
        *response.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        if let Ok(v) = http::HeaderValue::from_str(REQUEST_ID) {
            response.headers_mut().insert("x-amzn-requestid", v);
        }
        std::future::ready(Ok(response))
    }
}

/// Polls a future that is ready at once (a `Full` body's collection).
fn ready_now<F: std::future::Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

/// The XML STS answers operation `O` with, for `output` (request id
/// [`REQUEST_ID`]).
pub fn output_xml<O>(output: &O::Output) -> String
where
    O: Operation,
    O::Output: EncodeResult,
{
    encode_response(output, REQUEST_ID)
}

/// The `ErrorResponse` STS answers with: `Sender` fault, `code`, `message`.
pub fn error_xml(code: &str, message: &str) -> String {
    encode_error_response("Sender", code, message, REQUEST_ID)
}
