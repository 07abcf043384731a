//! Inputs that break a constraint of the model.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use super::{Classify, ErrorKind};

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
