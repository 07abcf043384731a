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

impl Call {
    /// The value of parameter `name`, if sent.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) fn redact(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| {
            if REDACTED_PARAMS.contains(&k.as_str()) {
                (k.clone(), "** redacted **".to_owned())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}
