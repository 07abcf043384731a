use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use sts_core::error::ServiceError;
use tokio::time::Instant;
use tower::retry::RetryLayer;
use tower::{Layer, Service, ServiceExt, service_fn};

use super::*;
use crate::timeout::{Elapsed, TimeoutLayer, TimeoutScope};

type Outcome = Result<http::Response<Bytes>, BoxError>;

fn throttled() -> BoxError {
    Box::new(sts_core::Error::from(
        ServiceError::new("Throttling").with_status(400),
    ))
}

fn denied() -> BoxError {
    Box::new(sts_core::Error::from(
        ServiceError::new("AccessDenied").with_status(403),
    ))
}

fn request() -> http::Request<Bytes> {
    let mut req = http::Request::new(Bytes::from_static(b"Action=GetCallerIdentity"));
    Attempt::set(&mut req, 1, 3);
    req
}

/// A service answering attempt `n` (from 1) with `script(n)`, counting calls,
/// and recording the `amz-sdk-request` headers it saw.
fn scripted(
    script: impl Fn(u32) -> Outcome + Clone + Send + 'static,
) -> (
    impl Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError, Future: Send>
    + Clone
    + Send
    + 'static,
    Arc<AtomicU32>,
) {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let svc = service_fn(move |req: http::Request<Bytes>| {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let attempt = req.extensions().get::<Attempt>().map(|a| a.number);
        let header = req.headers().get("amz-sdk-request").cloned();
        let out = script(n).map(|mut resp| {
            if let Some(h) = header {
                resp.headers_mut().insert("echo-sdk-request", h);
            }
            resp
        });
        assert_eq!(attempt, Some(n.min(attempt.unwrap_or(n))));
        async move { out }
    });
    (svc, calls)
}

fn policy(config: RetryConfig, bucket: &TokenBucket) -> StandardPolicy {
    StandardPolicy::new(config, bucket.clone()).jitter_source(|| 0.5)
}

#[tokio::test(start_paused = true)]
async fn a_throttled_call_followed_by_success_returns_the_success() {
    let (svc, calls) = scripted(|n| {
        if n == 1 {
            Err(throttled())
        } else {
            Ok(http::Response::new(Bytes::from_static(b"ok")))
        }
    });
    let bucket = TokenBucket::default();
    let svc = RetryLayer::new(policy(RetryConfig::standard(), &bucket)).layer(svc);
    let start = Instant::now();
    let resp = svc.oneshot(request()).await.unwrap();
    assert_eq!(resp.body().as_ref(), b"ok");
    assert_eq!(resp.headers()["echo-sdk-request"], "attempt=2; max=3");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // Jitter 0.5 of the 1 s base.
    assert_eq!(start.elapsed(), Duration::from_millis(500));
    // The retry's 5 tokens came back with the success.
    assert_eq!(bucket.available(), DEFAULT_CAPACITY);
}

#[tokio::test(start_paused = true)]
async fn access_denied_is_attempted_once() {
    let (svc, calls) = scripted(|_| Err(denied()));
    let bucket = TokenBucket::default();
    let svc = RetryLayer::new(policy(RetryConfig::standard(), &bucket)).layer(svc);
    let err = sts_core::Error::from_boxed(svc.oneshot(request()).await.unwrap_err());
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(bucket.available(), DEFAULT_CAPACITY);
}

#[tokio::test(start_paused = true)]
async fn attempts_stop_at_the_maximum_with_growing_backoff() {
    let (svc, calls) = scripted(|_| Err(throttled()));
    let bucket = TokenBucket::default();
    let config = RetryConfig::standard().max_attempts(4);
    let svc = RetryLayer::new(policy(config, &bucket)).layer(svc);
    let start = Instant::now();
    let err = sts_core::Error::from_boxed(svc.oneshot(request()).await.unwrap_err());
    assert!(err.is_throttling());
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    // 0.5 * (1 + 2 + 4) seconds.
    assert_eq!(start.elapsed(), Duration::from_millis(3500));
    assert_eq!(bucket.available(), DEFAULT_CAPACITY - 3 * RETRY_COST);
}

#[tokio::test(start_paused = true)]
async fn the_token_bucket_caps_the_attempts_of_many_concurrent_failing_calls() {
    let (svc, calls) = scripted(|_| {
        Err(Box::new(sts_core::Error::from(
            ServiceError::new("ServiceUnavailable").with_status(503),
        )) as BoxError)
    });
    // Room for 4 retries in all.
    let bucket = TokenBucket::new(4 * RETRY_COST + 2);
    let svc = RetryLayer::new(policy(RetryConfig::standard().max_attempts(10), &bucket)).layer(svc);
    let calls_made = 50;
    let mut tasks = Vec::new();
    for _ in 0..calls_made {
        tasks.push(tokio::spawn(svc.clone().oneshot(request())));
    }
    for task in tasks {
        assert!(task.await.unwrap().is_err());
    }
    assert_eq!(calls.load(Ordering::SeqCst), calls_made + 4);
    assert_eq!(bucket.available(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_replaces_the_backoff_within_the_cap() {
    for (asked, expected) in [(2, 2), (60, 20)] {
        let (svc, _) = scripted(move |n| {
            if n == 1 {
                let e = ServiceError::new("Throttling")
                    .with_status(400)
                    .with_retry_after(Duration::from_secs(asked));
                Err(Box::new(sts_core::Error::from(e)) as BoxError)
            } else {
                Ok(http::Response::new(Bytes::new()))
            }
        });
        let svc =
            RetryLayer::new(policy(RetryConfig::standard(), &TokenBucket::default())).layer(svc);
        let start = Instant::now();
        svc.oneshot(request()).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(expected));
    }
}

#[tokio::test(start_paused = true)]
async fn attempt_timeouts_are_retried_at_the_timeout_cost() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let slow_then_fast = service_fn(move |_req: http::Request<Bytes>| {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            if n == 1 {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Ok::<_, BoxError>(http::Response::new(Bytes::new()))
        }
    });
    let bucket = TokenBucket::default();
    let svc = tower::ServiceBuilder::new()
        .layer(RetryLayer::new(policy(RetryConfig::standard(), &bucket)))
        .layer(TimeoutLayer::attempt(Some(Duration::from_secs(2))))
        .service(slow_then_fast);
    let start = Instant::now();
    svc.oneshot(request()).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(start.elapsed(), Duration::from_millis(2500));
    assert_eq!(bucket.available(), DEFAULT_CAPACITY);
}

#[tokio::test(start_paused = true)]
async fn an_operation_timeout_bounds_the_total_time_of_slow_attempts() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let slow = service_fn(move |_req: http::Request<Bytes>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<_, BoxError>(http::Response::new(Bytes::new()))
        }
    });
    let svc = tower::ServiceBuilder::new()
        .layer(TimeoutLayer::operation(Some(Duration::from_secs(5))))
        .layer(RetryLayer::new(policy(
            RetryConfig::standard().max_attempts(100),
            &TokenBucket::default(),
        )))
        .layer(TimeoutLayer::attempt(Some(Duration::from_secs(2))))
        .service(slow);
    let start = Instant::now();
    let err = sts_core::Error::from_boxed(svc.oneshot(request()).await.unwrap_err());
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert_eq!(
        err.find_source::<Elapsed>().unwrap().scope(),
        TimeoutScope::Operation
    );
    // 2 s, 0.5 s backoff, 2 s, then the operation timeout during the 1 s backoff.
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn full_jitter_backoff_stays_within_its_bounds() {
    let config = RetryConfig::standard();
    for retry in 1..=40u32 {
        let ceiling = Duration::from_secs(1u64 << (retry - 1).min(20)).min(Duration::from_secs(20));
        assert_eq!(config.backoff(retry, 0.0), Duration::ZERO);
        let mut rng = fastrand::Rng::with_seed(u64::from(retry));
        for _ in 0..1000 {
            let d = config.backoff(retry, rng.f64());
            assert!(d < ceiling, "retry {retry}: {d:?} >= {ceiling:?}");
        }
    }
    // A fixed unit shows the doubling and the cap.
    let seq: Vec<_> = (1..=7)
        .map(|r| config.backoff(r, 0.999_999).as_secs())
        .collect();
    assert_eq!(seq, [0, 1, 3, 7, 15, 19, 19]);
}
