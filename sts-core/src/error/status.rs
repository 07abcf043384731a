//! Non-2xx answers that are not STS error documents.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use super::{Classify, DecodeError, ErrorKind};

/// A non-2xx response whose body is not an STS error document (a proxy's HTML
/// page, an empty 503, a truncated body).
///
/// Classified by status alone: 500, 502, 503, 504 are retryable, 429 is throttling.
#[derive(Debug)]
pub struct StatusError {
    status: u16,
    retry_after: Option<Duration>,
    cause: DecodeError,
}

impl StatusError {
    /// A response with `status` whose body could not be read as an error document.
    pub fn new(status: u16, cause: DecodeError) -> Self {
        Self {
            status,
            retry_after: None,
            cause,
        }
    }

    /// Sets the delay the server asked for.
    #[must_use]
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The delay the server asked callers to wait before retrying, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} with a body that is not an STS error",
            self.status
        )
    }
}

impl StdError for StatusError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.cause)
    }
}

impl Classify for StatusError {
    fn error_kind(&self) -> ErrorKind {
        ErrorKind::Response
    }

    fn is_retryable(&self) -> bool {
        matches!(self.status, 429 | 500 | 502 | 503 | 504)
    }

    fn is_throttling(&self) -> bool {
        self.status == 429
    }
}
