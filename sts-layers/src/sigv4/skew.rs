//! Clock-skew correction: the offset between the local clock and the server's.

use std::fmt;

use sts_core::error::{Classify, ServiceError};

/// Error codes AWS services send when a signature's time is off.
pub const CLOCK_SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

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

/// Classified as its cause, the service error (its kind, and whether it is
/// retryable by itself; the retry policy retries it anyway, once corrected).
impl Classify for ClockSkewCorrected {
    fn error_kind(&self) -> sts_core::ErrorKind {
        self.cause.error_kind()
    }

    fn is_retryable(&self) -> bool {
        self.cause.is_retryable()
    }

    fn is_throttling(&self) -> bool {
        self.cause.is_throttling()
    }
}

impl std::error::Error for ClockSkewCorrected {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}
