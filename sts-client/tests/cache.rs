//! The credentials cache under tokio's paused clock: a stampede at expiry
//! costs one provider call; a failing refresh inside the window keeps serving
//! the old credentials; expired credentials are never served; the prefetch
//! happens before the window.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};
use sts_client::credentials::CredentialsCache;
use tokio::time::Instant;

const TTL: Duration = Duration::from_secs(3600);

/// A provider that takes 100 ms (like STS), counts its calls, records when
/// they happen, and fails while told to.
#[derive(Debug, Clone, Default)]
struct Fake {
    calls: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
    at: Arc<std::sync::Mutex<Vec<Instant>>>,
}

impl Fake {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Fake {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            self.at.lock().unwrap().push(Instant::now());
            tokio::time::sleep(Duration::from_millis(100)).await;
            if self.failing.load(Ordering::SeqCst) {
                return Err(CredentialsError::provider_error("STS is down"));
            }
            // The expiry is on the wall clock, as STS sends it; the cache
            // converts it to tokio's clock once.
            Ok(Credentials::new(
                format!("ASIA{n:016}"),
                "secret",
                Some("token".into()),
                Some(SystemTime::now() + TTL),
                "fake",
            ))
        })
    }
}

fn cache(fake: &Fake) -> CredentialsCache {
    CredentialsCache::builder()
        .refresh_window(Duration::from_secs(300))
        .jitter(Duration::from_secs(60))
        .retry_interval(Duration::from_secs(10))
        .build(fake.clone())
}

#[tokio::test(start_paused = true)]
async fn ten_thousand_callers_at_expiry_cause_one_call() {
    let fake = Fake::default();
    let cache = cache(&fake);
    let first = cache.credentials().await.unwrap();
    assert_eq!(fake.calls(), 1);

    // Past expiry: nothing valid is cached, every caller must wait.
    tokio::time::advance(TTL + Duration::from_secs(1)).await;
    let tasks: Vec<_> = (0..10_000)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.credentials().await.unwrap() })
        })
        .collect();
    for task in tasks {
        let creds = task.await.unwrap();
        assert_ne!(creds.access_key_id(), first.access_key_id());
    }
    assert_eq!(fake.calls(), 2, "one refresh for 10,000 callers");
}

#[tokio::test(start_paused = true)]
async fn inside_the_window_one_caller_refreshes_and_the_rest_do_not_wait() {
    let fake = Fake::default();
    let cache = cache(&fake);
    let first = cache.credentials().await.unwrap();
    // 58 minutes in: inside the 5-6 minute window.
    tokio::time::advance(Duration::from_secs(58 * 60)).await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move {
                let c = cache.credentials().await.unwrap();
                (c, Instant::now())
            })
        })
        .collect();
    let mut served_old_at_once = 0;
    for task in tasks {
        let (creds, at) = task.await.unwrap();
        if creds.access_key_id() == first.access_key_id() && at == started {
            served_old_at_once += 1;
        }
    }
    assert_eq!(fake.calls(), 2);
    assert!(
        served_old_at_once >= 999,
        "{served_old_at_once} callers were served without waiting"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_refresh_keeps_serving_the_old_credentials_until_expiry() {
    let fake = Fake::default();
    let cache = cache(&fake);
    let first = cache.credentials().await.unwrap();
    fake.failing.store(true, Ordering::SeqCst);

    tokio::time::advance(Duration::from_secs(58 * 60)).await;
    let served = cache.credentials().await.unwrap();
    assert_eq!(served.access_key_id(), first.access_key_id());
    assert_eq!(fake.calls(), 2, "the refresh was tried");
    // Within the retry interval: no new attempt.
    tokio::time::advance(Duration::from_secs(5)).await;
    cache.credentials().await.unwrap();
    assert_eq!(fake.calls(), 2);
    // After it: tried again, still serving the old ones.
    tokio::time::advance(Duration::from_secs(6)).await;
    assert_eq!(
        cache.credentials().await.unwrap().access_key_id(),
        first.access_key_id()
    );
    assert_eq!(fake.calls(), 3);

    // Past expiry: never the expired credentials, an error instead.
    tokio::time::advance(Duration::from_secs(5 * 60)).await;
    let err = cache.credentials().await.unwrap_err();
    assert!(matches!(err, CredentialsError::ProviderError(_)), "{err:?}");

    // STS is back: fresh credentials.
    fake.failing.store(false, Ordering::SeqCst);
    let next = cache.credentials().await.unwrap();
    assert_ne!(next.access_key_id(), first.access_key_id());
}

#[tokio::test(start_paused = true)]
async fn callers_waiting_on_a_failed_refresh_share_its_error() {
    let fake = Fake::default();
    fake.failing.store(true, Ordering::SeqCst);
    let cache = cache(&fake);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.credentials().await })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().is_err());
    }
    assert_eq!(fake.calls(), 1, "100 waiters, one failed call");
}

#[tokio::test(start_paused = true)]
async fn prefetch_refreshes_before_the_window() {
    let fake = Fake::default();
    let cache = CredentialsCache::builder()
        .refresh_window(Duration::from_secs(300))
        .jitter(Duration::from_secs(60))
        .prefetch_lead(Duration::from_secs(120))
        .build(fake.clone());
    let first = cache.credentials().await.unwrap();
    // Let three hours pass, calling every minute. (`sleep` under the paused
    // clock lets the runtime run the prefetch task at its own deadline.)
    for _ in 0..(3 * 60) {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let creds = cache.credentials().await.unwrap();
        let _ = creds;
    }
    let at = fake.at.lock().unwrap().clone();
    assert!(at.len() >= 3, "{} fetches", at.len());
    // Each refresh came from the background task before the window opened:
    // at most 60 - 5 - 2 minutes after the previous one (with jitter, up to 1 minute earlier).
    for pair in at.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap <= Duration::from_secs(53 * 60) + Duration::from_millis(200),
            "gap {gap:?}"
        );
        assert!(gap >= Duration::from_secs(52 * 60), "gap {gap:?}");
    }
    assert_ne!(
        cache.credentials().await.unwrap().access_key_id(),
        first.access_key_id()
    );
}

#[tokio::test(start_paused = true)]
async fn credentials_without_expiry_are_fetched_once() {
    let fake_static = Credentials::new("AKIDSTATIC", "s3cr3t-value", None, None, "static");
    let cache = CredentialsCache::new(fake_static);
    tokio::time::advance(Duration::from_secs(86_400 * 365)).await;
    assert_eq!(
        cache.credentials().await.unwrap().access_key_id(),
        "AKIDSTATIC"
    );
    assert!(!format!("{cache:?}").contains("s3cr3t"));
}
