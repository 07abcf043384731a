//! The client against faults, over real TCP on loopback: for each fault the
//! number of attempts, the total time and the peak memory stay within what
//! the configuration allows, the error is clear and typed, nothing panics.
//! Run with `--nocapture` to see the table.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sts_client::StsClient;
use sts_core::ErrorKind;
use sts_core::model::GetCallerIdentityInput;
use sts_emulator::{Emulator, EmulatorServer, Fault, example};
use sts_layers::retry::RetryConfig;
use tower::ServiceExt;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);
const ATTEMPTS: u32 = 3;
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Counts the attempts a client sends (a layer after signing sees each).
static ATTEMPTS_SENT: AtomicUsize = AtomicUsize::new(0);

fn count_attempts(inner: sts_client::HttpService) -> sts_client::HttpService {
    sts_client::HttpService::new(tower::service_fn(
        move |req: http::Request<bytes::Bytes>| {
            ATTEMPTS_SENT.fetch_add(1, Ordering::SeqCst);
            inner.clone().oneshot(req)
        },
    ))
}

fn client(endpoint: &str) -> StsClient {
    builder(endpoint)
        .layer_after_signing(tower::layer::layer_fn(count_attempts))
        .build()
        .unwrap()
}

fn builder(endpoint: &str) -> sts_client::StsClientBuilder {
    StsClient::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(example::credentials())
        .retry(
            RetryConfig::standard()
                .max_attempts(ATTEMPTS)
                .initial_backoff(Duration::from_millis(50)),
        )
        .attempt_timeout(ATTEMPT_TIMEOUT)
        .body_limit(BODY_LIMIT)
}

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Resets the peak RSS (Linux `clear_refs` 5); false if not allowed here.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

struct Row {
    fault: &'static str,
    attempts: usize,
    millis: u128,
    peak_mib: f64,
    outcome: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_table() {
    let emulator = Emulator::new();
    let server = EmulatorServer::start(emulator.clone(), 0).await.unwrap();
    let sts = client(&server.endpoint_url());
    let gci = || GetCallerIdentityInput::builder().build().unwrap();
    let can_reset = reset_peak();
    let max_time = ATTEMPT_TIMEOUT * ATTEMPTS + Duration::from_millis(800);
    let mut rows = Vec::new();

    type Check = fn(&Result<sts_core::model::GetCallerIdentityOutput, sts_client::Error>) -> bool;
    let cases: Vec<(&'static str, Vec<(Fault, usize)>, usize, Check)> = vec![
        (
            "throttling x2, then success",
            vec![(Fault::Throttle, 2)],
            3,
            |r| r.is_ok(),
        ),
        (
            "503 burst x2, then success",
            vec![(Fault::ServerError(503), 2)],
            3,
            |r| r.is_ok(),
        ),
        (
            "500 burst x5 (longer than the retries)",
            vec![(Fault::ServerError(500), 5)],
            3,
            |r| {
                r.as_ref()
                    .is_err_and(|e| e.code() == Some("InternalFailure"))
            },
        ),
        (
            "connection reset mid-body x3",
            vec![(Fault::TruncateBody, 3)],
            3,
            |r| r.as_ref().is_err_and(|e| e.is_retryable()),
        ),
        (
            "slower than the attempt timeout x3",
            vec![(Fault::Delay(Duration::from_secs(5)), 3)],
            3,
            |r| r.as_ref().is_err_and(|e| e.is_timeout()),
        ),
        (
            "a body that never ends x3",
            vec![(Fault::StallBody, 3)],
            3,
            |r| r.as_ref().is_err_and(|e| e.is_timeout()),
        ),
        (
            "a 100 MiB body",
            vec![(Fault::OversizeBody(100 * 1024 * 1024), 1)],
            1,
            |r| {
                r.as_ref().is_err_and(|e| {
                    e.kind() == ErrorKind::Response && format!("{e:#}").contains("4194304")
                })
            },
        ),
        ("truncated XML", vec![(Fault::CutXml, 1)], 1, |r| {
            r.as_ref().is_err_and(|e| e.kind() == ErrorKind::Response)
        }),
        ("HTML instead of XML", vec![(Fault::Html, 1)], 1, |r| {
            r.as_ref().is_err_and(|e| e.kind() == ErrorKind::Response)
        }),
        ("an empty 200", vec![(Fault::EmptyOk, 1)], 1, |r| {
            r.as_ref().is_err_and(|e| e.kind() == ErrorKind::Response)
        }),
        (
            "a wrong Content-Type (application/json)",
            vec![(Fault::ContentType("application/json"), 1)],
            1,
            |r| r.is_ok(),
        ),
    ];
    for (name, faults, expected_attempts, check) in cases {
        emulator.clear_calls();
        emulator.clear_faults();
        for (fault, n) in faults {
            emulator.inject(fault, n);
        }
        reset_peak();
        let before = status_kb("VmRSS:");
        let sent = ATTEMPTS_SENT.load(Ordering::SeqCst);
        let started = Instant::now();
        let result = sts.get_caller_identity_with(gci()).await;
        let elapsed = started.elapsed();
        let peak = status_kb("VmHWM:").saturating_sub(before);
        let attempts = ATTEMPTS_SENT.load(Ordering::SeqCst) - sent;
        let outcome = match &result {
            Ok(_) => "ok".to_owned(),
            Err(e) => format!("{:?}: {e:#}", e.kind()),
        };
        assert!(check(&result), "{name}: unexpected outcome {outcome}");
        assert_eq!(attempts, expected_attempts, "{name}: {outcome}");
        assert!(elapsed <= max_time, "{name}: took {elapsed:?}");
        if can_reset {
            assert!(peak < 32 * 1024, "{name}: peak RSS grew by {peak} KiB");
        }
        rows.push(Row {
            fault: name,
            attempts,
            millis: elapsed.as_millis(),
            peak_mib: peak as f64 / 1024.0,
            outcome,
        });
    }

    // Nothing answers: a name that does not resolve, a refused connection.
    for (name, endpoint) in [
        (
            "a DNS name that does not resolve",
            "http://sts.does-not-exist.invalid".to_owned(),
        ),
        ("a refused connection", {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            format!("http://127.0.0.1:{port}")
        }),
    ] {
        reset_peak();
        let before = status_kb("VmRSS:");
        let sent = ATTEMPTS_SENT.load(Ordering::SeqCst);
        let started = Instant::now();
        let err = client(&endpoint)
            .get_caller_identity_with(gci())
            .await
            .unwrap_err();
        let elapsed = started.elapsed();
        let attempts = ATTEMPTS_SENT.load(Ordering::SeqCst) - sent;
        assert_eq!(attempts, ATTEMPTS as usize, "{name}: {err:#}");
        assert!(
            matches!(err.kind(), ErrorKind::Dispatch | ErrorKind::Timeout),
            "{name}: {err:#}"
        );
        assert!(elapsed <= max_time, "{name}: took {elapsed:?}");
        rows.push(Row {
            fault: name,
            attempts,
            millis: elapsed.as_millis(),
            peak_mib: status_kb("VmHWM:").saturating_sub(before) as f64 / 1024.0,
            outcome: format!("{:?}: {err:#}", err.kind()),
        });
    }

    eprintln!(
        "\n| fault | attempts | time (ms) | peak RSS growth (MiB) | outcome |\n|---|---|---|---|---|"
    );
    for r in &rows {
        let outcome: String = r.outcome.chars().take(110).collect();
        eprintln!(
            "| {} | {} | {} | {:.1} | {} |",
            r.fault,
            r.attempts,
            r.millis,
            r.peak_mib,
            outcome.replace('|', "/")
        );
    }
    if !can_reset {
        eprintln!("(peak RSS could not be reset here: growth figures are upper bounds)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_calls_to_a_failing_server_stay_within_the_retry_budget() {
    let emulator = Emulator::new();
    emulator.fail_next(usize::MAX, 500);
    let server = EmulatorServer::start(emulator.clone(), 0).await.unwrap();
    let sts = builder(&server.endpoint_url()).build().unwrap();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let sts = sts.clone();
            tokio::spawn(async move { sts.get_caller_identity().await })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().is_err());
    }
    // Every call reached the emulator (it records calls it has received
    // even when the client has given up).
    let attempts = emulator.calls().len();
    // The standard token bucket: 500 tokens, 5 per retry -> at most 100 retries.
    eprintln!(
        "1,000 calls to an always-failing server: {attempts} attempts ({} retries)",
        attempts - 1000
    );
    assert!((1000..=1100).contains(&attempts), "{attempts} attempts");
}
