//! Credentials from an external command (`credential_process`).

use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};
use serde_json::Value;

use super::error::{failed, invalid};

const P: &str = "credential_process";
/// How long the command may run.
pub const PROCESS_TIMEOUT: Duration = Duration::from_secs(60);
/// The most output read from the command.
const MAX_OUTPUT: usize = 64 * 1024;

/// Runs a command (through `sh -c`, or `cmd /C` on Windows) that prints
/// credentials as JSON (`Version` 1, `AccessKeyId`, `SecretAccessKey`,
/// optional `SessionToken` and `Expiration`), as `credential_process` in
/// `~/.aws/config` does. Errors name the command (and profile) and say what
/// went wrong, never what the command printed on standard output.
#[derive(Debug, Clone)]
pub struct CredentialProcessProvider {
    command: String,
    context: String,
}

impl CredentialProcessProvider {
    /// Runs `command`.
    pub fn new(command: impl Into<String>) -> Self {
        let command = command.into();
        Self {
            context: format!("command `{command}`"),
            command,
        }
    }

    pub(crate) fn for_profile(command: &str, profile: &str, files: &str) -> Self {
        Self {
            command: command.to_owned(),
            context: format!("command `{command}` (profile {profile} in {files})"),
        }
    }

    /// Runs the command once and parses what it prints.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let ctx = &self.context;
        let mut cmd = if cfg!(windows) {
            let mut c = tokio::process::Command::new("cmd");
            c.arg("/C");
            c
        } else {
            let mut c = tokio::process::Command::new("sh");
            c.arg("-c");
            c
        };
        cmd.arg(&self.command)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let output = match tokio::time::timeout(PROCESS_TIMEOUT, cmd.output()).await {
            Ok(Ok(output)) => output,
            Ok(Err(e)) => return Err(failed(P, format!("{ctx} could not be run"), e)),
            Err(_) => {
                return Err(invalid(
                    P,
                    format!(
                        "{ctx} did not finish within {} s",
                        PROCESS_TIMEOUT.as_secs()
                    ),
                ));
            }
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>();
            return Err(invalid(
                P,
                format!("{ctx} failed ({}): {first}", output.status),
            ));
        }
        if output.stdout.len() > MAX_OUTPUT {
            return Err(invalid(
                P,
                format!("{ctx} printed more than {MAX_OUTPUT} bytes"),
            ));
        }
        parse(&output.stdout).map_err(|m| invalid(P, format!("{ctx} printed {m}")))
    }
}

/// Parses the JSON a credential process prints.
fn parse(stdout: &[u8]) -> Result<Credentials, String> {
    let json: Value = serde_json::from_slice(stdout)
        .map_err(|e| format!("something that is not JSON ({})", e.classify_name()))?;
    let field = |name: &str| {
        json.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    match json.get("Version").and_then(Value::as_i64) {
        Some(1) => {}
        other => return Err(format!("JSON with Version {other:?}; it must be 1")),
    }
    let key = field("AccessKeyId").ok_or("JSON without AccessKeyId")?;
    let secret = field("SecretAccessKey").ok_or("JSON without SecretAccessKey")?;
    let expiry = match field("Expiration") {
        Some(t) => Some(
            sts_core::xml::parse_timestamp(t).map_err(|e| format!("an Expiration that is {e}"))?,
        ),
        None => None,
    };
    Ok(Credentials::new(
        key,
        secret,
        field("SessionToken").map(str::to_owned),
        expiry,
        "CredentialProcess",
    ))
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "wrong data",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}

impl ProvideCredentials for CredentialProcessProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.credentials())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_shape() {
        let c = parse(br#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"s3cr3t","SessionToken":"tok","Expiration":"2030-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.session_token(), Some("tok"));
        assert!(c.expiry().is_some());
        let c = parse(br#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"s"}"#).unwrap();
        assert_eq!(c.expiry(), None);
    }

    #[test]
    fn bad_output_is_described_without_its_content() {
        for (out, want) in [
            (&br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}"#[..], "Version Some(2)"),
            (br#"{"Version":1,"SecretAccessKey":"s3cr3t"}"#, "without AccessKeyId"),
            (br#"{"Version":1,"AccessKeyId":"A"}"#, "without SecretAccessKey"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s3cr3t","Expiration":"soon"}"#, "Expiration"),
            (b"s3cr3t", "not JSON"),
        ] {
            let e = parse(out).unwrap_err();
            assert!(e.contains(want), "{e}");
            assert!(!e.contains("s3cr3t"), "{e}");
        }
    }
}
