//! Retry in the AWS "standard" mode, as a [`tower::retry::Policy`].
//!
//! - At most [`RetryConfig::max_attempts`] attempts (default 3, `AWS_MAX_ATTEMPTS`).
//! - Full-jitter exponential backoff: before retry `n` the policy sleeps a random
//!   delay in `[0, min(max_backoff, initial_backoff * 2^(n-1)))` (1 s and 20 s by
//!   default). A delay the server asked for (`Retry-After`, `x-amz-retry-after`)
//!   replaces it, capped at `max_backoff`.
//! - A [`TokenBucket`] shared by every clone: a retry costs 5 tokens (10 after a
//!   timeout), a success refunds what its retries took or adds 1, and when the
//!   bucket is empty failures are returned without retry.
//! - What is retried is decided by a [`ClassifyRetry`], [`DefaultClassifier`]
//!   unless replaced.
//!
//! The policy also rewrites `amz-sdk-request: attempt=n; max=m` and the
//! [`Attempt`] extension for each retry. Signing and
//! error decoding sit inside retry, so each attempt is signed afresh and the
//! classifier sees typed errors.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use sts_layers::retry::{RetryConfig, StandardPolicy, TokenBucket};
//! use tower::retry::RetryLayer;
//!
//! let config = RetryConfig::standard()
//!     .max_attempts(5)
//!     .initial_backoff(Duration::from_millis(100))
//!     .max_backoff(Duration::from_secs(5));
//! let layer = RetryLayer::new(StandardPolicy::new(config, TokenBucket::default()));
//! # let _ = layer;
//! ```

mod bucket;
mod classify;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use pin_project_lite::pin_project;
use sts_core::error::BoxError;
use tokio::time::Sleep;

pub use self::bucket::{
    DEFAULT_CAPACITY, RETRY_COST, SUCCESS_REWARD, TIMEOUT_RETRY_COST, TokenBucket,
};
pub use self::classify::{
    ClassifyRetry, DefaultClassifier, RetryAction, RetryKind, SharedClassifier,
};
use crate::shared::Attempt;

/// The retry settings of the standard mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl RetryConfig {
    /// 3 attempts, backoff from 1 s up to 20 s.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }

    /// One attempt, no retry.
    pub fn disabled() -> Self {
        Self::standard().max_attempts(1)
    }

    /// The most attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff base: the first retry waits up to this long.
    pub fn initial_backoff(mut self, base: Duration) -> Self {
        self.initial_backoff = base;
        self
    }

    /// The longest wait between attempts, also the cap on `Retry-After`.
    pub fn max_backoff(mut self, cap: Duration) -> Self {
        self.max_backoff = cap;
        self
    }

    /// The configured most attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The full-jitter delay before retry number `retry` (1 for the first
    /// retry), given a random `unit` in `[0, 1)`.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let exp = self.initial_backoff.saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        exp.min(self.max_backoff).mul_f64(unit.clamp(0.0, 1.0))
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Where jitter comes from: `fastrand` unless a test fixes it.
pub type JitterSource = fn() -> f64;

/// The standard-mode [`tower::retry::Policy`].
///
/// # Clone
///
/// tower's `Retry` clones the policy for each call: the attempt count is per
/// call, the token bucket is shared.
#[derive(Debug, Clone)]
pub struct StandardPolicy<C = DefaultClassifier> {
    config: RetryConfig,
    bucket: TokenBucket,
    classifier: C,
    jitter: JitterSource,
    attempts: u32,
    held: u32,
}

impl StandardPolicy {
    /// The standard policy with the default classifier.
    pub fn new(config: RetryConfig, bucket: TokenBucket) -> Self {
        Self::with_classifier(config, bucket, DefaultClassifier)
    }
}

impl<C: ClassifyRetry> StandardPolicy<C> {
    /// The standard policy with another classifier.
    pub fn with_classifier(config: RetryConfig, bucket: TokenBucket, classifier: C) -> Self {
        Self {
            config,
            bucket,
            classifier,
            jitter: fastrand::f64,
            attempts: 1,
            held: 0,
        }
    }

    /// Takes jitter from `source` (tests use a fixed value).
    #[must_use]
    pub fn jitter_source(mut self, source: JitterSource) -> Self {
        self.jitter = source;
        self
    }

    /// The shared token bucket.
    pub fn token_bucket(&self) -> &TokenBucket {
        &self.bucket
    }

    /// The settings.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }
}

impl<C: ClassifyRetry> tower::retry::Policy<http::Request<Bytes>, http::Response<Bytes>, BoxError>
    for StandardPolicy<C>
{
    type Future = Backoff;

    fn retry(
        &mut self,
        req: &mut http::Request<Bytes>,
        result: &mut Result<http::Response<Bytes>, BoxError>,
    ) -> Option<Backoff> {
        let (kind, asked) = match self.classifier.classify(result) {
            RetryAction::Retry(kind, asked) => (kind, asked),
            RetryAction::DoNotRetry | RetryAction::NoOpinion => {
                if result.is_ok() {
                    self.bucket.release(if self.held > 0 {
                        self.held
                    } else {
                        SUCCESS_REWARD
                    });
                }
                return None;
            }
        };
        if self.attempts >= self.config.max_attempts {
            tracing::debug!(attempts = self.attempts, "not retrying: attempts exhausted");
            return None;
        }
        let cost = if kind == RetryKind::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        if !self.bucket.try_acquire(cost) {
            tracing::debug!(
                available = self.bucket.available(),
                "not retrying: retry quota exhausted"
            );
            return None;
        }
        self.held = cost;
        let delay = match asked {
            Some(asked) => asked.min(self.config.max_backoff),
            None => self.config.backoff(self.attempts, (self.jitter)()),
        };
        self.attempts += 1;
        Attempt::set(req, self.attempts, self.config.max_attempts);
        tracing::debug!(
            ?kind,
            ?delay,
            attempt = self.attempts,
            reason = %RetryReason(result),
            "retrying"
        );
        Some(Backoff {
            sleep: tokio::time::sleep(delay),
        })
    }

    fn clone_request(&mut self, req: &http::Request<Bytes>) -> Option<http::Request<Bytes>> {
        if self.config.max_attempts <= 1 {
            return None;
        }
        let mut clone = http::Request::new(req.body().clone());
        *clone.method_mut() = req.method().clone();
        *clone.uri_mut() = req.uri().clone();
        *clone.version_mut() = req.version();
        *clone.headers_mut() = req.headers().clone();
        *clone.extensions_mut() = req.extensions().clone();
        Some(clone)
    }
}

pin_project! {
    /// The wait before the next attempt.
    #[derive(Debug)]
    pub struct Backoff {
        #[pin]
        sleep: Sleep,
    }
}

impl Future for Backoff {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().sleep.poll(cx)
    }
}

/// The retry layer with the standard policy.
pub type StandardRetryLayer<C = DefaultClassifier> = tower::retry::RetryLayer<StandardPolicy<C>>;
/// A service retried with the standard policy.
pub type StandardRetry<S, C = DefaultClassifier> = tower::retry::Retry<StandardPolicy<C>, S>;

#[cfg(test)]
mod tests;

/// What made an attempt fail, for the retry log line: the service's error
/// code, or the status, or the error's own description (never a body).
struct RetryReason<'a>(&'a Result<http::Response<Bytes>, BoxError>);

impl std::fmt::Display for RetryReason<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Ok(response) => write!(f, "status {}", response.status()),
            Err(e) => match sts_core::error::find_source::<sts_core::error::ServiceError>(&**e) {
                Some(service) => write!(f, "{}", service.code()),
                None => write!(f, "{e}"),
            },
        }
    }
}
