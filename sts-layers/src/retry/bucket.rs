//! The retry token bucket shared by all operations of a client.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// Tokens in a new bucket.
pub const DEFAULT_CAPACITY: u32 = 500;
/// Tokens a retry costs.
pub const RETRY_COST: u32 = 5;
/// Tokens a retry after a timeout costs.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a success that needed no retry puts back.
pub const SUCCESS_REWARD: u32 = 1;

/// A retry quota: each retry takes tokens, successes put them back, and when the
/// bucket is empty failures are returned at once instead of retried. An outage
/// then costs one attempt per call rather than a retry storm.
///
/// # Clone
///
/// Clones share the tokens: give one bucket to all the operations of a client.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    tokens: Arc<AtomicU32>,
    capacity: u32,
}

impl TokenBucket {
    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            tokens: Arc::new(AtomicU32::new(capacity)),
            capacity,
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// The bucket's capacity.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Takes `cost` tokens if there are that many.
    pub fn try_acquire(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Puts `tokens` back, up to the capacity.
    pub fn release(&self, tokens: u32) {
        let capacity = self.capacity;
        // The closure always returns Some: the update cannot fail.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(tokens).min(capacity))
            });
    }
}

impl Default for TokenBucket {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acquire_and_release_stay_within_bounds() {
        let bucket = TokenBucket::new(12);
        assert!(bucket.try_acquire(RETRY_COST));
        assert!(bucket.try_acquire(RETRY_COST));
        assert!(!bucket.try_acquire(RETRY_COST));
        assert_eq!(bucket.available(), 2);
        bucket.release(100);
        assert_eq!(bucket.available(), 12);
        assert!(bucket.try_acquire(TIMEOUT_RETRY_COST));
        assert!(!bucket.try_acquire(TIMEOUT_RETRY_COST));
    }
}
