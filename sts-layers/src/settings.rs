//! The error of a setting whose value breaks its rule. The layers take plain
//! values; reading them from the environment and the profile files is
//! `sts_client::config`'s job.

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
