//! The errors the emulator answers with, as STS shapes them.

use std::fmt;

use http::StatusCode;

/// An error response: HTTP status, `Sender`/`Receiver`, code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            code,
            message: message.into(),
        }
    }

    /// `Sender` for 4xx, `Receiver` for 5xx, as STS marks them.
    pub(crate) fn error_type(&self) -> &'static str {
        if self.status.is_server_error() {
            "Receiver"
        } else {
            "Sender"
        }
    }

    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(400, "ValidationError", message)
    }

    pub(crate) fn access_denied(message: impl Into<String>) -> Self {
        Self::new(403, "AccessDenied", message)
    }

    pub(crate) fn invalid_token() -> Self {
        Self::new(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    }

    pub(crate) fn signature_mismatch(detail: &str) -> Self {
        Self::new(
            403,
            "SignatureDoesNotMatch",
            format!(
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service \
                 documentation for details.{detail}"
            ),
        )
    }

    pub(crate) fn incomplete_signature(message: impl Into<String>) -> Self {
        Self::new(400, "IncompleteSignature", message)
    }
}

/// What the emulator's service fails with (the response never does: STS
/// errors are responses). Only fault injection ([`Fault::DropConnection`])
/// and unreadable request bodies produce it.
///
/// [`Fault::DropConnection`]: crate::Fault::DropConnection
#[derive(Debug)]
pub struct EmulatorError {
    kind: EmulatorErrorKind,
}

#[derive(Debug)]
enum EmulatorErrorKind {
    Dropped,
    Truncated,
    Body(Box<dyn std::error::Error + Send + Sync>),
}

impl EmulatorError {
    pub(crate) fn dropped() -> Self {
        Self {
            kind: EmulatorErrorKind::Dropped,
        }
    }

    pub(crate) fn truncated() -> Self {
        Self {
            kind: EmulatorErrorKind::Truncated,
        }
    }

    pub(crate) fn body(e: Box<dyn std::error::Error + Send + Sync>) -> Self {
        Self {
            kind: EmulatorErrorKind::Body(e),
        }
    }

    /// Whether this is an injected dropped connection.
    pub fn is_dropped_connection(&self) -> bool {
        matches!(self.kind, EmulatorErrorKind::Dropped)
    }
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            EmulatorErrorKind::Dropped => {
                f.write_str("connection dropped by the STS emulator (injected fault)")
            }
            EmulatorErrorKind::Truncated => {
                f.write_str("response body cut short by the STS emulator (injected fault)")
            }
            EmulatorErrorKind::Body(_) => {
                f.write_str("the STS emulator could not read the request body")
            }
        }
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            EmulatorErrorKind::Dropped | EmulatorErrorKind::Truncated => None,
            EmulatorErrorKind::Body(e) => Some(e.as_ref()),
        }
    }
}
