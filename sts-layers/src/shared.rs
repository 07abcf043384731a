//! The vocabulary the layers share: what one layer puts in a request's
//! extensions for another ([`SigningRegion`], [`Attempt`]), the state they
//! share ([`ClockSkew`]), where time comes from ([`TimeSource`]), and the
//! header STS puts its request id in. Defined once here; each layer's module
//! re-exports what it uses, so older paths (`sigv4::SigningRegion`,
//! `headers::Attempt`, ...) still work.
//!
//! # Example
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use sts_layers::shared::{ClockSkew, SigningRegion, TimeSource};
//!
//! let region = SigningRegion::new("eu-west-1");
//! assert_eq!(region.as_str(), "eu-west-1");
//! let skew = ClockSkew::new();
//! let local = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! assert_eq!(skew.record(local + Duration::from_secs(600), local), Some(600_000));
//! assert_eq!(TimeSource::fixed(local).now(), local);
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderValue;

use crate::headers::SDK_REQUEST;

/// The header STS puts its request id in.
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// The region a request is signed for; put in the request's extensions by the
/// [`endpoint`](crate::endpoint) layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningRegion(Arc<str>);

impl SigningRegion {
    /// A signing region.
    pub fn new(region: impl Into<Arc<str>>) -> Self {
        Self(region.into())
    }

    /// The region name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where the signing time comes from: the system clock, or a fixed time in tests.
///
/// # Clone
///
/// Clones share the function.
#[derive(Clone)]
pub struct TimeSource(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl TimeSource {
    /// The system clock.
    pub fn system() -> Self {
        Self::new(SystemTime::now)
    }

    /// Always `time`.
    pub fn fixed(time: SystemTime) -> Self {
        Self::new(move || time)
    }

    /// Any function of no arguments.
    pub fn new(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The time now, by this source.
    pub fn now(&self) -> SystemTime {
        (self.0)()
    }
}

impl Default for TimeSource {
    fn default() -> Self {
        Self::system()
    }
}

impl std::fmt::Debug for TimeSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TimeSource")
    }
}

/// A skew smaller than this is not a skew: the error was something else.
pub(crate) const SKEW_THRESHOLD: Duration = Duration::from_secs(60);

/// A skew larger than this is not believed: a `Date` header a day or more
/// away (year 9999, year 1970) is a broken or hostile server, not a clock, and
/// is ignored rather than moving every later signature.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(24 * 60 * 60);

/// The offset to add to the local clock to get the server's, shared by the
/// signing layer (which applies it) and the layer that reads error responses
/// (which records it).
///
/// # Clone
///
/// Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct ClockSkew(Arc<AtomicI64>);

impl ClockSkew {
    /// No skew.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current offset in milliseconds (positive: the server is ahead).
    pub fn offset_millis(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }

    /// `local` corrected by the offset.
    pub fn apply(&self, local: SystemTime) -> SystemTime {
        let offset = self.offset_millis();
        let magnitude = Duration::from_millis(offset.unsigned_abs());
        if offset >= 0 {
            local.checked_add(magnitude).unwrap_or(local)
        } else {
            local.checked_sub(magnitude).unwrap_or(local)
        }
    }

    /// Records the server's time as seen at local time `local`. Returns the new
    /// offset if the corrected clock was off by more than a minute (and so the
    /// offset changed), `None` if the clocks already agreed or if the server's
    /// time is more than [`MAX_CLOCK_SKEW`] (24 h) from the local clock, which
    /// is ignored.
    pub fn record(&self, server: SystemTime, local: SystemTime) -> Option<i64> {
        let corrected = self.apply(local);
        let off = match server.duration_since(corrected) {
            Ok(ahead) => ahead,
            Err(behind) => behind.duration(),
        };
        if off < SKEW_THRESHOLD {
            return None;
        }
        let offset = signed_millis(server, local);
        if offset.unsigned_abs() > MAX_CLOCK_SKEW.as_secs() * 1000 {
            tracing::warn!(
                offset_secs = offset / 1000,
                "ignored an implausible clock skew (more than 24 h) from the server's Date header"
            );
            return None;
        }
        self.0.store(offset, Ordering::Relaxed);
        Some(offset)
    }
}

fn signed_millis(server: SystemTime, local: SystemTime) -> i64 {
    let clamp = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    match server.duration_since(local) {
        Ok(ahead) => clamp(ahead),
        Err(behind) => -clamp(behind.duration()),
    }
}

/// Which attempt a request is, of how many at most; in the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// The most attempts the retry policy allows.
    pub max: u32,
}

impl Attempt {
    /// Records attempt `number` of `max` on `req`: the extension and `amz-sdk-request`.
    pub fn set<B>(req: &mut http::Request<B>, number: u32, max: u32) {
        let value = if number == 1 && max <= 10 {
            HeaderValue::from_static(FIRST_ATTEMPT[max as usize])
        } else {
            let text = format!("attempt={number}; max={max}");
            HeaderValue::try_from(text).unwrap_or(HeaderValue::from_static("attempt=1; max=1"))
        };
        req.headers_mut().insert(SDK_REQUEST, value);
        req.extensions_mut().insert(Attempt { number, max });
    }
}

const FIRST_ATTEMPT: [&str; 11] = [
    "attempt=1; max=0",
    "attempt=1; max=1",
    "attempt=1; max=2",
    "attempt=1; max=3",
    "attempt=1; max=4",
    "attempt=1; max=5",
    "attempt=1; max=6",
    "attempt=1; max=7",
    "attempt=1; max=8",
    "attempt=1; max=9",
    "attempt=1; max=10",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn records_a_large_offset_once_and_applies_it() {
        let skew = ClockSkew::new();
        let local = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let server = local + Duration::from_secs(900);
        assert_eq!(skew.record(server, local), Some(900_000));
        assert_eq!(skew.apply(local), server);
        // Already corrected: a second skew error is not a skew.
        assert_eq!(skew.record(server, local), None);
        // A server behind us.
        let behind = local - Duration::from_secs(3600);
        assert_eq!(skew.record(behind, local), Some(-3_600_000));
        assert_eq!(skew.apply(local), behind);
    }

    #[test]
    fn implausible_skews_are_ignored() {
        let skew = ClockSkew::new();
        let local = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let year_9999 = UNIX_EPOCH + Duration::from_secs(253_402_300_799);
        assert_eq!(skew.record(year_9999, local), None);
        assert_eq!(skew.record(UNIX_EPOCH, local), None);
        assert_eq!(
            skew.record(local + MAX_CLOCK_SKEW + Duration::from_secs(1), local),
            None
        );
        assert_eq!(skew.offset_millis(), 0);
        assert_eq!(skew.apply(local), local);
        // Just inside the bound is believed.
        assert!(skew.record(local + MAX_CLOCK_SKEW, local).is_some());
    }

    #[test]
    fn small_differences_are_not_skew() {
        let skew = ClockSkew::new();
        let local = UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(skew.record(local + Duration::from_secs(59), local), None);
        assert_eq!(skew.offset_millis(), 0);
    }
}
