//! The record of the calls the emulator received.

use std::time::SystemTime;

use crate::fault::Fault;

/// Parameters whose values the record keeps out (secrets of the unsigned
/// operations and MFA codes).
const REDACTED_PARAMS: &[&str] = &[
    "SAMLAssertion",
    "WebIdentityToken",
    "TokenCode",
    "TradeInToken",
];

/// One call the emulator received, for assertions in tests.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Call {
    /// `Action` (None if the request had none).
    pub action: Option<String>,
    /// The HTTP method.
    pub method: http::Method,
    /// The access key id that signed the request (None if unsigned or unreadable).
    pub access_key_id: Option<String>,
    /// The ARN of the caller, when the signature checked out.
    pub caller_arn: Option<String>,
    /// The request parameters, in order; values of `SAMLAssertion`,
    /// `WebIdentityToken`, `TokenCode` and `TradeInToken` are redacted.
    pub params: Vec<(String, String)>,
    /// The HTTP status answered (0 when the connection was dropped).
    pub status: u16,
    /// The error code answered, if any.
    pub error_code: Option<String>,
    /// The request id answered.
    pub request_id: String,
    /// The fault injected into this call, if any.
    pub fault: Option<Fault>,
    /// When the emulator received it (by its own, possibly skewed, clock).
    pub received_at: SystemTime,
}

/// The most parameters a call's record keeps (STS requests have a few dozen).
pub(crate) const MAX_RECORDED_PARAMS: usize = 256;
/// The longest parameter name or value a call's record keeps, in bytes.
pub(crate) const MAX_RECORDED_VALUE: usize = 4096;

impl Call {
    /// Roughly what the call holds on the heap, for the record's byte bound.
    pub(crate) fn approx_bytes(&self) -> usize {
        let strings = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        std::mem::size_of::<Self>()
            + self
                .params
                .iter()
                .map(|(k, v)| k.len() + v.len() + 2 * std::mem::size_of::<String>())
                .sum::<usize>()
            + strings(&self.action)
            + strings(&self.access_key_id)
            + strings(&self.caller_arn)
            + strings(&self.error_code)
            + self.request_id.len()
    }

    /// The value of parameter `name`, if sent.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The parameters as the record keeps them: secrets redacted, at most
/// [`MAX_RECORDED_PARAMS`] of them, names and values cut at
/// [`MAX_RECORDED_VALUE`] bytes.
pub(crate) fn redact(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .take(MAX_RECORDED_PARAMS)
        .map(|(k, v)| {
            if REDACTED_PARAMS.contains(&k.as_str()) {
                (cut(k), "** redacted **".to_owned())
            } else {
                (cut(k), cut(v))
            }
        })
        .collect()
}

fn cut(s: &str) -> String {
    if s.len() <= MAX_RECORDED_VALUE {
        return s.to_owned();
    }
    let mut end = MAX_RECORDED_VALUE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}
