//! Checks of values that end up in HTTP headers or in printed dates, applied
//! wherever such values enter: decoded answers, credential providers, the
//! signing layer, configuration.
//!
//! A value that breaks these rules would otherwise reach `aws-sigv4` or the
//! date formatter and make them fail in ways that are not errors (an invalid
//! header value, a year that cannot be printed). Errors name the field and the
//! rule and show where the offending character is, never the value of a secret.
//!
//! # Example
//!
//! ```
//! use aws_credential_types::Credentials;
//! use sts_core::check;
//!
//! let good = Credentials::new("ASIAEXAMPLE", "secret", Some("token".into()), None, "test");
//! assert!(check::credentials(&good).is_ok());
//!
//! let bad = Credentials::new("ASIA\nX", "secret", None, None, "test");
//! let err = check::credentials(&bad).unwrap_err();
//! assert_eq!(err.field(), "AccessKeyId");
//! assert!(err.to_string().contains("U+000A (a control character) at position 4"));
//!
//! assert!(check::region("eu-west-1").is_ok());
//! assert!(check::region("us-east-1.amazonaws.com@evil.example#").is_err());
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;

use crate::error::{Classify, ErrorKind};

/// The longest access key id STS's model allows.
const MAX_ACCESS_KEY_ID: usize = 128;
/// Far beyond any session token STS issues (a few KiB), small enough for a header.
const MAX_SESSION_TOKEN: usize = 16 * 1024;

/// Credentials that cannot be used to sign a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusableCredentials {
    field: &'static str,
    problem: String,
    provider: Option<String>,
}

impl UnusableCredentials {
    /// Says where the credentials came from (a provider, a file, a variable).
    #[must_use]
    pub fn from_provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// Where the credentials came from, when known.
    pub fn provider(&self) -> Option<&str> {
        self.provider.as_deref()
    }

    /// `AccessKeyId`, `SecretAccessKey` or `SessionToken`.
    pub fn field(&self) -> &'static str {
        self.field
    }
}

impl fmt::Display for UnusableCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(provider) = &self.provider {
            write!(f, "credentials from {provider} cannot sign a request: ")?;
        }
        write!(f, "{} {}", self.field, self.problem)
    }
}

impl std::error::Error for UnusableCredentials {}

impl Classify for UnusableCredentials {
    fn error_kind(&self) -> ErrorKind {
        ErrorKind::Credentials
    }
}

/// Checks that `credentials` can go into a signed request: the access key id
/// is 1 to 128 ASCII letters, digits or `_` (the model's `[\w]+`), the secret
/// key is not empty, and a session token is 1 to 16 KiB of visible ASCII (no
/// space, no control character).
pub fn credentials(credentials: &Credentials) -> Result<(), UnusableCredentials> {
    let key = credentials.access_key_id();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    check_chars(
        "AccessKeyId",
        key,
        MAX_ACCESS_KEY_ID,
        word,
        "letters, digits and `_`",
    )?;
    if credentials.secret_access_key().is_empty() {
        return Err(UnusableCredentials {
            field: "SecretAccessKey",
            problem: "is empty".into(),
            provider: None,
        });
    }
    if let Some(token) = credentials.session_token() {
        let visible = |c: char| c.is_ascii_graphic();
        check_chars(
            "SessionToken",
            token,
            MAX_SESSION_TOKEN,
            visible,
            "visible ASCII characters",
        )?;
    }
    Ok(())
}

fn check_chars(
    field: &'static str,
    value: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
    rule: &str,
) -> Result<(), UnusableCredentials> {
    // The common case, all ASCII and allowed, in one pass over the bytes.
    if !value.is_empty() && value.len() <= max && value.bytes().all(|b| allowed(char::from(b))) {
        return Ok(());
    }
    let problem = if value.is_empty() {
        "is empty".to_owned()
    } else if value.len() > max {
        format!("is {} bytes long; at most {max} are allowed", value.len())
    } else if let Some((at, c)) = value.chars().enumerate().find(|(_, c)| !allowed(*c)) {
        format!(
            "holds {} at position {at}; only {rule} are allowed",
            describe_char(c)
        )
    } else {
        return Ok(());
    };
    Err(UnusableCredentials {
        field,
        problem,
        provider: None,
    })
}

/// `U+000A (a control character)`: what a character is, without the value around it.
pub(crate) fn describe_char(c: char) -> String {
    let class = if c.is_control() {
        " (a control character)"
    } else if c.is_whitespace() {
        " (a space)"
    } else if !c.is_ascii() {
        " (not ASCII)"
    } else {
        ""
    };
    format!("U+{:04X}{class}", u32::from(c))
}

/// A region that cannot be part of a host name or a credential scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRegion {
    given: String,
}

impl fmt::Display for InvalidRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "region must be a host label (1 to 63 ASCII letters, digits and `-`, not starting with `-`), got {:?}",
            self.given
        )
    }
}

impl std::error::Error for InvalidRegion {}

impl Classify for InvalidRegion {
    fn error_kind(&self) -> ErrorKind {
        ErrorKind::Construction
    }
}

/// Checks that `region` is a valid host label: 1 to 63 ASCII letters, digits
/// and `-`, not starting with `-` (the endpoint rules' `isValidHostLabel`).
pub fn region(region: &str) -> Result<(), InvalidRegion> {
    let ok = !region.is_empty()
        && region.len() <= 63
        && !region.starts_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(InvalidRegion {
            given: region.chars().take(80).collect(),
        })
    }
}

/// Milliseconds from the Unix epoch to 9999-12-31T23:59:59.999Z, the last
/// instant a four-digit year can print.
const LATEST_MILLIS: u64 = 253_402_300_799_999;

/// The latest time a timestamp may hold: 9999-12-31T23:59:59.999Z.
pub fn latest_timestamp() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(LATEST_MILLIS)
}

/// Whether `t` lies in 1970-01-01T00:00:00Z..=9999-12-31T23:59:59.999Z, the
/// range every timestamp of this project is decoded into and printed from.
pub fn timestamp_in_range(t: SystemTime) -> bool {
    t >= UNIX_EPOCH && t <= latest_timestamp()
}

/// `t` moved into the printable range (see [`timestamp_in_range`]).
pub fn clamp_timestamp(t: SystemTime) -> SystemTime {
    t.clamp(UNIX_EPOCH, latest_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(key: &str, secret: &str, token: Option<&str>) -> Credentials {
        Credentials::new(key, secret, token.map(str::to_owned), None, "test")
    }

    #[test]
    fn header_breaking_values_are_refused_by_field() {
        for (key, token, field) in [
            ("ASIA\nX", None, "AccessKeyId"),
            ("ASIA X", None, "AccessKeyId"),
            ("", None, "AccessKeyId"),
            ("ASIA/X", None, "AccessKeyId"),
            ("ASIAX", Some("tok en"), "SessionToken"),
            ("ASIAX", Some("tok\r\nx-evil: 1"), "SessionToken"),
            ("ASIAX", Some("t\u{0}"), "SessionToken"),
            ("ASIAX", Some("tökén"), "SessionToken"),
            ("ASIAX", Some(""), "SessionToken"),
        ] {
            let err = credentials(&creds(key, "s", token)).unwrap_err();
            assert_eq!(err.field(), field, "{key:?} {token:?}");
        }
        let long = "A".repeat(129);
        assert_eq!(
            credentials(&creds(&long, "s", None)).unwrap_err().field(),
            "AccessKeyId"
        );
        assert_eq!(
            credentials(&creds("AKID", "", None)).unwrap_err().field(),
            "SecretAccessKey"
        );
        assert!(credentials(&creds("AKIDEXAMPLE", "wJal/rXU+tn", Some("FwoG+/=="))).is_ok());
    }

    #[test]
    fn errors_never_show_the_token() {
        let err = credentials(&creds("ASIAX", "s", Some("secrettoken\n"))).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("secrettoken"), "{text}");
        assert!(
            text.contains("U+000A (a control character) at position 11"),
            "{text}"
        );
    }

    #[test]
    fn regions_are_host_labels() {
        for good in [
            "us-east-1",
            "aws-global",
            "cn-north-1",
            "a",
            "us-isob-east-1",
        ] {
            assert!(region(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "-x",
            "us east",
            "us-east-1.amazonaws.com@evil.example#",
            "a/b",
            "é",
            &"a".repeat(64),
        ] {
            assert!(region(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn timestamp_range_is_what_four_digit_years_print() {
        assert!(timestamp_in_range(UNIX_EPOCH));
        assert!(timestamp_in_range(latest_timestamp()));
        assert!(!timestamp_in_range(
            latest_timestamp() + Duration::from_millis(1)
        ));
        assert!(!timestamp_in_range(UNIX_EPOCH - Duration::from_secs(1)));
        let far = UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 1000);
        assert_eq!(clamp_timestamp(far), latest_timestamp());
    }
}
