//! Input errors in the words STS uses:
//! `1 validation error detected: Value 'x' at 'roleSessionName' failed to
//! satisfy constraint: Member must have length greater than or equal to 2`.

use sts_core::error::{Rule, ValidationError};
use sts_core::query::QueryError;

use crate::error::ApiError;

/// Members whose values STS never echoes.
const SENSITIVE: &[&str] = &[
    "SAMLAssertion",
    "WebIdentityToken",
    "TokenCode",
    "TradeInToken",
];

/// Reads and validates an input: `from_query` then the model's constraints.
pub(crate) fn input<I>(
    read: Result<I, QueryError>,
    validate: impl FnOnce(&I) -> Result<(), ValidationError>,
    params: &[(String, String)],
) -> Result<I, ApiError> {
    let input = read.map_err(|e| {
        ApiError::validation(format!(
            "1 validation error detected: Value at '{}' failed to satisfy constraint: {}",
            e.param(),
            e.reason()
        ))
    })?;
    validate(&input).map_err(|e| ApiError::validation(message(&e, params)))?;
    Ok(input)
}

/// `RoleSessionName` -> `roleSessionName`; `Tags[1].Key` -> `tags.2.member.key`.
fn aws_path(member: &str) -> String {
    let lower_first = |s: &str| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_lowercase().chain(c).collect::<String>(),
            None => String::new(),
        }
    };
    if let Some((list, rest)) = member.split_once('[') {
        let (index, field) = rest.split_once(']').unwrap_or((rest, ""));
        let n = index
            .parse::<usize>()
            .map(|i| i.saturating_add(1))
            .unwrap_or(0);
        let field = field.trim_start_matches('.');
        if field.is_empty() {
            return format!("{}.{n}.member", lower_first(list));
        }
        return format!("{}.{n}.member.{}", lower_first(list), lower_first(field));
    }
    member
        .split('.')
        .map(lower_first)
        .collect::<Vec<_>>()
        .join(".")
}

fn message(e: &ValidationError, params: &[(String, String)]) -> String {
    let member = e.member();
    let raw = params
        .iter()
        .find(|(k, _)| k == member)
        .map(|(_, v)| v.as_str());
    let sensitive = SENSITIVE.contains(&member);
    let value = match (raw, e.rule()) {
        (_, Rule::Required) => "Value null".to_owned(),
        (Some(v), _) if !sensitive => format!("Value '{v}'"),
        _ => "Value".to_owned(),
    };
    let constraint = match e.rule() {
        Rule::Required => "Member must not be null".to_owned(),
        Rule::Pattern(p) => format!("Member must satisfy regular expression pattern: {p}"),
        Rule::Length { min, max } => {
            let len = raw.map(|v| v.chars().count()).or_else(|| count(e.given()));
            bound(
                "length",
                len.map(|l| l as i64),
                min.map(i64::from),
                max.map(i64::from),
            )
        }
        Rule::Items { min, max } => bound(
            "length",
            count(e.given()).map(|l| l as i64),
            min.map(i64::from),
            max.map(i64::from),
        ),
        Rule::Range { min, max } => bound("value", e.given().trim().parse().ok(), min, max),
        _ => format!("Member must satisfy {}", e.rule()),
    };
    format!(
        "1 validation error detected: {value} at '{}' failed to satisfy constraint: {constraint}",
        aws_path(member)
    )
}

fn bound(what: &str, actual: Option<i64>, min: Option<i64>, max: Option<i64>) -> String {
    match (actual, min, max) {
        (Some(a), Some(min), _) if a < min => {
            format!("Member must have {what} greater than or equal to {min}")
        }
        (Some(a), _, Some(max)) if a > max => {
            format!("Member must have {what} less than or equal to {max}")
        }
        (_, Some(min), None) => format!("Member must have {what} greater than or equal to {min}"),
        (_, None, Some(max)) => format!("Member must have {what} less than or equal to {max}"),
        (_, min, max) => format!(
            "Member must have {what} between {} and {}",
            min.unwrap_or(0),
            max.unwrap_or(i64::MAX)
        ),
    }
}

/// The count in a validation error's description: `"ab" (2 characters)`,
/// `a value of 5 characters (redacted: sensitive)`, `51 items`.
fn count(given: &str) -> Option<usize> {
    let words: Vec<&str> = given.split([' ', '(']).collect();
    words
        .windows(2)
        .rev()
        .find(|w| w[1].starts_with("characters") || w[1].starts_with("items"))
        .and_then(|w| w[0].parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_aws_style() {
        assert_eq!(aws_path("RoleSessionName"), "roleSessionName");
        assert_eq!(aws_path("Tags[1].Key"), "tags.2.member.key");
        assert_eq!(
            aws_path("TransitiveTagKeys[0]"),
            "transitiveTagKeys.1.member"
        );
        assert_eq!(aws_path("TaskPolicyArn.arn"), "taskPolicyArn.arn");
    }

    #[test]
    fn counts_from_descriptions() {
        assert_eq!(count("\"ab\" (2 characters)"), Some(2));
        assert_eq!(
            count("a value of 5 characters (redacted: sensitive)"),
            Some(5)
        );
        assert_eq!(count("51 items"), Some(51));
        assert_eq!(count("-3"), None);
    }
}
