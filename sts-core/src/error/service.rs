//! Errors STS answered with.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use super::{Classify, ErrorCode, ErrorKind};

/// Codes that mean "slow down" across AWS services.
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Codes that mean "try again" across AWS services, plus STS's `IDPCommunicationError`.
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "IDPCommunicationError",
];

/// An error response from STS: `<ErrorResponse><Error><Code>...`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    code: String,
    kind: ErrorCode,
    message: Option<String>,
    error_type: Option<String>,
    request_id: Option<String>,
    status: Option<u16>,
    retry_after: Option<Duration>,
}

impl ServiceError {
    /// A service error with the given code.
    pub fn new(code: impl Into<String>) -> Self {
        let code = code.into();
        Self {
            kind: ErrorCode::from_code(&code),
            code,
            message: None,
            error_type: None,
            request_id: None,
            status: None,
            retry_after: None,
        }
    }

    /// Sets the message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the fault type (`Sender` or `Receiver`).
    #[must_use]
    pub fn with_type(mut self, error_type: impl Into<String>) -> Self {
        self.error_type = Some(error_type.into());
        self
    }

    /// Sets the request id.
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the HTTP status the error came with.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the delay the service asked for (`Retry-After`, `x-amz-retry-after`).
    #[must_use]
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// The delay the service asked callers to wait before retrying, if it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The code as sent (`AccessDenied`, `MalformedPolicyDocument`, ...).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The typed code; [`ErrorCode::Other`] for codes the model does not declare.
    pub fn kind(&self) -> ErrorCode {
        self.kind
    }

    /// The message, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// `Sender` (the caller's fault) or `Receiver` (the service's), if sent.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The request id, if sent.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status, if known.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
}

impl Classify for ServiceError {
    fn error_kind(&self) -> ErrorKind {
        ErrorKind::Service
    }

    fn is_retryable(&self) -> bool {
        self.is_throttling()
            || TRANSIENT_CODES.contains(&self.code.as_str())
            || matches!(self.status, Some(500 | 502 | 503 | 504))
    }

    fn is_throttling(&self) -> bool {
        THROTTLING_CODES.contains(&self.code.as_str()) || self.status == Some(429)
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("type", &self.error_type)
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .finish()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(status) = self.status {
            write!(f, " (HTTP {status}")?;
            if let Some(id) = &self.request_id {
                write!(f, ", request id {id}")?;
            }
            f.write_str(")")?;
        } else if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl StdError for ServiceError {}
