//! The awsQuery form encoding: `Action=AssumeRole&Version=2011-06-15&RoleArn=...`.
//!
//! Lists are sent as `Tags.member.1.Key=...`, `TransitiveTagKeys.member.1=...`;
//! an empty list as `Name=`; nested structures as `TaskPolicyArn.arn=...`.
//! Values are percent-encoded with the RFC 3986 unreserved set, as SigV4 expects.
//!
//! # Example
//!
//! ```
//! use sts_core::query::{QueryWriter, parse_form};
//!
//! let mut w = QueryWriter::new("AssumeRole");
//! w.param("RoleSessionName", "build #7");
//! w.list_item("Tags", 1, Some("Key"), "team");
//! let body = w.finish();
//! assert_eq!(body, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=build%20%237&Tags.member.1.Key=team");
//! assert_eq!(parse_form(&body)[2], ("RoleSessionName".to_owned(), "build #7".to_owned()));
//! ```

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The API version every STS request carries.
pub const API_VERSION: &str = "2011-06-15";

/// Everything but the RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~`.
const QUERY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Builds an awsQuery form body.
#[derive(Debug, Clone)]
pub struct QueryWriter {
    buf: String,
}

impl QueryWriter {
    /// Starts a body for `action` with the STS API version.
    pub fn new(action: &str) -> Self {
        Self::with_capacity(action, 256)
    }

    /// Like [`new`](Self::new), reserving room for `capacity` more bytes.
    pub fn with_capacity(action: &str, capacity: usize) -> Self {
        Self::for_api(action, API_VERSION, capacity)
    }

    /// A body for `action` of another awsQuery API `version` (used by the
    /// protocol conformance tests, whose services are not STS).
    pub fn for_api(action: &str, version: &str, capacity: usize) -> Self {
        let mut buf = String::with_capacity(action.len() + version.len() + 18 + capacity);
        buf.push_str("Action=");
        buf.extend(utf8_percent_encode(action, QUERY_ENCODE));
        buf.push_str("&Version=");
        buf.extend(utf8_percent_encode(version, QUERY_ENCODE));
        Self { buf }
    }

    fn key(&mut self, key: &str) {
        self.buf.push('&');
        self.buf.extend(utf8_percent_encode(key, QUERY_ENCODE));
        self.buf.push('=');
    }

    fn value(&mut self, value: &str) {
        self.buf.extend(utf8_percent_encode(value, QUERY_ENCODE));
    }

    /// Adds `key=value`.
    pub fn param(&mut self, key: &str, value: &str) {
        self.key(key);
        self.value(value);
    }

    /// Adds `key=<decimal value>`.
    pub fn param_int(&mut self, key: &str, value: i64) {
        self.key(key);
        let _ = write!(self.buf, "{value}");
    }

    /// Adds `key=` (how awsQuery sends an empty list).
    pub fn empty(&mut self, key: &str) {
        self.key(key);
    }

    /// Adds `list.member.<index>=value`, or `list.member.<index>.<field>=value`
    /// when `field` is given. `index` starts at 1.
    pub fn list_item(&mut self, list: &str, index: usize, field: Option<&str>, value: &str) {
        self.buf.push('&');
        self.buf.extend(utf8_percent_encode(list, QUERY_ENCODE));
        let _ = write!(self.buf, ".member.{index}");
        if let Some(field) = field {
            self.buf.push('.');
            self.buf.extend(utf8_percent_encode(field, QUERY_ENCODE));
        }
        self.buf.push('=');
        self.value(value);
    }

    /// The encoded body.
    pub fn finish(self) -> String {
        self.buf
    }
}

/// Decodes a form body into its key/value pairs, in order.
///
/// `+` decodes to a space (as HTML forms and botocore send it); invalid UTF-8
/// after percent-decoding is replaced with U+FFFD.
pub fn parse_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// An input read from awsQuery parameters: what the generated `from_query`
/// of every input implements (server side), so that code generic over
/// operations (the emulator's dispatch) can read any input.
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub trait FromQuery: Sized {
    /// Reads the input; unknown parameters are ignored, constraints not checked.
    fn from_query(params: &[(String, String)]) -> Result<Self, QueryError>;
}

/// A parameter that cannot be read into an input (see the generated
/// `from_query` of each input; server side only).
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    param: String,
    reason: String,
}

#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
impl QueryError {
    fn new(param: &str, reason: impl Into<String>) -> Self {
        Self {
            param: param.to_owned(),
            reason: reason.into(),
        }
    }

    /// The parameter's name as sent (`DurationSeconds`, `Tags.member.1.Key`).
    pub fn param(&self) -> &str {
        &self.param
    }

    /// What is wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "parameter {}: {}", self.param, self.reason)
    }
}

#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
impl std::error::Error for QueryError {}

/// The largest list index (`.member.N`) a server accepts: STS lists hold at
/// most 50 items, and a larger index must not make the server allocate.
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub const MAX_LIST_INDEX: usize = 1000;

/// Helpers for the generated `from_query` functions.
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub(crate) mod read {
    use super::{MAX_LIST_INDEX, QueryError};

    /// An integer parameter.
    pub(crate) fn int(key: &str, value: &str) -> Result<i32, QueryError> {
        value
            .parse()
            .map_err(|_| QueryError::new(key, format!("{value:?} is not a 32-bit integer")))
    }

    /// Splits `List.member.N` / `List.member.N.Field` into `(N, Field)`.
    pub(crate) fn member<'k>(
        key: &'k str,
        list: &str,
    ) -> Result<Option<(usize, Option<&'k str>)>, QueryError> {
        let Some(rest) = key
            .strip_prefix(list)
            .and_then(|r| r.strip_prefix(".member."))
        else {
            return Ok(None);
        };
        let (index, field) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        match index.parse::<usize>() {
            Ok(i) if (1..=MAX_LIST_INDEX).contains(&i) => Ok(Some((i, field))),
            _ => Err(QueryError::new(
                key,
                format!("list index {index:?} is not between 1 and {MAX_LIST_INDEX}"),
            )),
        }
    }

    /// The item at (1-based) `index`, growing the list with defaults as needed.
    pub(crate) fn slot<T: Default>(list: &mut Option<Vec<T>>, index: usize) -> &mut T {
        let list = list.get_or_insert_with(Vec::new);
        if list.len() < index {
            list.resize_with(index, T::default);
        }
        &mut list[index - 1]
    }

    /// `List=`: an explicitly empty list.
    pub(crate) fn empty_list<T>(list: &mut Option<Vec<T>>) {
        list.get_or_insert_with(Vec::new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode() {
        let mut w = QueryWriter::new("GetFederationToken");
        w.param("Policy", "{\"a\":\"*\"} ~._-+/=&é");
        let body = w.finish();
        assert_eq!(
            body,
            "Action=GetFederationToken&Version=2011-06-15&Policy=%7B%22a%22%3A%22%2A%22%7D%20~._-%2B%2F%3D%26%C3%A9"
        );
        assert_eq!(parse_form(&body)[2].1, "{\"a\":\"*\"} ~._-+/=&é");
    }

    #[test]
    fn lists_ints_and_empty() {
        let mut w = QueryWriter::new("X");
        w.list_item("TransitiveTagKeys", 2, None, "a b");
        w.param_int("DurationSeconds", -5);
        w.empty("PolicyArns");
        assert_eq!(
            w.finish(),
            "Action=X&Version=2011-06-15&TransitiveTagKeys.member.2=a%20b&DurationSeconds=-5&PolicyArns="
        );
    }

    #[test]
    fn parse_form_handles_plus_and_missing_equals() {
        let pairs = parse_form("a=1+2&b&c=%7e&&d=");
        let expect = [("a", "1 2"), ("b", ""), ("c", "~"), ("d", "")];
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, expect);
    }
}
