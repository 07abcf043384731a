//! Where each setting of `StsClient::from_env` comes from: an environment
//! variable, else the key of the selected profile that stands for it.

use aws_credential_types::Credentials;
use sts_core::{Error, ErrorKind};
use sts_layers::settings::{SettingError, parse_bool};

use crate::credentials::error::{ENV_KEYS, PROFILE_KEYS, check_static};
use crate::profile::{ProfileFiles, Section};

/// The environment variables `from_env` reads and the profile key for each
/// (`None`: environment only).
pub(crate) const SETTINGS: [(&str, Option<&str>); 12] = [
    ("AWS_REGION", Some("region")),
    ("AWS_DEFAULT_REGION", None),
    ("AWS_ENDPOINT_URL_STS", None),
    ("AWS_ENDPOINT_URL", None),
    (
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        Some("ignore_configured_endpoint_urls"),
    ),
    ("AWS_USE_FIPS_ENDPOINT", Some("use_fips_endpoint")),
    ("AWS_USE_DUALSTACK_ENDPOINT", Some("use_dualstack_endpoint")),
    ("AWS_STS_REGIONAL_ENDPOINTS", Some("sts_regional_endpoints")),
    ("AWS_MAX_ATTEMPTS", Some("max_attempts")),
    ("AWS_RETRY_MODE", Some("retry_mode")),
    ("AWS_ACCESS_KEY_ID", None),
    ("AWS_SECRET_ACCESS_KEY", None),
];

/// The environment over one selected profile.
pub(crate) struct Settings<'a, E> {
    env: &'a E,
    files: &'a ProfileFiles,
    profile_name: String,
    profile: Option<&'a Section>,
}

impl<'a, E: Fn(&str) -> Option<String>> Settings<'a, E> {
    /// Selects the profile `AWS_PROFILE` names (or `default`).
    pub(crate) fn new(env: &'a E, files: &'a ProfileFiles) -> Result<Self, Error> {
        let explicit = env("AWS_PROFILE");
        let profile_name = explicit.clone().unwrap_or_else(|| "default".to_owned());
        let profile = files.profile(&profile_name);
        if profile.is_none() && explicit.is_some() {
            return Err(Error::new(
                ErrorKind::Construction,
                format!(
                    "AWS_PROFILE names profile {profile_name:?}, which is not in {}",
                    sources(files)
                ),
            ));
        }
        Ok(Self {
            env,
            files,
            profile_name,
            profile,
        })
    }

    /// The environment variable `name`, else the profile key standing for it.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        (self.env)(name).or_else(|| {
            let key = profile_key(name)?;
            Some(self.profile?.get(key)?.to_owned())
        })
    }

    /// Renames a setting error's variable to the profile key when the value
    /// came from the profile.
    pub(crate) fn name_source(&self, err: SettingError) -> SettingError {
        match profile_key(err.setting()) {
            Some(key) if (self.env)(err.setting()).is_none() => SettingError::new(
                format!(
                    "{key} (profile {} in {})",
                    self.profile_name,
                    sources(self.files)
                ),
                err.rule(),
                err.given(),
            ),
            _ => err,
        }
    }

    /// The endpoint URL, in the order the AWS SDKs use: `AWS_ENDPOINT_URL_STS`,
    /// `AWS_ENDPOINT_URL`, the profile's `services` section's `sts`
    /// `endpoint_url`, the profile's `endpoint_url`; none of them when
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
    /// `ignore_configured_endpoint_urls`) is true.
    pub(crate) fn endpoint_url(&self) -> Result<Option<String>, SettingError> {
        const IGNORE: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
        let ignore = self.get(IGNORE).map(|v| parse_bool(IGNORE, &v)).transpose();
        if ignore.map_err(|e| self.name_source(e))? == Some(true) {
            return Ok(None);
        }
        Ok((self.env)("AWS_ENDPOINT_URL_STS")
            .or_else(|| (self.env)("AWS_ENDPOINT_URL"))
            .or_else(|| {
                self.files
                    .service_setting(&self.profile_name, "sts", "endpoint_url")
                    .map(str::to_owned)
            })
            .or_else(|| self.profile?.get("endpoint_url").map(str::to_owned)))
    }

    /// Static credentials: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
    /// (with `AWS_SESSION_TOKEN`), else the profile's `aws_access_key_id`,
    /// `aws_secret_access_key` (and `aws_session_token`).
    pub(crate) fn static_credentials(&self) -> Result<Option<Credentials>, Error> {
        let env = self.env;
        match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => {
                let token = env("AWS_SESSION_TOKEN");
                let credentials = Credentials::new(id, secret, token, None, "Environment");
                return check_static(credentials, ENV_KEYS, "")
                    .map(Some)
                    .map_err(|m| Error::new(ErrorKind::Credentials, m));
            }
            (Some(_), None) => {
                return Err(Error::new(
                    ErrorKind::Credentials,
                    "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
                ));
            }
            (None, Some(_)) => {
                return Err(Error::new(
                    ErrorKind::Credentials,
                    "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
                ));
            }
            (None, None) => {}
        }
        let Some(profile) = self.profile else {
            return Ok(None);
        };
        match (
            profile.get("aws_access_key_id"),
            profile.get("aws_secret_access_key"),
        ) {
            (Some(id), Some(secret)) => {
                let credentials = Credentials::new(
                    id,
                    secret,
                    profile.get("aws_session_token").map(str::to_owned),
                    None,
                    "Profile",
                );
                let source = format!(
                    " of profile {} in {}",
                    self.profile_name,
                    sources(self.files)
                );
                check_static(credentials, PROFILE_KEYS, &source)
                    .map(Some)
                    .map_err(|m| Error::new(ErrorKind::Credentials, m))
            }
            (None, None) => Ok(None),
            (id, _) => Err(Error::new(
                ErrorKind::Credentials,
                format!(
                    "profile {} in {} has {} but not {}",
                    self.profile_name,
                    sources(self.files),
                    if id.is_some() {
                        "aws_access_key_id"
                    } else {
                        "aws_secret_access_key"
                    },
                    if id.is_some() {
                        "aws_secret_access_key"
                    } else {
                        "aws_access_key_id"
                    },
                ),
            )),
        }
    }
}

fn profile_key(variable: &str) -> Option<&'static str> {
    SETTINGS
        .iter()
        .find(|(name, _)| *name == variable)
        .and_then(|(_, key)| *key)
}

fn sources(files: &ProfileFiles) -> String {
    if files.sources().is_empty() {
        return "no config or credentials file".to_owned();
    }
    files
        .sources()
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" and ")
}
