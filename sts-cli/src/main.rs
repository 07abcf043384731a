//! `sts`: AWS STS from the command line (see `sts --help`).
#![deny(missing_docs)]
#![allow(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod args;
mod emulator;
mod logging;
mod ops;
mod output;

use std::process::ExitCode;

use clap::Parser;
use sts_client::{StsClient, StsClientBuilder};

use args::{Cli, Command, Global};

/// A failure, with the exit code the AWS CLI would use: 252 usage, 253
/// configuration or credentials, 254 a service error, 255 anything else.
#[derive(Debug)]
pub(crate) struct CliError {
    code: u8,
    message: String,
}

/// What to do when no source of credentials had any: the AWS CLI's one line,
/// with the sources this command reads.
const NO_CREDENTIALS: &str = "Unable to locate credentials. Set AWS_ACCESS_KEY_ID and \
AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials or ~/.aws/config (--profile or \
AWS_PROFILE), or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN; --debug shows why each source \
was skipped.";

impl CliError {
    /// Bad flags or values: 252, as the AWS CLI.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 252,
            message: message.into(),
        }
    }

    /// A bad configuration (files, variables) or credentials that cannot be
    /// loaded: 253, as the AWS CLI.
    pub(crate) fn configuration(message: impl Into<String>) -> Self {
        Self {
            code: 253,
            message: message.into(),
        }
    }

    /// Anything else: 255.
    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self {
            code: 255,
            message: message.into(),
        }
    }

    /// An error of the client calling `operation`.
    pub(crate) fn call(operation: &str, e: &sts_client::Error, debug: bool) -> Self {
        let detail = if debug {
            format!("\n{e:#}")
        } else {
            String::new()
        };
        if let Some(service) = e.service_error()
            && e.kind() == sts_core::ErrorKind::Service
        {
            let request_id = service
                .request_id()
                .map(|id| format!(" (request id {id})"))
                .unwrap_or_default();
            return Self {
                code: 254,
                message: format!(
                    "An error occurred ({}) when calling the {operation} operation: {}{request_id}{detail}",
                    service.code(),
                    service.message().unwrap_or("")
                ),
            };
        }
        if let Some(v) = e.validation_error() {
            return Self::usage(format!("Parameter validation failed: {v}{detail}"));
        }
        match e.kind() {
            sts_core::ErrorKind::Credentials if no_credentials(e) => {
                Self::configuration(format!("{NO_CREDENTIALS}{detail}"))
            }
            sts_core::ErrorKind::Credentials => {
                Self::configuration(format!("Unable to load credentials: {e:#}"))
            }
            sts_core::ErrorKind::Construction => {
                Self::configuration(format!("{operation} failed: {e:#}"))
            }
            _ => Self::other(format!("{operation} failed: {e:#}")),
        }
    }
}

/// Whether every source of credentials said it had none (not: one was broken).
fn no_credentials(e: &sts_client::Error) -> bool {
    use aws_credential_types::provider::error::CredentialsError;
    e.find_source::<CredentialsError>()
        .is_some_and(|c| matches!(c, CredentialsError::CredentialsNotLoaded(_)))
}

fn main() -> ExitCode {
    // A panic is a bug; the user gets one line and exit code 255, never a
    // backtrace or a panic message (which might quote a value).
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("sts: internal error{at}; this is a bug, please report it");
    }));
    std::panic::catch_unwind(real_main).unwrap_or(ExitCode::from(255))
}

fn real_main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 252 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Err(e) = logging::init(cli.global.debug) {
        eprintln!("{}", e.message);
        return ExitCode::from(e.code);
    }
    #[cfg(debug_assertions)]
    if std::env::var_os("STS_CLI_PANIC_FOR_TESTS").is_some() {
        panic!("a test asked for a panic; payload secret-abc123");
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sts: cannot start the async runtime: {e}");
            return ExitCode::from(255);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(out) => {
            if !out.is_empty() {
                println!("{out}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", e.message);
            ExitCode::from(e.code)
        }
    }
}

async fn run(cli: Cli) -> Result<String, CliError> {
    let global = cli.global;
    if let Command::Emulator(args) = cli.command {
        return emulator::run(args).await;
    }
    let client = client(&global).await?;
    let value = ops::call(&client, cli.command, global.debug).await?;
    output::render(&value, global.output)
}

/// The client: the library's `from_env` (environment, profile, credentials
/// chain), with `--profile`, `--region` and `--endpoint-url` on top.
async fn client(global: &Global) -> Result<StsClient, CliError> {
    let profile = global.profile.clone();
    let env = move |name: &str| match (name, &profile) {
        ("AWS_PROFILE", Some(p)) => Some(p.clone()),
        _ => std::env::var(name).ok(),
    };
    let mut builder = StsClientBuilder::from_env_with(env)
        .await
        .map_err(|e| CliError::configuration(format!("configuration: {e:#}")))?;
    if let Some(region) = &global.region {
        builder = builder.region(region);
    }
    if let Some(url) = &global.endpoint_url {
        builder = builder.endpoint_url(url);
    }
    builder
        .build()
        .map_err(|e| CliError::configuration(format!("configuration: {e:#}")))
}
