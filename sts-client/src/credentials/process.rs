//! Credentials from an external command (`credential_process`).
//!
//! The command runs in its own process group; on timeout (or when the caller
//! gives up, for example the credentials cache's load timeout) the whole
//! group is killed, so no grandchild is left running. At most
//! [`MAX_OUTPUT`] bytes of standard output and [`MAX_STDERR`] bytes of
//! standard error are kept while the command runs (the rest of standard error
//! is read and dropped, so the command never blocks on a full pipe). Errors and
//! `Debug` name the program only, never its arguments, which can carry secrets.

use std::fmt;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::error::{failed, invalid};

const P: &str = "credential_process";
/// How long the command may run.
pub const PROCESS_TIMEOUT: Duration = Duration::from_secs(60);
/// The most standard output read from the command; more is an error.
pub const MAX_OUTPUT: usize = 64 * 1024;
/// The most standard error kept from the command (for the error message).
pub const MAX_STDERR: usize = 4 * 1024;

/// Runs a command (through `sh -c`, or `cmd /C` on Windows) that prints
/// credentials as JSON (`Version` 1, `AccessKeyId`, `SecretAccessKey`,
/// optional `SessionToken` and `Expiration`), as `credential_process` in
/// `~/.aws/config` does. Errors name the program (and profile) and say what
/// went wrong, never its arguments nor what it printed on standard output.
///
/// ```
/// use sts_client::credentials::CredentialProcessProvider;
///
/// let provider = CredentialProcessProvider::new("vault-creds --token s3cr3t");
/// assert!(!format!("{provider:?}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct CredentialProcessProvider {
    command: String,
    context: String,
    timeout: Duration,
}

impl fmt::Debug for CredentialProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialProcessProvider")
            .field("program", &program_name(&self.command))
            .finish_non_exhaustive()
    }
}

/// The program a command line runs: its first word, without quotes. Arguments
/// can carry secrets; the program's name is what errors and logs show.
pub(crate) fn program_name(command: &str) -> &str {
    let command = command.trim_start();
    for quote in ['"', '\''] {
        if let Some(rest) = command.strip_prefix(quote) {
            return rest.split(quote).next().unwrap_or("");
        }
    }
    command.split_whitespace().next().unwrap_or("")
}

impl CredentialProcessProvider {
    /// Runs `command`.
    pub fn new(command: impl Into<String>) -> Self {
        let command = command.into();
        Self {
            context: format!("command `{}`", program_name(&command)),
            command,
            timeout: PROCESS_TIMEOUT,
        }
    }

    /// Stops the command (its whole process group) after `timeout` instead
    /// of [`PROCESS_TIMEOUT`] (60 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub(crate) fn for_profile(command: &str, profile: &str, files: &str) -> Self {
        Self {
            command: command.to_owned(),
            context: format!(
                "command `{}` (profile {profile} in {files})",
                program_name(command)
            ),
            timeout: PROCESS_TIMEOUT,
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
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        #[cfg(unix)]
        cmd.process_group(0);
        let mut child = cmd
            .spawn()
            .map_err(|e| failed(P, format!("{ctx} could not be run"), e))?;
        // Armed until the command has exited by itself: on timeout, on too
        // much output, or when this future is dropped, the group is killed.
        let mut group = KillGroupOnDrop(child.id());
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(invalid(P, format!("{ctx} has no output pipes")));
        };
        let run = async {
            tokio::try_join!(
                read_at_most(stdout, MAX_OUTPUT),
                async { Ok(read_head_and_drain(stderr, MAX_STDERR).await) },
                async { child.wait().await.map_err(Output::Io) },
            )
        };
        let (stdout, stderr, status) = match tokio::time::timeout(self.timeout, run).await {
            Ok(Ok(done)) => done,
            Ok(Err(Output::TooLong)) => {
                return Err(invalid(
                    P,
                    format!("{ctx} printed more than {MAX_OUTPUT} bytes; it was stopped"),
                ));
            }
            Ok(Err(Output::Io(e))) => {
                return Err(failed(P, format!("{ctx} could not be read"), e));
            }
            Err(_) => {
                return Err(invalid(
                    P,
                    format!(
                        "{ctx} did not finish within {:?}; its process group was killed",
                        self.timeout
                    ),
                ));
            }
        };
        group.disarm();
        if !status.success() {
            let stderr = String::from_utf8_lossy(&stderr);
            let first = stderr
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect::<String>();
            return Err(invalid(P, format!("{ctx} failed ({status}): {first}")));
        }
        parse(&stdout).map_err(|m| invalid(P, format!("{ctx} printed {m}")))
    }
}

enum Output {
    TooLong,
    Io(std::io::Error),
}

/// Reads to the end, failing as soon as more than `limit` bytes arrive: no
/// more than `limit + 1` bytes are ever held.
async fn read_at_most(pipe: impl AsyncRead + Unpin, limit: usize) -> Result<Vec<u8>, Output> {
    let mut out = Vec::new();
    let limit_plus_one = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    pipe.take(limit_plus_one)
        .read_to_end(&mut out)
        .await
        .map_err(Output::Io)?;
    if out.len() > limit {
        return Err(Output::TooLong);
    }
    Ok(out)
}

/// Keeps the first `limit` bytes, reads and drops the rest (so the command
/// never blocks writing to a full pipe). Read errors end it quietly: standard
/// error only feeds an error message.
async fn read_head_and_drain(mut pipe: impl AsyncRead + Unpin, limit: usize) -> Vec<u8> {
    let mut head = Vec::new();
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    if (&mut pipe).take(limit).read_to_end(&mut head).await.is_ok() {
        let _ = tokio::io::copy(&mut pipe, &mut tokio::io::sink()).await;
    }
    head
}

/// Kills the process group led by the child when dropped, unless disarmed.
struct KillGroupOnDrop(Option<u32>);

impl KillGroupOnDrop {
    fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for KillGroupOnDrop {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pid) = self
            .0
            .and_then(|id| i32::try_from(id).ok())
            .and_then(rustix::process::Pid::from_raw)
        {
            // The group may already be gone (ESRCH): nothing to do then.
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
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
    let credentials = Credentials::new(
        key,
        secret,
        field("SessionToken").map(str::to_owned),
        expiry,
        "CredentialProcess",
    );
    sts_core::check::credentials(&credentials).map_err(|e| format!("JSON whose {e}"))?;
    Ok(credentials)
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
    fn only_the_program_is_named() {
        assert_eq!(
            program_name("  /usr/bin/vault-creds --token s3cr3t"),
            "/usr/bin/vault-creds"
        );
        assert_eq!(
            program_name("'/opt/my tool/creds' --key s3cr3t"),
            "/opt/my tool/creds"
        );
        assert_eq!(program_name("\"a b\" c"), "a b");
        assert_eq!(program_name(""), "");
        let p =
            CredentialProcessProvider::for_profile("creds --secret s3cr3t", "dev", "~/.aws/config");
        assert!(!format!("{p:?}").contains("s3cr3t"));
        assert!(!p.context.contains("s3cr3t"), "{}", p.context);
    }

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
            (br#"{"Version":1,"AccessKeyId":"AS\nIA","SecretAccessKey":"s3cr3t"}"#, "AccessKeyId holds U+000A"),
            (br#"{"Version":1,"AccessKeyId":"ASIA","SecretAccessKey":"s3cr3t","SessionToken":"s3cr3t tok"}"#, "SessionToken holds U+0020"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s3cr3t","Expiration":"9999-12-31T23:59:59-23:59"}"#, "outside 1970..=9999"),
        ] {
            let e = parse(out).unwrap_err();
            assert!(e.contains(want), "{e}");
            assert!(!e.contains("s3cr3t"), "{e}");
        }
    }
}
