//! Errors: the one public [`Error`] type, and the concrete errors it carries.
//!
//! Every failure a user of this workspace can see is an [`Error`]. It is opaque:
//! ask it for its [`ErrorKind`], for the [`ServiceError`] the service sent, or walk
//! its [`source()`](std::error::Error::source) chain to the concrete error
//! ([`ValidationError`], [`DecodeError`], or an error of a layer or transport).
//!
//! `sts-layers` and `sts-client` extend this type rather than wrap it in strings:
//! each failure they create is a small concrete type, and [`Error::from_boxed`]
//! classifies a boxed error into the right kind exactly once, at the client boundary.
//!
//! # Example
//!
//! ```
//! use sts_core::error::{Error, ErrorKind};
//! use sts_core::model::AssumeRoleInput;
//!
//! let err: Error = AssumeRoleInput::builder()
//!     .role_arn("arn:aws:iam::123456789012:role/demo")
//!     .role_session_name("a")
//!     .build()
//!     .unwrap_err()
//!     .into();
//! assert_eq!(err.kind(), ErrorKind::Validation);
//! assert!(!err.is_retryable());
//! // `{:#}` prints the whole chain of causes.
//! assert!(format!("{err:#}").contains("RoleSessionName"));
//! ```

use std::error::Error as StdError;
use std::fmt;

mod decode;
mod service;
mod status;
mod validation;

pub use self::decode::DecodeError;
pub use self::service::{ServiceError, THROTTLING_CODES, TRANSIENT_CODES};
pub use self::status::StatusError;
pub use self::validation::{Rule, ValidationError};
pub use crate::model::ErrorCode;

/// A boxed, thread-safe error: the error type of tower layers.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What went wrong, in a form stable enough to match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input broke a constraint of the STS model; nothing was sent.
    Validation,
    /// The client or a request could not be built (bad configuration, bad endpoint).
    Construction,
    /// Credentials could not be loaded.
    Credentials,
    /// The request could not be signed.
    Signing,
    /// A timeout (per attempt or for the whole operation) elapsed.
    Timeout,
    /// The request could not be sent or the response could not be received (I/O, TLS, DNS).
    Dispatch,
    /// The response could not be understood (truncated, too large, not XML, wrong shape).
    Response,
    /// STS answered with an error (see [`Error::service_error`]).
    Service,
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Validation => "invalid input",
            ErrorKind::Construction => "failed to construct request",
            ErrorKind::Credentials => "failed to load credentials",
            ErrorKind::Signing => "failed to sign request",
            ErrorKind::Timeout => "request timed out",
            ErrorKind::Dispatch => "failed to dispatch request",
            ErrorKind::Response => "failed to read response",
            ErrorKind::Service => "service error",
        }
    }
}

/// The error of every STS operation.
///
/// `Display` names what happened: the operation (when known) and, for an
/// error STS answered, its code, message, status and request id
/// (`AssumeRole: AccessDenied: not authorized (HTTP 403, request id r-1)`);
/// otherwise what failed (`AssumeRole: failed to load credentials`). The
/// alternate form (`{:#}`) appends each cause that says something new, which
/// is what you usually want in a log line.
///
/// # What to match on
///
/// [`kind`](Self::kind) says what failed; [`code`](Self::code) says what STS
/// answered, wherever in the chain the answer is. They differ on purpose when
/// a credentials provider's own STS call was refused: an `AssumeRoleProvider`
/// whose role does not trust you gives kind [`ErrorKind::Credentials`] (the
/// call you made never went out) and code `AccessDenied` (why the credentials
/// could not be had). Match on `kind()` to decide what to do; read `code()`
/// to say why.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    source: Option<BoxError>,
    operation: Option<&'static str>,
    /// Decided when the error is built (see [`Error::classified`]).
    retryable: bool,
    throttling: bool,
}

/// A cause that knows which [`ErrorKind`] it belongs to, and whether a retry
/// could help.
///
/// Implemented by the concrete errors of this workspace (validation, decoding,
/// service errors, endpoint errors, and errors of `sts-layers`);
/// [`Error::classified`] reads it once, when the error is built. Nothing
/// keeps a list of these types: implement it for an error of your own and
/// wrap it with `Error::classified`.
pub trait Classify: StdError + Send + Sync + 'static {
    /// The kind this error is reported as.
    fn error_kind(&self) -> ErrorKind;
    /// Whether the same request might succeed if sent again.
    fn is_retryable(&self) -> bool {
        false
    }
    /// Whether this error says the caller is being throttled.
    fn is_throttling(&self) -> bool {
        false
    }
}

impl Error {
    /// An error of `kind` caused by `source`. Timeouts and dispatch errors
    /// are retryable; anything else is not, unless an [`Error`] inside
    /// `source` says so.
    pub fn new(kind: ErrorKind, source: impl Into<BoxError>) -> Self {
        Self::build(kind, Some(source.into()), default_retryable(kind), false)
    }

    /// An error of `kind` with no further cause.
    pub fn from_kind(kind: ErrorKind) -> Self {
        Self::build(kind, None, default_retryable(kind), false)
    }

    /// An error classified by its cause: kind, retryable and throttling are
    /// decided here, once, by the cause's [`Classify`] impl.
    pub fn classified<E: Classify>(cause: E) -> Self {
        let (kind, retryable, throttling) = (
            cause.error_kind(),
            cause.is_retryable(),
            cause.is_throttling(),
        );
        Self::build(kind, Some(Box::new(cause)), retryable, throttling)
    }

    fn build(kind: ErrorKind, source: Option<BoxError>, retryable: bool, throttling: bool) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                source,
                operation: None,
                retryable,
                throttling,
            }),
        }
    }

    /// Says which operation failed (`AssumeRole`), unless that is known
    /// already; `Display` starts with it. The typed edge of the stack sets it.
    #[must_use]
    pub fn in_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation.get_or_insert(operation);
        self
    }

    /// The operation that failed, when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// Classifies a boxed error coming out of a tower stack.
    ///
    /// An [`Error`] is returned as is (the layers of `sts-layers` fail with
    /// one); a foreign error that wraps an [`Error`] takes its classification;
    /// an I/O error is a dispatch error (a timeout if it timed out);
    /// anything else is a [`ErrorKind::Dispatch`] error. No list of types is
    /// consulted: errors are classified when they are built.
    pub fn from_boxed(err: BoxError) -> Self {
        let err = match err.downcast::<Error>() {
            Ok(err) => return *err,
            Err(err) => err,
        };
        if let Some(inner) = find_source::<Error>(&*err) {
            let (kind, retryable, throttling) =
                (inner.kind(), inner.is_retryable(), inner.is_throttling());
            return Self::build(kind, Some(err), retryable, throttling);
        }
        let timed_out = find_source::<std::io::Error>(&*err)
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
        let kind = if timed_out {
            ErrorKind::Timeout
        } else {
            ErrorKind::Dispatch
        };
        Self::build(kind, Some(err), true, false)
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The error STS sent, if STS answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.find_source::<ServiceError>()
    }

    /// The validation failure, if the input was refused before sending.
    pub fn validation_error(&self) -> Option<&ValidationError> {
        self.find_source::<ValidationError>()
    }

    /// The service error code (`AccessDenied`, `ExpiredToken`, ...), if any.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(ServiceError::code)
    }

    /// The request id STS gave this call, if it got that far.
    pub fn request_id(&self) -> Option<&str> {
        self.service_error().and_then(ServiceError::request_id)
    }

    /// Whether the error is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// Whether STS throttled the call (here or in a call this error wraps,
    /// such as a credentials provider's).
    pub fn is_throttling(&self) -> bool {
        self.inner.throttling || self.nested().any(Error::is_throttling)
    }

    /// Whether sending the same request again might succeed.
    ///
    /// True for throttling, transient service errors, 5xx, timeouts and I/O errors;
    /// false for validation, authentication and other client errors.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Timeout | ErrorKind::Dispatch => true,
            ErrorKind::Validation | ErrorKind::Construction => false,
            _ => self.inner.retryable || self.nested().any(Error::is_retryable),
        }
    }

    /// The errors of this type further down the chain.
    fn nested(&self) -> impl Iterator<Item = &Error> {
        self.walk().filter_map(|e| e.downcast_ref::<Error>())
    }

    /// The first cause of type `T` in the chain, if any.
    pub fn find_source<T: StdError + 'static>(&self) -> Option<&T> {
        self.walk().find_map(|e| e.downcast_ref::<T>())
    }

    fn walk(&self) -> impl Iterator<Item = &(dyn StdError + 'static)> {
        let first = self
            .inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static));
        std::iter::successors(first, |e| (*e).source())
    }
}

/// The first error of type `T` in the chain starting at `err` (itself included).
pub fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    std::iter::successors(Some(err), |e| (*e).source()).find_map(|e| e.downcast_ref::<T>())
}

fn default_retryable(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::Timeout | ErrorKind::Dispatch)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        if let Some(operation) = self.inner.operation {
            out.push_str(operation);
            out.push_str(": ");
        }
        match self
            .service_error()
            .filter(|_| self.inner.kind == ErrorKind::Service)
        {
            Some(service) => out.push_str(&service.to_string()),
            None => out.push_str(self.inner.kind.describe()),
        }
        if f.alternate() {
            for cause in self.walk() {
                // aws-credential-types' own line ("the credential provider
                // was not enabled") says less than its source.
                if cause
                    .downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
                    .is_some_and(|c| c.source().is_some())
                {
                    continue;
                }
                let text = cause.to_string();
                // Each level says something new: a cause already said (the
                // service error of the headline) is not repeated.
                if text.is_empty() || out.contains(&text) {
                    continue;
                }
                out.push_str(": ");
                out.push_str(&text);
            }
        }
        f.write_str(&out)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        if let Some(operation) = self.inner.operation {
            d.field("operation", &operation);
        }
        if let Some(source) = &self.inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// [`Error::from_boxed`]: what lets a service failing with [`BoxError`] sit
/// under a service that fails with [`Error`].
impl From<BoxError> for Error {
    fn from(e: BoxError) -> Self {
        Error::from_boxed(e)
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::classified(e)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::classified(e)
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::classified(e)
    }
}
