//! Response bodies that cannot be decoded.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use super::{Classify, ErrorKind};

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
