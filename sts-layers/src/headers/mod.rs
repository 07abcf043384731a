//! The headers every STS request carries.
//!
//! - `user-agent`: this crate and its version;
//! - `content-type: application/x-www-form-urlencoded; charset=utf-8` unless set;
//! - `amz-sdk-invocation-id`: a random UUID, one per operation, the same for all
//!   of its attempts (the layer sits outside retry);
//! - `amz-sdk-request: attempt=1; max=M`, which the retry policy rewrites for
//!   each retry, with the [`Attempt`] extension that tracing reads.
//!
//! # Example
//!
//! ```
//! use bytes::Bytes;
//! use sts_layers::headers::SdkHeadersLayer;
//! use tower::{Layer, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let svc = SdkHeadersLayer::new(3).layer(service_fn(|req: http::Request<Bytes>| async move {
//!     Ok::<_, std::convert::Infallible>(req.headers().clone())
//! }));
//! let headers = svc.oneshot(http::Request::new(Bytes::new())).await.unwrap();
//! assert_eq!(headers["amz-sdk-request"], "attempt=1; max=3");
//! assert_eq!(headers["amz-sdk-invocation-id"].len(), 36);
//! # }
//! ```

use std::task::{Context, Poll};

use bytes::Bytes;
use http::HeaderValue;
use http::header::{CONTENT_TYPE, USER_AGENT};
use tower::{Layer, Service};

/// `amz-sdk-invocation-id`.
pub const INVOCATION_ID: http::HeaderName = http::HeaderName::from_static("amz-sdk-invocation-id");
/// `amz-sdk-request`.
pub const SDK_REQUEST: http::HeaderName = http::HeaderName::from_static("amz-sdk-request");
/// The `user-agent` this crate sends.
pub const USER_AGENT_VALUE: &str = concat!("sts-tower/", env!("CARGO_PKG_VERSION"));
/// The content type of awsQuery requests.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

pub use crate::shared::Attempt;

/// Adds the SDK headers, then calls the inner service.
#[derive(Debug, Clone)]
pub struct SdkHeaders<S> {
    inner: S,
    max_attempts: u32,
    user_agent: HeaderValue,
}

impl<S> SdkHeaders<S> {
    crate::inner_service_accessors!();
}

impl<S> Service<http::Request<Bytes>> for SdkHeaders<S>
where
    S: Service<http::Request<Bytes>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: http::Request<Bytes>) -> Self::Future {
        let headers = req.headers_mut();
        headers.insert(USER_AGENT, self.user_agent.clone());
        if !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
        }
        headers.insert(INVOCATION_ID, invocation_id());
        Attempt::set(&mut req, 1, self.max_attempts);
        self.inner.call(req)
    }
}

/// Applies [`SdkHeaders`].
#[derive(Debug, Clone)]
pub struct SdkHeadersLayer {
    max_attempts: u32,
    user_agent: HeaderValue,
}

impl SdkHeadersLayer {
    /// Headers for operations retried at most `max_attempts` times in all.
    pub fn new(max_attempts: u32) -> Self {
        Self {
            max_attempts,
            user_agent: HeaderValue::from_static(USER_AGENT_VALUE),
        }
    }

    /// Sets the most attempts announced in `amz-sdk-request`.
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Appends `suffix` (an application name) to the user agent; refused if it is
    /// not visible ASCII.
    pub fn user_agent_suffix(mut self, suffix: &str) -> Result<Self, crate::SettingError> {
        self.user_agent = user_agent(Some(suffix), None)?;
        Ok(self)
    }

    /// Sets the whole `user-agent` value (see [`user_agent`]).
    #[must_use]
    pub fn with_user_agent(mut self, value: HeaderValue) -> Self {
        self.user_agent = value;
        self
    }

    /// The `user-agent` value sent.
    pub fn user_agent(&self) -> &HeaderValue {
        &self.user_agent
    }
}

/// The longest application id the AWS SDKs accept in `app/<id>`.
pub const MAX_APP_ID: usize = 50;

/// `sts-tower/<version>`, then `suffix`, then `app/<app_id>` (as the AWS SDKs
/// add `AWS_SDK_UA_APP_ID`). Refused: a suffix that is not visible ASCII and
/// spaces, an app id longer than [`MAX_APP_ID`] or with a space or a control
/// character.
///
/// ```
/// use sts_layers::headers::user_agent;
///
/// let ua = user_agent(Some("my-tool/2.0"), Some("billing"))?;
/// assert!(ua.to_str()?.starts_with("sts-tower/"));
/// assert!(ua.to_str()?.ends_with(" my-tool/2.0 app/billing"));
/// assert!(user_agent(None, Some("has space")).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn user_agent(
    suffix: Option<&str>,
    app_id: Option<&str>,
) -> Result<HeaderValue, crate::SettingError> {
    let mut value = String::from(USER_AGENT_VALUE);
    if let Some(suffix) = suffix {
        if !suffix.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
            return Err(crate::SettingError::new(
                "user agent suffix",
                "visible ASCII",
                suffix,
            ));
        }
        value.push(' ');
        value.push_str(suffix);
    }
    if let Some(id) = app_id {
        if id.is_empty() || id.len() > MAX_APP_ID || !id.chars().all(|c| c.is_ascii_graphic()) {
            return Err(crate::SettingError::new(
                "app id (AWS_SDK_UA_APP_ID, sdk_ua_app_id)",
                "1 to 50 visible ASCII characters without spaces",
                id.chars().take(80).collect::<String>(),
            ));
        }
        value.push_str(" app/");
        value.push_str(id);
    }
    HeaderValue::try_from(value).map_err(|_| {
        crate::SettingError::new("user agent suffix", "visible ASCII", suffix.unwrap_or(""))
    })
}

impl<S> Layer<S> for SdkHeadersLayer {
    type Service = SdkHeaders<S>;

    fn layer(&self, inner: S) -> SdkHeaders<S> {
        SdkHeaders {
            inner,
            max_attempts: self.max_attempts,
            user_agent: self.user_agent.clone(),
        }
    }
}

/// A random (version 4) UUID, formatted without allocating but for the header.
fn invocation_id() -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = [0u8; 36];
    let mut at = 0;
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out[at] = b'-';
            at += 1;
        }
        out[at] = HEX[usize::from(b >> 4)];
        out[at + 1] = HEX[usize::from(b & 0x0f)];
        at += 2;
    }
    HeaderValue::from_bytes(&out).unwrap_or(HeaderValue::from_static("invalid"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    #[test]
    fn invocation_ids_are_v4_uuids_and_differ() {
        let a = invocation_id();
        let b = invocation_id();
        assert_ne!(a, b);
        let s = a.to_str().unwrap();
        let groups: Vec<_> = s.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&s[14..15], "4");
        assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn attempt_header_past_the_table() {
        let mut req = http::Request::new(());
        Attempt::set(&mut req, 12, 20);
        assert_eq!(req.headers()[SDK_REQUEST], "attempt=12; max=20");
        assert_eq!(req.extensions().get::<Attempt>().unwrap().number, 12);
    }

    #[tokio::test]
    async fn sets_headers_and_keeps_a_given_content_type() {
        let layer = SdkHeadersLayer::new(5)
            .user_agent_suffix("app/1.0")
            .unwrap();
        let svc = layer.layer(tower::service_fn(|req: http::Request<Bytes>| async move {
            Ok::<_, std::convert::Infallible>(req)
        }));
        let mut req = http::Request::new(Bytes::new());
        req.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        let req = svc.oneshot(req).await.unwrap();
        assert_eq!(req.headers()[CONTENT_TYPE], "text/plain");
        assert_eq!(
            req.headers()[USER_AGENT],
            concat!("sts-tower/", env!("CARGO_PKG_VERSION"), " app/1.0")
        );
        assert_eq!(req.headers()[SDK_REQUEST], "attempt=1; max=5");
        assert!(
            SdkHeadersLayer::new(1)
                .user_agent_suffix("bad\nvalue")
                .is_err()
        );
    }
}
