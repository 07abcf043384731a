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

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

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
}

/// A cause that knows which [`ErrorKind`] it belongs to.
///
/// Implemented by the concrete errors of this workspace (validation, decoding,
/// service errors, and the errors of `sts-layers`), so that
/// [`Error::from_boxed`] can classify them.
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
    /// An error of `kind` caused by `source`.
    pub fn new(kind: ErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                source: Some(source.into()),
                operation: None,
            }),
        }
    }

    /// An error of `kind` with no further cause.
    pub fn from_kind(kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                source: None,
                operation: None,
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
    /// An [`Error`] is returned as is (the layers of `sts-layers` fail with one);
    /// otherwise the chain of causes is searched for an error of this module and
    /// for `std::io::Error`. Anything else is a [`ErrorKind::Dispatch`] error.
    pub fn from_boxed(err: BoxError) -> Self {
        let err = match err.downcast::<Error>() {
            Ok(err) => return *err,
            Err(err) => err,
        };
        let kind = kind_of(&*err).unwrap_or(ErrorKind::Dispatch);
        Self::new(kind, err)
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

    /// Whether STS throttled the call.
    pub fn is_throttling(&self) -> bool {
        self.walk()
            .any(|e| classify_ref(e).is_some_and(|(_, _, throttling)| throttling))
    }

    /// Whether sending the same request again might succeed.
    ///
    /// True for throttling, transient service errors, 5xx, timeouts and I/O errors;
    /// false for validation, authentication and other client errors.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Timeout | ErrorKind::Dispatch => true,
            ErrorKind::Validation | ErrorKind::Construction => false,
            _ => self
                .walk()
                .any(|e| classify_ref(e).is_some_and(|(_, retry, _)| retry)),
        }
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

fn classify_ref(e: &(dyn StdError + 'static)) -> Option<(ErrorKind, bool, bool)> {
    macro_rules! try_types {
        ($($t:ty),*) => {$(
            if let Some(c) = e.downcast_ref::<$t>() {
                return Some((c.error_kind(), c.is_retryable(), c.is_throttling()));
            }
        )*};
    }
    try_types!(
        ServiceError,
        StatusError,
        ValidationError,
        DecodeError,
        crate::endpoint::EndpointError
    );
    if let Some(classified) = e.downcast_ref::<Error>() {
        return Some((
            classified.kind(),
            classified.is_retryable(),
            classified.is_throttling(),
        ));
    }
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        let timeout = io.kind() == std::io::ErrorKind::TimedOut;
        let kind = if timeout {
            ErrorKind::Timeout
        } else {
            ErrorKind::Dispatch
        };
        return Some((kind, true, false));
    }
    None
}

fn kind_of(err: &(dyn StdError + 'static)) -> Option<ErrorKind> {
    std::iter::successors(Some(err), |e| (*e).source())
        .find_map(|e| classify_ref(e).map(|(kind, _, _)| kind))
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
        Error::new(ErrorKind::Validation, e)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::new(ErrorKind::Response, e)
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::new(ErrorKind::Service, e)
    }
}

// ---------------------------------------------------------------------------
// Validation

/// The constraint an input value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// The member is required.
    Required,
    /// The string length (in characters) must be within these bounds.
    Length {
        /// Minimum length, inclusive.
        min: Option<u32>,
        /// Maximum length, inclusive.
        max: Option<u32>,
    },
    /// The string must match this pattern (as written in the STS model).
    Pattern(&'static str),
    /// The integer must be within these bounds.
    Range {
        /// Minimum, inclusive.
        min: Option<i64>,
        /// Maximum, inclusive.
        max: Option<i64>,
    },
    /// The list must have this many items.
    Items {
        /// Minimum count, inclusive.
        min: Option<u32>,
        /// Maximum count, inclusive.
        max: Option<u32>,
    },
}

fn bounds(f: &mut fmt::Formatter<'_>, min: Option<i64>, max: Option<i64>) -> fmt::Result {
    match (min, max) {
        (Some(a), Some(b)) if a == b => write!(f, "exactly {a}"),
        (Some(a), Some(b)) => write!(f, "between {a} and {b}"),
        (Some(a), None) => write!(f, "at least {a}"),
        (None, Some(b)) => write!(f, "at most {b}"),
        (None, None) => f.write_str("any"),
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Rule::Required => f.write_str("is required"),
            Rule::Length { min, max } => {
                f.write_str("length must be ")?;
                bounds(f, min.map(i64::from), max.map(i64::from))?;
                f.write_str(" characters")
            }
            Rule::Pattern(p) => write!(f, "must match the pattern {p}"),
            Rule::Range { min, max } => {
                f.write_str("must be ")?;
                bounds(f, min, max)
            }
            Rule::Items { min, max } => {
                f.write_str("must have ")?;
                bounds(f, min.map(i64::from), max.map(i64::from))?;
                f.write_str(" items")
            }
        }
    }
}

/// An input broke a constraint of the STS model. Nothing was sent.
///
/// Names the operation, the member (with list indexes, `Tags[2].Key`), the rule
/// and the value given. Values of sensitive members (SAML assertions, web
/// identity tokens, ...) are never shown, only their length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    operation: &'static str,
    member: Cow<'static, str>,
    rule: Rule,
    given: String,
}

impl ValidationError {
    /// A validation failure; `given` must already be redacted if sensitive.
    pub fn new(
        operation: &'static str,
        member: impl Into<Cow<'static, str>>,
        rule: Rule,
        given: impl Into<String>,
    ) -> Self {
        Self {
            operation,
            member: member.into(),
            rule,
            given: given.into(),
        }
    }

    /// The operation whose input was refused (`AssumeRole`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The member that broke the rule (`RoleSessionName`, `Tags[2].Key`).
    pub fn member(&self) -> &str {
        &self.member
    }

    /// The rule that was broken.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// A description of the value given (redacted for sensitive members).
    pub fn given(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {}; got {}",
            self.operation, self.member, self.rule, self.given
        )
    }
}

impl StdError for ValidationError {}

impl Classify for ValidationError {
    fn error_kind(&self) -> ErrorKind {
        ErrorKind::Validation
    }
}

// ---------------------------------------------------------------------------
// Decoding

/// A response body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    context: Cow<'static, str>,
    message: Cow<'static, str>,
    offset: Option<u64>,
}

impl DecodeError {
    /// A decode failure while reading `context` (an element or operation name).
    pub fn new(
        context: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            context: context.into(),
            message: message.into(),
            offset: None,
        }
    }

    pub(crate) fn at(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// What was being read when decoding failed.
    pub fn context(&self) -> &str {
        &self.context
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode {}: {}", self.context, self.message)?;
        if let Some(offset) = self.offset {
            write!(f, " (at byte {offset})")?;
        }
        Ok(())
    }
}

impl StdError for DecodeError {}

impl Classify for DecodeError {
    fn error_kind(&self) -> ErrorKind {
        ErrorKind::Response
    }
}

// ---------------------------------------------------------------------------
// Service errors

/// The error codes the STS model declares, plus everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `MalformedPolicyDocument`: the policy document is not valid.
    MalformedPolicyDocument,
    /// `PackedPolicyTooLarge`: session policies and tags together are too large.
    PackedPolicyTooLarge,
    /// `RegionDisabledException`: STS is not activated in the requested region.
    RegionDisabled,
    /// `ExpiredTokenException`: the web identity token, SAML assertion or session token has expired.
    ExpiredToken,
    /// `IDPRejectedClaim`: the identity provider rejected the claim.
    IdpRejectedClaim,
    /// `InvalidIdentityToken`: the web identity token could not be validated.
    InvalidIdentityToken,
    /// `IDPCommunicationError`: STS could not reach the identity provider (retryable).
    IdpCommunicationError,
    /// `InvalidAuthorizationMessageException`: the encoded message is not valid.
    InvalidAuthorizationMessage,
    /// `ExpiredTradeInTokenException`: the trade-in token has expired.
    ExpiredTradeInToken,
    /// `SessionDurationEscalationException`: the requested duration exceeds the caller's session.
    SessionDurationEscalation,
    /// `OutboundWebIdentityFederationDisabledException`: outbound federation is off for the account.
    OutboundWebIdentityFederationDisabled,
    /// `JWTPayloadSizeExceededException`: the JWT payload would be too large.
    JwtPayloadSizeExceeded,
    /// Any other code (`AccessDenied`, `Throttling`, `SignatureDoesNotMatch`, ...):
    /// see [`ServiceError::code`].
    Other,
}

impl ErrorCode {
    /// The typed code for a code string from the wire.
    pub fn from_code(code: &str) -> Self {
        match code {
            "MalformedPolicyDocument" => Self::MalformedPolicyDocument,
            "PackedPolicyTooLarge" => Self::PackedPolicyTooLarge,
            "RegionDisabledException" => Self::RegionDisabled,
            "ExpiredTokenException" => Self::ExpiredToken,
            "IDPRejectedClaim" => Self::IdpRejectedClaim,
            "InvalidIdentityToken" => Self::InvalidIdentityToken,
            "IDPCommunicationError" => Self::IdpCommunicationError,
            "InvalidAuthorizationMessageException" => Self::InvalidAuthorizationMessage,
            "ExpiredTradeInTokenException" => Self::ExpiredTradeInToken,
            "SessionDurationEscalationException" => Self::SessionDurationEscalation,
            "OutboundWebIdentityFederationDisabledException" => {
                Self::OutboundWebIdentityFederationDisabled
            }
            "JWTPayloadSizeExceededException" => Self::JwtPayloadSizeExceeded,
            _ => Self::Other,
        }
    }
}

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
