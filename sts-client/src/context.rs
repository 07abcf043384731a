//! A message with a cause: how this crate says what it was doing when
//! something below it failed.

use std::error::Error as StdError;
use std::fmt;

use sts_core::error::BoxError;
use sts_core::{Error, ErrorKind};

/// `message`, caused by `source`.
#[derive(Debug)]
pub(crate) struct Context {
    message: String,
    source: BoxError,
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for Context {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// An [`Error`] of `kind` that says `message` and keeps `source` as its cause.
pub(crate) fn error(
    kind: ErrorKind,
    message: impl Into<String>,
    source: impl Into<BoxError>,
) -> Error {
    Error::new(
        kind,
        Context {
            message: message.into(),
            source: source.into(),
        },
    )
}
