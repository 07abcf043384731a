//! The error of the timeout layer.

use std::fmt;
use std::time::Duration;

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutScope {
    /// One attempt: the call may be retried.
    Attempt,
    /// The whole operation, retries included: final.
    Operation,
}

/// A call took longer than its timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    pub(crate) scope: TimeoutScope,
    pub(crate) after: Duration,
}

impl Elapsed {
    /// A timeout of `scope` that fired after `after`.
    pub fn new(scope: TimeoutScope, after: Duration) -> Self {
        Self { scope, after }
    }

    /// Which timeout fired.
    pub fn scope(&self) -> TimeoutScope {
        self.scope
    }

    /// The configured duration.
    pub fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.scope {
            TimeoutScope::Attempt => "attempt",
            TimeoutScope::Operation => "operation",
        };
        write!(f, "{what} timed out after {:?}", self.after)
    }
}

impl std::error::Error for Elapsed {}
