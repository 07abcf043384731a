//! Clock-skew correction: the offset between the local clock and the server's.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use sts_core::error::ServiceError;

/// Error codes AWS services send when a signature's time is off.
pub const CLOCK_SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

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

/// A clock-skew error after which the clock was corrected: the retry will be
/// signed with the server's time. Its source is the service error.
#[derive(Debug)]
pub struct ClockSkewCorrected {
    offset_millis: i64,
    cause: ServiceError,
}

impl ClockSkewCorrected {
    pub(crate) fn new(offset_millis: i64, cause: ServiceError) -> Self {
        Self {
            offset_millis,
            cause,
        }
    }

    /// The offset now applied, in milliseconds.
    pub fn offset_millis(&self) -> i64 {
        self.offset_millis
    }
}

impl fmt::Display for ClockSkewCorrected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the local clock is off by {} s; corrected for the next attempt",
            self.offset_millis / 1000
        )
    }
}

impl std::error::Error for ClockSkewCorrected {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

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
