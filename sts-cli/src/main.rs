//! `sts`: AWS STS from the command line (see `sts --help`).
#![deny(missing_docs)]
#![allow(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod args;
mod emulator;
mod ops;
mod output;

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use sts_client::{StsClient, StsClientBuilder};

use args::{Cli, Command, Global};

/// A failure, with the exit code the AWS CLI would use.
#[derive(Debug)]
pub(crate) struct CliError {
    code: u8,
    message: String,
}

impl CliError {
    /// Bad flags or values: 252, as the AWS CLI.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 252,
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
        if let Some(service) = e.service_error() {
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
        Self::other(format!("{operation} failed: {e:#}"))
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 252 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
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
        .map_err(|e| CliError::usage(format!("configuration: {e:#}")))?;
    if let Some(region) = &global.region {
        builder = builder.region(region);
    }
    if let Some(url) = &global.endpoint_url {
        builder = builder.endpoint_url(url);
    }
    if global.debug {
        builder = builder.layer_after_signing(tower::layer::layer_fn(debug_log));
    }
    builder
        .build()
        .map_err(|e| CliError::usage(format!("configuration: {e:#}")))
}

/// Logs each attempt to standard error: method, URL, status, time. Header
/// names only, no values: nothing secret.
fn debug_log(inner: sts_client::HttpService) -> sts_client::HttpService {
    use tower::ServiceExt;
    sts_client::HttpService::new(tower::service_fn(
        move |req: http::Request<bytes::Bytes>| {
            let inner = inner.clone();
            async move {
                let started = Instant::now();
                let line = format!(
                    "sts --debug: {} {} headers [{}]",
                    req.method(),
                    req.uri(),
                    req.headers()
                        .keys()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let result = inner.oneshot(req).await;
                match &result {
                    Ok(resp) => eprintln!("{line} -> {} in {:?}", resp.status(), started.elapsed()),
                    Err(e) => eprintln!("{line} -> error after {:?}: {e:#}", started.elapsed()),
                }
                result
            }
        },
    ))
}
