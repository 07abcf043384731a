//! The shared config and credentials files (`~/.aws/config`,
//! `~/.aws/credentials`), parsed as the AWS SDKs parse them.
//!
//! The format is INI-like but not INI, and no general INI crate handles its
//! rules, so they are written out here:
//!
//! - In the config file a profile is `[profile NAME]` (or `[default]`; when
//!   both `[default]` and `[profile default]` exist, the latter wins); in the
//!   credentials file it is `[NAME]`. Sections of the wrong form for their file
//!   are skipped with a warning, as are names with characters outside
//!   `A-Za-z0-9_-/.%@:+`.
//! - `[services NAME]` sections hold per-service settings as sub-properties
//!   (`sts =` followed by indented `endpoint_url = ...` lines); `[sso-session
//!   NAME]` sections are kept too.
//! - Whole-line comments start with `#` or `;`; in a value, `#` or `;` starts a
//!   comment only after whitespace (so `secret#1` is a value). A comment may
//!   follow a section header.
//! - An indented line continues the property above it; if that property's
//!   value is empty, the indented lines are its sub-properties (`key = value`).
//! - Property names are case-insensitive (lower-cased); profile names are not.
//!   A profile repeated in one file is merged, later keys winning; the
//!   credentials file wins over the config file key by key.
//!
//! Secret values (`aws_secret_access_key`, `aws_session_token`) and the
//! arguments of `credential_process` (which can carry secrets) never appear in
//! `Debug`.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use sts_core::{Error, ErrorKind};

use crate::context;

/// Property names whose values are secrets: redacted in `Debug`.
const SECRET_KEYS: [&str; 2] = ["aws_secret_access_key", "aws_session_token"];

/// The prefix of a `[services name]` section header (a section kind, not a key).
const SERVICES_SECTION: &str = "services";

/// Which of the two files a text came from: they name profiles differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config` (`AWS_CONFIG_FILE`): `[profile NAME]`, `[default]`,
    /// `[services NAME]`, `[sso-session NAME]`.
    Config,
    /// `~/.aws/credentials` (`AWS_SHARED_CREDENTIALS_FILE`): `[NAME]`.
    Credentials,
}

/// One property: a value, or (for `key =` followed by indented lines)
/// sub-properties.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Property {
    value: String,
    sub_properties: Vec<(String, String)>,
}

impl Property {
    /// The value (empty for a property that only has sub-properties).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// A sub-property by (lower-case) name.
    pub fn sub_property(&self, name: &str) -> Option<&str> {
        self.sub_properties
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A named section: a profile, a `services` section or an `sso-session`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Section {
    name: String,
    properties: HashMap<String, Property>,
}

impl Section {
    /// The section's name (`default`, `dev`, ...).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A property's value by name (case-insensitive). Empty values count as
    /// absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        let property = self.property(name)?;
        (!property.value.is_empty()).then_some(property.value.as_str())
    }

    /// A property by name (case-insensitive).
    pub fn property(&self, name: &str) -> Option<&Property> {
        match self.properties.get(name) {
            Some(p) => Some(p),
            None => self.properties.get(&name.to_ascii_lowercase()),
        }
    }

    /// The property names, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.properties.keys().map(String::as_str)
    }

    fn merge(&mut self, other: Section) {
        self.properties.extend(other.properties);
    }
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        let mut keys: Vec<_> = self.properties.keys().collect();
        keys.sort();
        for key in keys {
            let property = &self.properties[key];
            if SECRET_KEYS.contains(&key.as_str()) {
                map.entry(key, &"** redacted **");
            } else if key == "credential_process" {
                let program = crate::credentials::process::program_name(&property.value);
                map.entry(key, &format_args!("{program:?} (arguments redacted)"));
            } else if property.sub_properties.is_empty() {
                map.entry(key, &property.value);
            } else {
                map.entry(key, &property.sub_properties);
            }
        }
        map.finish()?;
        write!(f, " ({})", self.name)
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A property does not know its own name, so it cannot tell whether it
        // is a secret: say only its shape.
        f.debug_struct("Property")
            .field("value_len", &self.value.len())
            .field("sub_properties", &self.sub_properties.len())
            .finish()
    }
}

/// A line that is not a section header, a property, a continuation or a
/// comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileParseError {
    file: String,
    line: usize,
    message: &'static str,
}

impl fmt::Display for ProfileParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, line {}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ProfileParseError {}

/// Every section of both files, merged.
#[derive(Debug, Clone, Default)]
pub struct ProfileFiles {
    profiles: HashMap<String, Section>,
    services: HashMap<String, Section>,
    sso_sessions: HashMap<String, Section>,
    sources: Vec<PathBuf>,
}

impl ProfileFiles {
    /// Parses the two files' texts; `config_name` and `credentials_name` name
    /// them in errors.
    pub fn parse(
        config: &str,
        config_name: &str,
        credentials: &str,
        credentials_name: &str,
    ) -> Result<Self, ProfileParseError> {
        let mut files = Self::default();
        files.add(FileKind::Config, config, config_name)?;
        files.add(FileKind::Credentials, credentials, credentials_name)?;
        files.sources = vec![PathBuf::from(config_name), PathBuf::from(credentials_name)];
        Ok(files)
    }

    /// Reads and parses the files the environment points at: `AWS_CONFIG_FILE`
    /// (default `~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE` (default
    /// `~/.aws/credentials`), `~` being `HOME` (or `USERPROFILE`). A file that
    /// does not exist counts as empty; one that cannot be read is an error.
    /// Reads through tokio, off the async threads.
    pub async fn load(env: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let home = env(crate::config::var::HOME).or_else(|| env(crate::config::var::USERPROFILE));
        let config = file_path(
            &env,
            crate::config::var::AWS_CONFIG_FILE,
            "config",
            home.as_deref(),
        );
        let credentials = file_path(
            &env,
            crate::config::var::AWS_SHARED_CREDENTIALS_FILE,
            "credentials",
            home.as_deref(),
        );
        let mut files = Self::default();
        for (kind, path) in [
            (FileKind::Config, config),
            (FileKind::Credentials, credentials),
        ] {
            let Some(path) = path else { continue };
            let Some(text) = read_optional(&path).await? else {
                continue;
            };
            files
                .add(kind, &text, &path.display().to_string())
                .map_err(|e| Error::new(ErrorKind::Construction, e))?;
            files.sources.push(path);
        }
        Ok(files)
    }

    /// Adds one file's sections (later files win key by key).
    pub fn add(&mut self, kind: FileKind, text: &str, name: &str) -> Result<(), ProfileParseError> {
        let mut default_from_profile = false;
        for (header, section) in parse_sections(text, name)? {
            let Some((target, section_name, is_profile_default)) = classify(kind, &header, name)
            else {
                continue;
            };
            // `[profile default]` wins over `[default]` in the config file.
            if kind == FileKind::Config && target == Target::Profile && section_name == "default" {
                if is_profile_default && !default_from_profile {
                    self.profiles.remove("default");
                    default_from_profile = true;
                } else if !is_profile_default && default_from_profile {
                    tracing::warn!(
                        file = name,
                        "[default] ignored: [profile default] is present"
                    );
                    continue;
                }
            }
            let map = match target {
                Target::Profile => &mut self.profiles,
                Target::Services => &mut self.services,
                Target::SsoSession => &mut self.sso_sessions,
            };
            let entry = map.entry(section_name.clone()).or_insert_with(|| Section {
                name: section_name,
                properties: HashMap::new(),
            });
            entry.merge(section);
        }
        Ok(())
    }

    /// A profile by name.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// A `[services NAME]` section by name.
    pub fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }

    /// An `[sso-session NAME]` section by name.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// The profile names, in no particular order.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The files that were read (those that existed), for error messages.
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }

    /// A setting of profile `name` for service `service` (`sts`): the
    /// sub-property `key` of `service` in the profile's `services` section.
    pub fn service_setting(&self, name: &str, service: &str, key: &str) -> Option<&str> {
        let services = self.profile(name)?.get(crate::config::key::SERVICES)?;
        self.services(services)?
            .property(service)?
            .sub_property(key)
            .filter(|v| !v.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Profile,
    Services,
    SsoSession,
}

/// Where a section with `header` in a file of `kind` goes, under which name,
/// and whether it is `[profile default]`.
fn classify(kind: FileKind, header: &str, file: &str) -> Option<(Target, String, bool)> {
    let (prefix, rest) = match header.split_once(char::is_whitespace) {
        Some((prefix, rest)) => (prefix, rest.trim()),
        None => ("", header),
    };
    let (target, name, profile_default) = match (kind, prefix) {
        (FileKind::Config, "") if header == "default" => (Target::Profile, header, false),
        (FileKind::Config, "profile") => (Target::Profile, rest, rest == "default"),
        (FileKind::Config, SERVICES_SECTION) => (Target::Services, rest, false),
        (FileKind::Config, "sso-session") => (Target::SsoSession, rest, false),
        (FileKind::Credentials, "") => (Target::Profile, header, false),
        _ => {
            tracing::warn!(
                file,
                section = header,
                "section ignored: not a form this file uses"
            );
            return None;
        }
    };
    if !valid_name(name) {
        tracing::warn!(file, section = header, "section ignored: invalid name");
        return None;
    }
    Some((target, name.to_owned(), profile_default))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

fn file_path(
    env: &impl Fn(&str) -> Option<String>,
    variable: &str,
    default_name: &str,
    home: Option<&str>,
) -> Option<PathBuf> {
    match env(variable).filter(|v| !v.is_empty()) {
        Some(path) => Some(expand_home(&path, home)),
        None => home.map(|h| Path::new(h).join(".aws").join(default_name)),
    }
}

fn expand_home(path: &str, home: Option<&str>) -> PathBuf {
    match (path.strip_prefix("~/").or(path.strip_prefix("~\\")), home) {
        (Some(rest), Some(home)) => Path::new(home).join(rest),
        _ => PathBuf::from(path),
    }
}

async fn read_optional(path: &Path) -> Result<Option<String>, Error> {
    match tokio::fs::read_to_string(path).await {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(context::error(
            ErrorKind::Construction,
            format!("could not read {}", path.display()),
            e,
        )),
    }
}

/// The sections of one file, in order, each with its header text (trimmed,
/// inner whitespace kept).
fn parse_sections(text: &str, file: &str) -> Result<Vec<(String, Section)>, ProfileParseError> {
    let error = |line: usize, message| ProfileParseError {
        file: file.to_owned(),
        line,
        message,
    };
    let mut sections: Vec<(String, Section)> = Vec::new();
    // The property the next indented line continues.
    let mut current: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with(char::is_whitespace);
        if !indented && trimmed.starts_with('[') {
            let Some(end) = trimmed.find(']') else {
                return Err(error(number, "section header without a closing ']'"));
            };
            let after = trimmed[end + 1..].trim_start();
            if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                return Err(error(number, "text after a section header's ']'"));
            }
            let header = trimmed[1..end].trim().to_owned();
            sections.push((header, Section::default()));
            current = None;
            continue;
        }
        let Some((_, section)) = sections.last_mut() else {
            return Err(error(number, "a property before any [section]"));
        };
        let continued = match &current {
            Some(key) if indented => section.properties.get_mut(key),
            _ => None,
        };
        if let Some(property) = continued {
            if property.value.is_empty() {
                let Some((k, v)) = trimmed.split_once('=') else {
                    return Err(error(number, "a sub-property without '='"));
                };
                let k = k.trim();
                if k.is_empty() {
                    return Err(error(number, "a sub-property without a name"));
                }
                property
                    .sub_properties
                    .push((k.to_ascii_lowercase(), v.trim().to_owned()));
            } else {
                property.value.push('\n');
                property.value.push_str(trimmed);
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(error(number, "expected 'name = value'"));
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(error(number, "a property without a name"));
        }
        section.properties.insert(
            key.clone(),
            Property {
                value: strip_inline_comment(value).trim().to_owned(),
                sub_properties: Vec::new(),
            },
        );
        current = Some(key);
    }
    Ok(sections)
}

/// `value` up to the first `#` or `;` that follows whitespace.
fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if (*b == b'#' || *b == b';') && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            return &value[..i];
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> ProfileFiles {
        ProfileFiles::parse(text, "config", "", "credentials").unwrap()
    }

    #[test]
    fn profiles_sections_and_prefixes() {
        let files = config(
            "# comment\n; another\n[default]\nregion = eu-west-1\n\n\
             [profile dev] ; trailing comment\nregion=us-east-2\n\
             [dev]\nregion = ignored\n[services s]\nsts =\n  endpoint_url = http://localhost:1\n",
        );
        assert_eq!(
            files.profile("default").unwrap().get("region"),
            Some("eu-west-1")
        );
        assert_eq!(
            files.profile("dev").unwrap().get("region"),
            Some("us-east-2")
        );
        assert_eq!(
            files
                .services("s")
                .unwrap()
                .property("sts")
                .unwrap()
                .sub_property("endpoint_url"),
            Some("http://localhost:1")
        );
        assert_eq!(files.profile_names().count(), 2);
    }

    #[test]
    fn profile_default_wins_over_default_in_either_order() {
        for text in [
            "[default]\nregion = a\nmax_attempts = 2\n[profile default]\nregion = b\n",
            "[profile default]\nregion = b\n[default]\nregion = a\nmax_attempts = 2\n",
        ] {
            let files = config(text);
            let default = files.profile("default").unwrap();
            assert_eq!(default.get("region"), Some("b"), "{text}");
            assert_eq!(default.get("max_attempts"), None, "{text}");
        }
    }

    #[test]
    fn comments_in_values_need_whitespace_before_them() {
        let files = config("[default]\na = x#y\nb = x #y\nc = x;y\nd = x\t;y\nRegion = r\n");
        let p = files.profile("default").unwrap();
        assert_eq!(p.get("a"), Some("x#y"));
        assert_eq!(p.get("b"), Some("x"));
        assert_eq!(p.get("c"), Some("x;y"));
        assert_eq!(p.get("d"), Some("x"));
        assert_eq!(p.get("region"), Some("r"), "names are case-insensitive");
        assert_eq!(p.get("REGION"), Some("r"));
    }

    #[test]
    fn continuations_and_sub_properties() {
        let files = config(
            "[default]\nlong = one\n  two\n\tthree\nsub =\n  k = v\n  K2 = v2 ; not a comment rule here\n",
        );
        let p = files.profile("default").unwrap();
        assert_eq!(p.get("long"), Some("one\ntwo\nthree"));
        let sub = p.property("sub").unwrap();
        assert_eq!(sub.value(), "");
        assert_eq!(sub.sub_property("k"), Some("v"));
        assert!(sub.sub_property("k2").unwrap().starts_with("v2"));
        assert_eq!(p.get("sub"), None, "an empty value counts as absent");
    }

    #[test]
    fn credentials_file_uses_bare_names_and_wins() {
        let files = ProfileFiles::parse(
            "[profile dev]\nregion = r\naws_access_key_id = FROMCONFIG\n",
            "config",
            "[dev]\naws_access_key_id = FROMCREDS\n[profile dev]\naws_access_key_id = IGNORED\n",
            "credentials",
        )
        .unwrap();
        let dev = files.profile("dev").unwrap();
        assert_eq!(dev.get("aws_access_key_id"), Some("FROMCREDS"));
        assert_eq!(dev.get("region"), Some("r"));
    }

    #[test]
    fn repeated_sections_merge_and_invalid_names_are_skipped() {
        let files =
            config("[profile a]\nx = 1\ny = 1\n[profile a]\ny = 2\n[profile bad name!]\nx = 1\n");
        let a = files.profile("a").unwrap();
        assert_eq!((a.get("x"), a.get("y")), (Some("1"), Some("2")));
        assert_eq!(files.profile_names().count(), 1);
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        for (text, line, message) in [
            ("x = 1\n", 1, "a property before any [section]"),
            ("[default]\nnot a property\n", 2, "expected 'name = value'"),
            ("[default\n", 1, "section header without a closing ']'"),
            ("[default] junk\n", 1, "text after a section header's ']'"),
            ("[default]\n = 1\n", 2, "a property without a name"),
            (
                "[default]\ns =\n  novalue\n",
                3,
                "a sub-property without '='",
            ),
        ] {
            let err = ProfileFiles::parse(text, "cfg", "", "creds").unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("cfg, line {line}: {message}"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn debug_redacts_secrets() {
        let files = ProfileFiles::parse(
            "",
            "config",
            "[default]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\naws_session_token = TOKENVALUE\n",
            "credentials",
        )
        .unwrap();
        let debug = format!("{files:?}");
        assert!(debug.contains("AKID"), "{debug}");
        assert!(
            !debug.contains("TOPSECRET") && !debug.contains("TOKENVALUE"),
            "{debug}"
        );
    }

    #[test]
    fn paths_expand_home() {
        assert_eq!(
            expand_home("~/x/config", Some("/h")),
            PathBuf::from("/h/x/config")
        );
        assert_eq!(expand_home("/abs", Some("/h")), PathBuf::from("/abs"));
        let env = |k: &str| (k == "HOME").then(|| "/h".to_owned());
        assert_eq!(
            file_path(&env, "AWS_CONFIG_FILE", "config", Some("/h")),
            Some(PathBuf::from("/h/.aws/config"))
        );
    }
}
