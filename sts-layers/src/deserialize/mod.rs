//! Error responses become typed errors, inside retry, so that the retry policy
//! classifies [`ServiceError`] codes rather than HTTP bodies.
//!
//! A 2xx response passes through (the typed edge decodes it into the operation's
//! output). Anything else is parsed as an STS error document into a
//! [`ServiceError`] (with the status, the request id, and the `Retry-After` /
//! `x-amz-retry-after` delay); a body that is not one becomes a [`StatusError`]
//! classified by status alone. A clock-skew error (see
//! [`CLOCK_SKEW_CODES`]) whose `Date` header is
//! more than a minute from the corrected local clock updates the shared
//! [`ClockSkew`] and is wrapped in [`ClockSkewCorrected`], which the retry policy
//! retries: the next attempt is signed with the server's time.
//!
//! # Example
//!
//! ```
//! use bytes::Bytes;
//! use sts_layers::deserialize::DeserializeResponseLayer;
//! use tower::{Layer, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = DeserializeResponseLayer::new().layer(service_fn(|_req: http::Request<Bytes>| async {
//!     let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
//!                 <Message>no</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
//!     let mut resp = http::Response::new(Bytes::from(body));
//!     *resp.status_mut() = http::StatusCode::FORBIDDEN;
//!     Ok::<_, sts_core::error::BoxError>(resp)
//! }));
//! let err = svc.oneshot(http::Request::new(Bytes::new())).await.unwrap_err();
//! let err = sts_core::Error::from_boxed(err);
//! assert_eq!(err.code(), Some("AccessDenied"));
//! assert_eq!(err.request_id(), Some("r-1"));
//! assert!(!err.is_retryable());
//! # }
//! ```

pub mod future;

use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::HeaderMap;
use sts_core::Error;
use sts_core::error::{BoxError, ServiceError, StatusError};
use sts_core::xml::parse_error_response;
use tower::{Layer, Service};

use self::future::ResponseFuture;
use crate::shared::ClockSkew;
use crate::sigv4::{CLOCK_SKEW_CODES, ClockSkewCorrected};

pub use crate::shared::REQUEST_ID_HEADER;

/// Turns non-2xx responses into typed errors.
#[derive(Debug, Clone)]
pub struct DeserializeResponse<S> {
    inner: S,
    clock_skew: Option<ClockSkew>,
}

impl<S> DeserializeResponse<S> {
    crate::inner_service_accessors!();
}

impl<S> Service<http::Request<Bytes>> for DeserializeResponse<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>>,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: http::Request<Bytes>) -> Self::Future {
        ResponseFuture::new(self.inner.call(req), self.clock_skew.clone())
    }
}

/// Applies [`DeserializeResponse`].
#[derive(Debug, Clone, Default)]
pub struct DeserializeResponseLayer {
    clock_skew: Option<ClockSkew>,
}

impl DeserializeResponseLayer {
    /// Without clock-skew detection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records clock skew in `skew` (share it with the signing layer).
    #[must_use]
    pub fn clock_skew(mut self, skew: ClockSkew) -> Self {
        self.clock_skew = Some(skew);
        self
    }
}

impl<S> Layer<S> for DeserializeResponseLayer {
    type Service = DeserializeResponse<S>;

    fn layer(&self, inner: S) -> DeserializeResponse<S> {
        DeserializeResponse {
            inner,
            clock_skew: self.clock_skew.clone(),
        }
    }
}

/// Nothing if `response` is a success, else the typed error it carries.
pub fn classify_response(
    response: &http::Response<Bytes>,
    clock_skew: Option<&ClockSkew>,
) -> Result<(), Error> {
    // Some proxies answer 200 with an STS error body: it is classified (and
    // retried) like the error it is. Only the root element is looked at.
    if response.status().is_success() && !is_error_document(response.body()) {
        return Ok(());
    }
    let status = response.status().as_u16();
    let headers = response.headers();
    let retry_after = retry_after(headers);
    let mut service = match parse_error_response(response.body(), Some(status)) {
        Ok(service) => service,
        Err(decode) => {
            let mut err = StatusError::new(status, decode);
            if let Some(delay) = retry_after {
                err = err.with_retry_after(delay);
            }
            return Err(Error::classified(err));
        }
    };
    if let Some(delay) = retry_after {
        service = service.with_retry_after(delay);
    }
    if service.request_id().is_none()
        && let Some(id) = headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok())
    {
        service = service.with_request_id(id);
    }
    if let Some(offset) = clock_skew.and_then(|skew| skew_offset(&service, headers, skew)) {
        return Err(Error::classified(ClockSkewCorrected::new(offset, service)));
    }
    Err(service.into())
}

/// Whether the document's root element is `ErrorResponse` (after
/// whitespace and an XML declaration).
fn is_error_document(body: &[u8]) -> bool {
    let mut rest = body.trim_ascii_start();
    if rest.starts_with(b"<?") {
        match rest.windows(2).position(|w| w == b"?>") {
            Some(end) => rest = rest[end + 2..].trim_ascii_start(),
            None => return false,
        }
    }
    rest.starts_with(b"<ErrorResponse")
        && rest
            .get(14)
            .is_some_and(|b| matches!(b, b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/'))
}

fn skew_offset(service: &ServiceError, headers: &HeaderMap, skew: &ClockSkew) -> Option<i64> {
    if !CLOCK_SKEW_CODES.contains(&service.code()) {
        return None;
    }
    let date = headers.get(http::header::DATE)?.to_str().ok()?;
    let server = httpdate::parse_http_date(date).ok()?;
    skew.record(server, SystemTime::now())
}

/// `x-amz-retry-after` (milliseconds) or `Retry-After` (seconds).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    number("x-amz-retry-after")
        .map(Duration::from_millis)
        .or_else(|| number("retry-after").map(Duration::from_secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sts_core::ErrorKind;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Bytes> {
        let mut builder = http::Response::builder().status(status);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
        <Message>Rate exceeded</Message></Error></ErrorResponse>";

    #[test]
    fn an_error_document_sent_with_200_is_the_error_it_describes() {
        let err = classify_response(&response(200, &[], THROTTLED), None).unwrap_err();
        assert_eq!(err.code(), Some("Throttling"));
        assert!(err.is_retryable() && err.is_throttling());
        assert_eq!(err.service_error().unwrap().status(), Some(200));
        let with_decl = format!("  <?xml version=\"1.0\"?>\n{THROTTLED}");
        assert!(classify_response(&response(200, &[], &with_decl), None).is_err());
        // Other documents, and look-alike names, pass through.
        for body in [
            "<GetCallerIdentityResponse/>",
            "<ErrorResponses/>",
            "",
            "<?xml",
        ] {
            assert!(
                classify_response(&response(200, &[], body), None).is_ok(),
                "{body}"
            );
        }
    }

    #[test]
    fn success_passes_through() {
        assert!(classify_response(&response(200, &[], "<x/>"), None).is_ok());
    }

    #[test]
    fn service_errors_carry_status_retry_after_and_header_request_id() {
        let err = classify_response(
            &response(
                400,
                &[("x-amzn-RequestId", "hdr-id"), ("Retry-After", "3")],
                THROTTLED,
            ),
            None,
        )
        .unwrap_err();
        let service = err.service_error().unwrap();
        assert_eq!(service.code(), "Throttling");
        assert_eq!(service.status(), Some(400));
        assert_eq!(service.request_id(), Some("hdr-id"));
        assert_eq!(service.retry_after(), Some(Duration::from_secs(3)));
        assert!(err.is_throttling());
        let err = classify_response(
            &response(400, &[("x-amz-retry-after", "1500")], THROTTLED),
            None,
        )
        .unwrap_err();
        assert_eq!(
            err.service_error().unwrap().retry_after(),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn a_non_xml_error_is_classified_by_status() {
        for (status, retryable) in [(503, true), (502, true), (429, true), (404, false)] {
            let err = classify_response(&response(status, &[], "<html>oops"), None).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Response);
            assert_eq!(err.is_retryable(), retryable, "{status}");
            let status_error = err.find_source::<StatusError>().unwrap();
            assert_eq!(status_error.status(), status);
        }
        let err = classify_response(&response(503, &[], ""), None).unwrap_err();
        assert!(err.is_retryable());
    }

    #[test]
    fn a_skew_error_with_a_distant_date_corrects_the_clock() {
        let skew = ClockSkew::new();
        let body = "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>\
            <Message>Signature expired</Message></Error></ErrorResponse>";
        let server = SystemTime::now() + Duration::from_secs(1800);
        let date = httpdate::fmt_http_date(server);
        let err =
            classify_response(&response(403, &[("Date", &date)], body), Some(&skew)).unwrap_err();
        let corrected = err.find_source::<ClockSkewCorrected>().unwrap();
        assert!((corrected.offset_millis() - 1_800_000).abs() < 5_000);
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
        // Same error again with the clock now right: a real signature problem.
        let err =
            classify_response(&response(403, &[("Date", &date)], body), Some(&skew)).unwrap_err();
        assert!(err.find_source::<ClockSkewCorrected>().is_none());
        // A skew code with a Date close to ours is not skew either.
        let fresh = ClockSkew::new();
        let now = httpdate::fmt_http_date(SystemTime::now());
        let err =
            classify_response(&response(403, &[("Date", &now)], body), Some(&fresh)).unwrap_err();
        assert!(err.find_source::<ClockSkewCorrected>().is_none());
        assert_eq!(fresh.offset_millis(), 0);
    }
}
