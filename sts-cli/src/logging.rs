//! The command's diagnostics: the library's tracing on standard error.
//!
//! `--debug` shows the `sts_*` crates at debug level: the `sts.operation` and
//! `sts.attempt` spans as they close (operation, region, host, attempt,
//! status, request id, elapsed time, error), retries with their reason, and
//! why each credentials source was skipped. `RUST_LOG` (or `STS_LOG`, which
//! wins) selects levels and targets as Rust programs read them
//! (`debug`, `sts_layers=trace,sts_client=debug`; a bare level applies to
//! every target) and overrides `--debug`. Without either, warnings only.
//! Nothing logged holds a secret: the spans and events record names,
//! statuses, codes and ids, never credentials, tokens or signatures.

use std::str::FromStr;

use tracing::Level;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::CliError;

/// The variables that select what is logged, the first set wins.
const VARIABLES: [&str; 2] = ["STS_LOG", "RUST_LOG"];

/// Installs the subscriber for this process.
pub(crate) fn init(debug: bool) -> Result<(), CliError> {
    let chosen = VARIABLES
        .iter()
        .find_map(|name| std::env::var(name).ok().map(|v| (*name, v)))
        .filter(|(_, v)| !v.trim().is_empty());
    let filter = match chosen {
        Some((name, spec)) => Targets::from_str(spec.trim()).map_err(|e| {
            CliError::usage(format!(
                "{name} must be a level or target=level list (debug, sts_layers=trace,...): {e}"
            ))
        })?,
        None if debug => Targets::new()
            .with_target("sts_core", Level::DEBUG)
            .with_target("sts_layers", Level::DEBUG)
            .with_target("sts_client", Level::DEBUG)
            .with_target("sts", Level::DEBUG)
            .with_default(Level::WARN),
        None => Targets::new().with_default(Level::WARN),
    };
    let format = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(true)
        .with_span_events(FmtSpan::CLOSE);
    // A second init (tests calling in) is not an error worth stopping for.
    let _ = tracing_subscriber::registry()
        .with(format.with_filter(filter))
        .try_init();
    Ok(())
}
