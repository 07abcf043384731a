//! Settings read from the environment (`AWS_*` variables), shared by the layers'
//! configuration and the client's.

use std::fmt;

/// A setting has a value its rule refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    setting: String,
    rule: &'static str,
    given: String,
}

impl SettingError {
    /// `setting` (an environment variable or profile key) was set to `given`,
    /// which breaks `rule`.
    pub fn new(setting: impl Into<String>, rule: &'static str, given: impl Into<String>) -> Self {
        Self {
            setting: setting.into(),
            rule,
            given: given.into(),
        }
    }

    /// The variable or key.
    pub fn setting(&self) -> &str {
        &self.setting
    }

    /// What the value must be.
    pub fn rule(&self) -> &'static str {
        self.rule
    }

    /// The value given.
    pub fn given(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} must be {}, got {:?}",
            self.setting, self.rule, self.given
        )
    }
}

impl std::error::Error for SettingError {}

impl From<SettingError> for sts_core::Error {
    fn from(e: SettingError) -> Self {
        sts_core::Error::new(sts_core::ErrorKind::Construction, e)
    }
}

/// Reads `true`/`false` (any case, surrounding spaces ignored).
pub fn parse_bool(setting: &str, value: &str) -> Result<bool, SettingError> {
    match value.trim() {
        v if v.eq_ignore_ascii_case("true") => Ok(true),
        v if v.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(SettingError::new(setting, "true or false", value)),
    }
}

/// Looks up a variable in the process environment; unset and empty are the same.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
