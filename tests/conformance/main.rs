//! Conformance suites over the shared reference data (`../shared/vectors`, or
//! `$STS_VECTORS`). Each suite counts its cases and fails if any applicable case
//! fails. Without the data the suites are skipped, unless `STS_VECTORS_REQUIRED`
//! is set (as `.ci/run` does), in which case they fail.
#![allow(clippy::unwrap_used, clippy::print_stderr, missing_docs)]

mod endpoints;
mod protocol;
mod requests;
mod responses;
mod sigv4;

use std::path::PathBuf;

/// The vectors folder, or `None` (after saying so) when it is absent and not required.
pub(crate) fn vectors() -> Option<PathBuf> {
    let dir = std::env::var_os("STS_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    if dir.join("NOTICE.md").exists() {
        return Some(dir);
    }
    if std::env::var_os("STS_VECTORS_REQUIRED").is_some() {
        panic!(
            "STS_VECTORS_REQUIRED is set but no vectors at {}",
            dir.display()
        );
    }
    eprintln!(
        "conformance: no vectors at {}; suite skipped",
        dir.display()
    );
    None
}

pub(crate) fn read_json(path: PathBuf) -> serde_json::Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Tally of a suite: passed, failed (with reasons), not applicable (with reasons).
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) passed: Vec<String>,
    pub(crate) failed: Vec<String>,
    pub(crate) skipped: Vec<String>,
}

impl Tally {
    pub(crate) fn finish(self, suite: &str, min_passed: usize) {
        eprintln!(
            "{suite}: {} passed, {} failed, {} not applicable",
            self.passed.len(),
            self.failed.len(),
            self.skipped.len()
        );
        for s in &self.skipped {
            eprintln!("  not applicable: {s}");
        }
        assert!(
            self.failed.is_empty(),
            "{suite}: failures:\n{}",
            self.failed.join("\n")
        );
        assert!(
            self.passed.len() >= min_passed,
            "{suite}: only {} cases passed",
            self.passed.len()
        );
    }
}
