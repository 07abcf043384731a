//! The one place that names and reads what users configure: environment
//! variables and profile keys.
//!
//! Every variable and profile key this crate honours is named here ([`var`],
//! [`key`], listed in [`VARIABLES`] and [`PROFILE_KEYS`]; the README's
//! configuration table is tested against these lists), and the client's
//! settings are read here: region, endpoint parameters, retry settings,
//! static credentials, the selected profile. The layers of `sts-layers`
//! take the plain values this module produces; the credential providers and
//! the proxy settings read their own inputs through the names declared here.
//!
//! ```
//! use sts_client::config;
//!
//! let env = |name: &str| match name {
//!     "AWS_MAX_ATTEMPTS" => Some("5".to_owned()),
//!     "AWS_USE_FIPS_ENDPOINT" => Some("true".to_owned()),
//!     _ => None,
//! };
//! assert_eq!(config::retry_config(env)?.attempts(), 5);
//! assert!(config::endpoint_params(Some("us-east-1".into()), env)?.use_fips);
//! assert!(config::VARIABLES.contains(&config::var::AWS_MAX_ATTEMPTS));
//! # Ok::<(), sts_client::layers::SettingError>(())
//! ```

use aws_credential_types::Credentials;
use sts_core::endpoint::EndpointParams;
use sts_core::{Error, ErrorKind};
use sts_layers::SettingError;
use sts_layers::retry::RetryConfig;

use crate::credentials::error::{ENV_KEYS, PROFILE_KEYS as STATIC_KEYS, check_static};
use crate::shared_config::{ProfileFiles, Section};

/// The environment variables read by this crate (and the `sts` command).
pub mod var {
    #![allow(missing_docs)]
    pub const AWS_PROFILE: &str = "AWS_PROFILE";
    pub const AWS_CONFIG_FILE: &str = "AWS_CONFIG_FILE";
    pub const AWS_SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
    pub const AWS_REGION: &str = "AWS_REGION";
    pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
    pub const AWS_ENDPOINT_URL_STS: &str = "AWS_ENDPOINT_URL_STS";
    pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
    pub const AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    pub const AWS_USE_FIPS_ENDPOINT: &str = "AWS_USE_FIPS_ENDPOINT";
    pub const AWS_USE_DUALSTACK_ENDPOINT: &str = "AWS_USE_DUALSTACK_ENDPOINT";
    pub const AWS_STS_REGIONAL_ENDPOINTS: &str = "AWS_STS_REGIONAL_ENDPOINTS";
    pub const AWS_MAX_ATTEMPTS: &str = "AWS_MAX_ATTEMPTS";
    pub const AWS_RETRY_MODE: &str = "AWS_RETRY_MODE";
    pub const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
    pub const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
    pub const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
    pub const AWS_CREDENTIAL_EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";
    pub const AWS_WEB_IDENTITY_TOKEN_FILE: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";
    pub const AWS_ROLE_ARN: &str = "AWS_ROLE_ARN";
    pub const AWS_ROLE_SESSION_NAME: &str = "AWS_ROLE_SESSION_NAME";
    pub const AWS_SDK_UA_APP_ID: &str = "AWS_SDK_UA_APP_ID";
    pub const HOME: &str = "HOME";
    pub const USERPROFILE: &str = "USERPROFILE";
    /// Upper case first, as curl reads them.
    pub const HTTPS_PROXY: [&str; 2] = ["HTTPS_PROXY", "https_proxy"];
    pub const HTTP_PROXY: [&str; 2] = ["HTTP_PROXY", "http_proxy"];
    pub const ALL_PROXY: [&str; 2] = ["ALL_PROXY", "all_proxy"];
    pub const NO_PROXY: [&str; 2] = ["NO_PROXY", "no_proxy"];
    /// Set in a CGI script: `HTTP_PROXY` is then not read (httpoxy).
    pub const REQUEST_METHOD: &str = "REQUEST_METHOD";
}

/// The profile keys read by this crate.
pub mod key {
    #![allow(missing_docs)]
    pub const REGION: &str = "region";
    pub const ENDPOINT_URL: &str = "endpoint_url";
    pub const SERVICES: &str = "services";
    pub const IGNORE_CONFIGURED_ENDPOINT_URLS: &str = "ignore_configured_endpoint_urls";
    pub const USE_FIPS_ENDPOINT: &str = "use_fips_endpoint";
    pub const USE_DUALSTACK_ENDPOINT: &str = "use_dualstack_endpoint";
    pub const STS_REGIONAL_ENDPOINTS: &str = "sts_regional_endpoints";
    pub const MAX_ATTEMPTS: &str = "max_attempts";
    pub const RETRY_MODE: &str = "retry_mode";
    pub const AWS_ACCESS_KEY_ID: &str = "aws_access_key_id";
    pub const AWS_SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
    pub const AWS_SESSION_TOKEN: &str = "aws_session_token";
    pub const ROLE_ARN: &str = "role_arn";
    pub const SOURCE_PROFILE: &str = "source_profile";
    pub const CREDENTIAL_SOURCE: &str = "credential_source";
    pub const EXTERNAL_ID: &str = "external_id";
    pub const ROLE_SESSION_NAME: &str = "role_session_name";
    pub const DURATION_SECONDS: &str = "duration_seconds";
    pub const MFA_SERIAL: &str = "mfa_serial";
    pub const WEB_IDENTITY_TOKEN_FILE: &str = "web_identity_token_file";
    pub const CREDENTIAL_PROCESS: &str = "credential_process";
    pub const SSO_SESSION: &str = "sso_session";
    pub const SSO_START_URL: &str = "sso_start_url";
    pub const SDK_UA_APP_ID: &str = "sdk_ua_app_id";
    /// The key of a `[services x]` section that holds STS's settings.
    pub const STS: &str = "sts";
}

/// Every environment variable this crate reads.
pub const VARIABLES: &[&str] = &[
    var::AWS_PROFILE,
    var::AWS_CONFIG_FILE,
    var::AWS_SHARED_CREDENTIALS_FILE,
    var::AWS_REGION,
    var::AWS_DEFAULT_REGION,
    var::AWS_ENDPOINT_URL_STS,
    var::AWS_ENDPOINT_URL,
    var::AWS_IGNORE_CONFIGURED_ENDPOINT_URLS,
    var::AWS_USE_FIPS_ENDPOINT,
    var::AWS_USE_DUALSTACK_ENDPOINT,
    var::AWS_STS_REGIONAL_ENDPOINTS,
    var::AWS_MAX_ATTEMPTS,
    var::AWS_RETRY_MODE,
    var::AWS_ACCESS_KEY_ID,
    var::AWS_SECRET_ACCESS_KEY,
    var::AWS_SESSION_TOKEN,
    var::AWS_CREDENTIAL_EXPIRATION,
    var::AWS_WEB_IDENTITY_TOKEN_FILE,
    var::AWS_ROLE_ARN,
    var::AWS_ROLE_SESSION_NAME,
    var::AWS_SDK_UA_APP_ID,
    var::HOME,
    var::USERPROFILE,
    var::HTTPS_PROXY[0],
    var::HTTP_PROXY[0],
    var::ALL_PROXY[0],
    var::NO_PROXY[0],
    var::REQUEST_METHOD,
];

/// The variables the default credentials chain reads (what `from_env`
/// snapshots when there are no static keys).
pub(crate) const CHAIN_VARIABLES: &[&str] = &[
    var::AWS_PROFILE,
    var::AWS_REGION,
    var::AWS_DEFAULT_REGION,
    var::AWS_ACCESS_KEY_ID,
    var::AWS_SECRET_ACCESS_KEY,
    var::AWS_SESSION_TOKEN,
    var::AWS_CREDENTIAL_EXPIRATION,
    var::AWS_WEB_IDENTITY_TOKEN_FILE,
    var::AWS_ROLE_ARN,
    var::AWS_ROLE_SESSION_NAME,
];

/// Every profile key this crate reads (`sso_session` and `sso_start_url` only
/// to refuse SSO profiles with a clear error).
pub const PROFILE_KEYS: &[&str] = &[
    key::REGION,
    key::ENDPOINT_URL,
    key::SERVICES,
    key::IGNORE_CONFIGURED_ENDPOINT_URLS,
    key::USE_FIPS_ENDPOINT,
    key::USE_DUALSTACK_ENDPOINT,
    key::STS_REGIONAL_ENDPOINTS,
    key::MAX_ATTEMPTS,
    key::RETRY_MODE,
    key::AWS_ACCESS_KEY_ID,
    key::AWS_SECRET_ACCESS_KEY,
    key::AWS_SESSION_TOKEN,
    key::ROLE_ARN,
    key::SOURCE_PROFILE,
    key::CREDENTIAL_SOURCE,
    key::EXTERNAL_ID,
    key::ROLE_SESSION_NAME,
    key::DURATION_SECONDS,
    key::MFA_SERIAL,
    key::WEB_IDENTITY_TOKEN_FILE,
    key::CREDENTIAL_PROCESS,
    key::SSO_SESSION,
    key::SSO_START_URL,
    key::STS,
    key::SDK_UA_APP_ID,
];

/// Looks up a variable in the process environment; unset and empty are the same.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Reads `true`/`false` (any case, surrounding spaces ignored).
pub fn parse_bool(setting: &str, value: &str) -> Result<bool, SettingError> {
    match value.trim() {
        v if v.eq_ignore_ascii_case("true") => Ok(true),
        v if v.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(SettingError::new(setting, "true or false", value)),
    }
}

/// Endpoint parameters for `region` from `AWS_USE_FIPS_ENDPOINT`,
/// `AWS_USE_DUALSTACK_ENDPOINT`, `AWS_STS_REGIONAL_ENDPOINTS` and (unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`) `AWS_ENDPOINT_URL_STS` /
/// `AWS_ENDPOINT_URL`, read through `env`.
pub fn endpoint_params(
    region: Option<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<EndpointParams, SettingError> {
    let mut params = EndpointParams {
        region,
        ..EndpointParams::default()
    };
    let flag = |name: &str| env(name).map(|v| parse_bool(name, &v)).transpose();
    if let Some(on) = flag(var::AWS_USE_FIPS_ENDPOINT)? {
        params.use_fips = on;
    }
    if let Some(on) = flag(var::AWS_USE_DUALSTACK_ENDPOINT)? {
        params.use_dual_stack = on;
    }
    if let Some(mode) = env(var::AWS_STS_REGIONAL_ENDPOINTS) {
        params.use_global_endpoint = match mode.trim() {
            m if m.eq_ignore_ascii_case("legacy") => true,
            m if m.eq_ignore_ascii_case("regional") => false,
            _ => {
                return Err(SettingError::new(
                    var::AWS_STS_REGIONAL_ENDPOINTS,
                    "regional or legacy",
                    mode,
                ));
            }
        };
    }
    if !flag(var::AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)?.unwrap_or(false) {
        params.endpoint = env(var::AWS_ENDPOINT_URL_STS).or_else(|| env(var::AWS_ENDPOINT_URL));
    }
    Ok(params)
}

/// The standard retry settings with `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE`
/// read through `env`. `AWS_RETRY_MODE` may be `standard` or `legacy` (both
/// mean the standard policy); `adaptive` is refused rather than silently
/// treated as standard.
pub fn retry_config(env: impl Fn(&str) -> Option<String>) -> Result<RetryConfig, SettingError> {
    let config = RetryConfig::standard();
    if let Some(mode) = env(var::AWS_RETRY_MODE) {
        let mode = mode.trim().to_ascii_lowercase();
        if mode != "standard" && mode != "legacy" {
            return Err(SettingError::new(
                var::AWS_RETRY_MODE,
                "standard or legacy (adaptive is not supported)",
                mode,
            ));
        }
    }
    match env(var::AWS_MAX_ATTEMPTS) {
        None => Ok(config),
        Some(v) => match v.trim().parse::<u32>() {
            Ok(n) if n >= 1 => Ok(config.max_attempts(n)),
            _ => Err(SettingError::new(
                var::AWS_MAX_ATTEMPTS,
                "a whole number of at least 1",
                v,
            )),
        },
    }
}

/// The environment variables `from_env` reads and the profile key for each
/// (`None`: environment only).
pub(crate) const SETTINGS: [(&str, Option<&str>); 13] = [
    (var::AWS_REGION, Some(key::REGION)),
    (var::AWS_DEFAULT_REGION, None),
    (var::AWS_ENDPOINT_URL_STS, None),
    (var::AWS_ENDPOINT_URL, None),
    (
        var::AWS_IGNORE_CONFIGURED_ENDPOINT_URLS,
        Some(key::IGNORE_CONFIGURED_ENDPOINT_URLS),
    ),
    (var::AWS_USE_FIPS_ENDPOINT, Some(key::USE_FIPS_ENDPOINT)),
    (
        var::AWS_USE_DUALSTACK_ENDPOINT,
        Some(key::USE_DUALSTACK_ENDPOINT),
    ),
    (
        var::AWS_STS_REGIONAL_ENDPOINTS,
        Some(key::STS_REGIONAL_ENDPOINTS),
    ),
    (var::AWS_MAX_ATTEMPTS, Some(key::MAX_ATTEMPTS)),
    (var::AWS_RETRY_MODE, Some(key::RETRY_MODE)),
    (var::AWS_ACCESS_KEY_ID, None),
    (var::AWS_SECRET_ACCESS_KEY, None),
    (var::AWS_SDK_UA_APP_ID, Some(key::SDK_UA_APP_ID)),
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
        let explicit = env(var::AWS_PROFILE);
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
        const IGNORE: &str = var::AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
        let ignore = self.get(IGNORE).map(|v| parse_bool(IGNORE, &v)).transpose();
        if ignore.map_err(|e| self.name_source(e))? == Some(true) {
            return Ok(None);
        }
        Ok((self.env)(var::AWS_ENDPOINT_URL_STS)
            .or_else(|| (self.env)(var::AWS_ENDPOINT_URL))
            .or_else(|| {
                self.files
                    .service_setting(&self.profile_name, key::STS, key::ENDPOINT_URL)
                    .map(str::to_owned)
            })
            .or_else(|| self.profile?.get(key::ENDPOINT_URL).map(str::to_owned)))
    }

    /// Static credentials: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
    /// (with `AWS_SESSION_TOKEN`), else the profile's `aws_access_key_id`,
    /// `aws_secret_access_key` (and `aws_session_token`).
    pub(crate) fn static_credentials(&self) -> Result<Option<Credentials>, Error> {
        let env = self.env;
        match (env(var::AWS_ACCESS_KEY_ID), env(var::AWS_SECRET_ACCESS_KEY)) {
            (Some(id), Some(secret)) => {
                let token = env(var::AWS_SESSION_TOKEN);
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
            profile.get(key::AWS_ACCESS_KEY_ID),
            profile.get(key::AWS_SECRET_ACCESS_KEY),
        ) {
            (Some(id), Some(secret)) => {
                let credentials = Credentials::new(
                    id,
                    secret,
                    profile.get(key::AWS_SESSION_TOKEN).map(str::to_owned),
                    None,
                    "Profile",
                );
                let source = format!(
                    " of profile {} in {}",
                    self.profile_name,
                    sources(self.files)
                );
                check_static(credentials, STATIC_KEYS, &source)
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
                        key::AWS_ACCESS_KEY_ID
                    } else {
                        key::AWS_SECRET_ACCESS_KEY
                    },
                    if id.is_some() {
                        key::AWS_SECRET_ACCESS_KEY
                    } else {
                        key::AWS_ACCESS_KEY_ID
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use sts_layers::endpoint::ResolveEndpointLayer;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        let map: HashMap<_, _> = vars.iter().copied().collect();
        move |k| map.get(k).map(|v| (*v).to_owned())
    }

    fn url(region: &str, vars: &[(&str, &str)]) -> String {
        let params = endpoint_params(Some(region.into()), env(vars)).unwrap();
        ResolveEndpointLayer::new(&params)
            .unwrap()
            .uri()
            .to_string()
    }

    #[test]
    fn environment_settings_reach_the_endpoint() {
        let table: &[(&str, &[(&str, &str)], &str)] = &[
            ("us-west-2", &[], "https://sts.us-west-2.amazonaws.com/"),
            (
                "us-west-2",
                &[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")],
                "https://sts.amazonaws.com/",
            ),
            (
                "us-west-2",
                &[("AWS_STS_REGIONAL_ENDPOINTS", "Regional")],
                "https://sts.us-west-2.amazonaws.com/",
            ),
            // Not one of the 16 legacy regions: stays regional.
            (
                "ap-east-1",
                &[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")],
                "https://sts.ap-east-1.amazonaws.com/",
            ),
            (
                "us-east-2",
                &[("AWS_USE_FIPS_ENDPOINT", "TRUE")],
                "https://sts-fips.us-east-2.amazonaws.com/",
            ),
            (
                "eu-west-1",
                &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
                "https://sts.eu-west-1.api.aws/",
            ),
            (
                "eu-west-1",
                &[
                    ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
                    ("AWS_ENDPOINT_URL_STS", "http://localhost:5000/sts"),
                ],
                "http://localhost:5000/sts",
            ),
            (
                "eu-west-1",
                &[("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")],
                "http://127.0.0.1:4566/",
            ),
            (
                "eu-west-1",
                &[
                    ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
                    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
                ],
                "https://sts.eu-west-1.amazonaws.com/",
            ),
            (
                "cn-north-1",
                &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
                "https://sts.cn-north-1.api.amazonwebservices.com.cn/",
            ),
        ];
        for (region, vars, expected) in table {
            assert_eq!(url(region, vars), *expected, "{region} {vars:?}");
        }
    }

    #[test]
    fn bad_settings_name_the_variable_and_the_value() {
        let err = endpoint_params(None, env(&[("AWS_USE_FIPS_ENDPOINT", "yes")])).unwrap_err();
        assert_eq!(err.setting(), "AWS_USE_FIPS_ENDPOINT");
        assert_eq!(err.given(), "yes");
        assert_eq!(
            err.to_string(),
            "AWS_USE_FIPS_ENDPOINT must be true or false, got \"yes\""
        );
        let err =
            endpoint_params(None, env(&[("AWS_STS_REGIONAL_ENDPOINTS", "global")])).unwrap_err();
        assert_eq!(err.rule(), "regional or legacy");
    }

    #[test]
    fn retry_settings() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let config = retry_config(env(&[
            ("AWS_MAX_ATTEMPTS", "7"),
            ("AWS_RETRY_MODE", "standard"),
        ]))
        .unwrap();
        assert_eq!(config.attempts(), 7);
        let err = retry_config(env(&[("AWS_MAX_ATTEMPTS", "0")])).unwrap_err();
        assert_eq!(err.setting(), "AWS_MAX_ATTEMPTS");
        let err = retry_config(env(&[("AWS_RETRY_MODE", "adaptive")])).unwrap_err();
        assert_eq!(err.given(), "adaptive");
    }

    /// The README's configuration table names exactly the variables and
    /// profile keys this module declares (plus the `sts` command's own).
    #[test]
    fn the_readme_table_is_this_module_s_table() {
        let readme = include_str!("../../README.md");
        let start = readme.find("## Configuration").unwrap();
        let end = start + readme[start..].find("### Bounds").unwrap();
        let (mut variables, mut keys) = (Vec::new(), Vec::new());
        for row in readme[start..end].lines().filter(|l| l.starts_with("| ")) {
            // `legacy\|regional` is one value, not two cells.
            let row = row.replace("\\|", "/");
            let cells: Vec<&str> = row.split('|').skip(1).collect();
            for (i, cell) in cells.iter().enumerate() {
                for token in cell.split('`').skip(1).step_by(2) {
                    let name = token.split('=').next().unwrap_or("").trim();
                    let upper = !name.is_empty()
                        && name.starts_with(|c: char| c.is_ascii_uppercase())
                        && name
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                    let lower = !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                    if upper {
                        variables.push(name.to_owned());
                    } else if lower && i == 1 {
                        keys.push(name.to_owned());
                    }
                }
            }
        }
        let command_only = ["STS_LOG", "RUST_LOG"];
        let mut declared: Vec<String> = VARIABLES.iter().map(|v| (*v).to_owned()).collect();
        declared.extend(command_only.iter().map(|v| (*v).to_owned()));
        for list in [&mut variables, &mut keys, &mut declared] {
            list.sort();
            list.dedup();
        }
        assert_eq!(
            variables, declared,
            "variables in the README table vs config::VARIABLES"
        );
        let mut declared_keys: Vec<String> = PROFILE_KEYS.iter().map(|k| (*k).to_owned()).collect();
        declared_keys.sort();
        assert_eq!(
            keys, declared_keys,
            "profile keys in the README table vs config::PROFILE_KEYS"
        );
    }

    /// No other module of this crate names a variable or a profile key
    /// itself: they go through [`var`] and [`key`].
    #[test]
    fn variables_and_keys_are_named_only_here() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 10);
        for file in files.iter().filter(|f| !f.ends_with("config.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            // Unit tests and doc examples may spell names out.
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            // A variable anywhere; a profile key as a call's last argument
            // (`get(profile, "role_arn")`), not as a Debug field name.
            let variables = VARIABLES.iter().map(|v| format!("\"{v}\""));
            let keys = PROFILE_KEYS.iter().map(|k| format!("\"{k}\")"));
            for literal in variables.chain(keys) {
                assert!(
                    !code.contains(&literal),
                    "{} names {literal} itself; use config::var or config::key",
                    file.display()
                );
            }
        }
    }
}
