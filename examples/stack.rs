//! A custom `ServiceBuilder` stack around one operation: a concurrency limit,
//! a rate limit and a layer of your own, around `client.operation::<AssumeRole>()`
//! (a `tower::Service<AssumeRoleInput>`), against the in-memory emulator.
//!
//! Run with `cargo run -p sts-examples --example stack`.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use sts_client::StsClient;
use sts_client::model::{AssumeRole, AssumeRoleInput};
use sts_emulator::{Emulator, example};
use tower::{Layer, Service, ServiceBuilder, ServiceExt};

/// A layer of your own: counts calls and how many are in flight at once.
#[derive(Clone, Default)]
struct CountLayer {
    calls: Arc<AtomicUsize>,
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct Count<S> {
    inner: S,
    layer: CountLayer,
}

impl<S> Layer<S> for CountLayer {
    type Service = Count<S>;
    fn layer(&self, inner: S) -> Count<S> {
        Count {
            inner,
            layer: self.clone(),
        }
    }
}

impl<S, R> Service<R> for Count<S>
where
    S: Service<R>,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let l = self.layer.clone();
        l.calls.fetch_add(1, Ordering::SeqCst);
        let now = l.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        l.peak.fetch_max(now, Ordering::SeqCst);
        let fut = self.inner.call(req);
        Box::pin(async move {
            let out = fut.await;
            l.in_flight.fetch_sub(1, Ordering::SeqCst);
            out
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), tower::BoxError> {
    let emulator = Emulator::new();
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(emulator.clone())
        .build()?;

    let counter = CountLayer::default();
    let assume_role = ServiceBuilder::new()
        .concurrency_limit(4) // at most 4 AssumeRole calls in flight
        .rate_limit(20, Duration::from_secs(1)) // at most 20 per second
        .layer(counter.clone()) // sees what gets through
        .service(client.operation::<AssumeRole>());
    // Buffer makes the stack clonable across tasks (RateLimit is not Clone).
    let assume_role = tower::buffer::Buffer::new(assume_role, 64);

    let started = Instant::now();
    // Thirty callers at once, on a LocalSet. (`tokio::spawn(async move { ...
    // buffered.oneshot(..).await })` trips a rustc limitation with tower's
    // Buffer, see ARCHITECTURE.md; `tokio::spawn(buffered.oneshot(input))`
    // without the async block works too.)
    let local = tokio::task::LocalSet::new();
    let results = local
        .run_until(async {
            let tasks: Vec<_> = (0..30)
                .map(|i| {
                    let svc = assume_role.clone();
                    tokio::task::spawn_local(async move {
                        let input = AssumeRoleInput::builder()
                            .role_arn(example::ROLE_ARN)
                            .role_session_name(format!("worker-{i}"))
                            .build()?;
                        let out = svc.oneshot(input).await?;
                        Ok::<_, tower::BoxError>(
                            out.assumed_role_user.map(|u| u.arn).unwrap_or_default(),
                        )
                    })
                })
                .collect();
            let mut arns = Vec::new();
            for t in tasks {
                arns.push(t.await??);
            }
            Ok::<_, tower::BoxError>(arns)
        })
        .await?;
    assert_eq!(results.len(), 30);
    let elapsed = started.elapsed();
    let calls = counter.calls.load(Ordering::SeqCst);
    let peak = counter.peak.load(Ordering::SeqCst);
    println!(
        "30 AssumeRole calls through the stack in {elapsed:?}; the counting layer saw {calls}, at most {peak} in flight"
    );
    if calls != 30 || peak > 4 || elapsed < Duration::from_millis(900) {
        return Err("expected 30 calls, at most 4 at once, over more than a second (20/s)".into());
    }
    Ok(())
}
