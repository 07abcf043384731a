//! A credentials cache that never stampedes: one refresh in flight however
//! many callers wait, refreshes before expiry (jittered), optional background
//! prefetch, and the old credentials served while a refresh fails and they
//! are still valid.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use tokio::time::Instant;

use super::error::ProviderError;

/// The default refresh window: credentials are refreshed this long before
/// they expire (as the AWS SDKs do).
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);
/// The default jitter: each refresh starts up to this much earlier still,
/// chosen at random, so a fleet does not refresh in lock-step.
pub const DEFAULT_JITTER: Duration = Duration::from_secs(60);
/// The default wait before trying again after a failed refresh while the
/// old credentials are still valid.
pub const DEFAULT_RETRY_INTERVAL: Duration = Duration::from_secs(10);
/// The default lead of the background prefetch over the refresh window.
pub const DEFAULT_PREFETCH_LEAD: Duration = Duration::from_secs(60);
/// The default bound on one call to the cached provider, as aws-config's
/// credentials cache sets it: a provider that hangs (a silent STS, a stuck
/// `credential_process`) fails every waiter after this long instead of holding
/// them forever. Raise it with [`CredentialsCacheBuilder::load_timeout`] for
/// providers that prompt a person (an MFA code).
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(5);

/// Caches the credentials of another provider (see the module docs).
///
/// ```
/// use std::time::Duration;
/// use aws_credential_types::Credentials;
/// use sts_client::credentials::CredentialsCache;
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let source = Credentials::new("AKIDEXAMPLE", "secret", None, None, "example");
/// let cache = CredentialsCache::builder()
///     .refresh_window(Duration::from_secs(600))
///     .jitter(Duration::from_secs(120))
///     .prefetch(true)
///     .build(source);
/// assert_eq!(cache.credentials().await.unwrap().access_key_id(), "AKIDEXAMPLE");
/// # });
/// ```
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: SharedCredentialsProvider,
    config: CacheConfig,
    current: Mutex<State>,
    /// Held by the one caller (or prefetch task) that refreshes.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Debug, Clone, Copy)]
struct CacheConfig {
    window: Duration,
    jitter: Duration,
    retry_interval: Duration,
    prefetch: Option<Duration>,
    load_timeout: Option<Duration>,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    /// Incremented by every fetch; with `last_error`, lets callers that
    /// waited for a failed fetch report its error instead of fetching again.
    generation: u64,
    last_error: Option<String>,
    prefetch: Option<tokio::task::AbortHandle>,
}

#[derive(Clone)]
struct Cached {
    credentials: Credentials,
    /// None: the credentials never expire.
    expires: Option<Instant>,
    refresh_at: Option<Instant>,
}

impl Cached {
    fn fresh(&self, now: Instant) -> bool {
        self.refresh_at.is_none_or(|t| now < t)
    }

    fn valid(&self, now: Instant) -> bool {
        self.expires.is_none_or(|t| now < t)
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state();
        f.debug_struct("CredentialsCache")
            .field("provider", &self.inner.provider)
            .field("config", &self.inner.config)
            .field(
                "cached",
                &state
                    .cached
                    .as_ref()
                    .map(|c| c.credentials.access_key_id().to_owned()),
            )
            .finish()
    }
}

/// Configures a [`CredentialsCache`].
#[derive(Debug, Clone)]
#[must_use]
pub struct CredentialsCacheBuilder {
    config: CacheConfig,
}

impl CredentialsCacheBuilder {
    /// Refresh this long before expiry (default 5 minutes).
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.config.window = window;
        self
    }

    /// Start each refresh up to this much earlier still, at random (default 1 minute).
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.config.jitter = jitter;
        self
    }

    /// After a failed refresh, wait this long before trying again, serving
    /// the old credentials meanwhile if still valid (default 10 seconds).
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.config.retry_interval = interval;
        self
    }

    /// Refresh in a background task (on the tokio runtime the cache is first
    /// used on) [`DEFAULT_PREFETCH_LEAD`] before the refresh window, so that
    /// callers never wait for the provider in steady state.
    pub fn prefetch(mut self, enabled: bool) -> Self {
        self.config.prefetch = enabled.then_some(DEFAULT_PREFETCH_LEAD);
        self
    }

    /// Like [`prefetch`](Self::prefetch), `lead` before the refresh window.
    pub fn prefetch_lead(mut self, lead: Duration) -> Self {
        self.config.prefetch = Some(lead);
        self
    }

    /// Give up on one call to the provider after `timeout` (default
    /// [`DEFAULT_LOAD_TIMEOUT`], 5 seconds); `None` waits as long as the
    /// provider takes. A timed-out load is a failed refresh: waiters share its
    /// error and old credentials keep being served while valid.
    pub fn load_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.load_timeout = timeout;
        self
    }

    /// A cache over `provider`.
    pub fn build(self, provider: impl ProvideCredentials + 'static) -> CredentialsCache {
        CredentialsCache {
            inner: Arc::new(Inner {
                provider: SharedCredentialsProvider::new(provider),
                config: self.config,
                current: Mutex::new(State::default()),
                refresh: tokio::sync::Mutex::new(()),
            }),
        }
    }
}

impl CredentialsCache {
    /// A builder with the defaults.
    pub fn builder() -> CredentialsCacheBuilder {
        CredentialsCacheBuilder {
            config: CacheConfig {
                window: DEFAULT_REFRESH_WINDOW,
                jitter: DEFAULT_JITTER,
                retry_interval: DEFAULT_RETRY_INTERVAL,
                prefetch: None,
                load_timeout: Some(DEFAULT_LOAD_TIMEOUT),
            },
        }
    }

    /// A cache over `provider` with the defaults.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::builder().build(provider)
    }

    /// The credentials: cached ones while fresh; else the result of one
    /// refresh shared by every waiting caller.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let now = Instant::now();
        let (cached, generation) = {
            let state = self.inner.state();
            (state.cached.clone(), state.generation)
        };
        if let Some(c) = &cached {
            if c.fresh(now) {
                return Ok(c.credentials.clone());
            }
            if c.valid(now) {
                // In the refresh window: one caller refreshes; everyone else
                // is served the still-valid credentials without waiting.
                let Ok(_guard) = self.inner.refresh.try_lock() else {
                    return Ok(c.credentials.clone());
                };
                if let Some(newer) = self.inner.fresh_after(now) {
                    return Ok(newer);
                }
                return match self.inner.fetch().await {
                    Ok(credentials) => {
                        self.schedule_prefetch();
                        Ok(credentials)
                    }
                    Err(_) => Ok(c.credentials.clone()),
                };
            }
        }
        // Nothing valid: wait for the refresh in flight, or do it.
        let _guard = self.inner.refresh.lock().await;
        {
            let state = self.inner.state();
            if let Some(c) = &state.cached
                && c.valid(Instant::now())
            {
                return Ok(c.credentials.clone());
            }
            if state.generation != generation
                && let Some(message) = &state.last_error
            {
                // The fetch we waited for failed: report it rather than
                // sending every waiter to the provider in turn.
                return Err(CredentialsError::provider_error(ProviderError::new(
                    "cache",
                    format!("the refresh this call waited for failed: {message}"),
                )));
            }
        }
        let credentials = self.inner.fetch().await?;
        self.schedule_prefetch();
        Ok(credentials)
    }

    fn schedule_prefetch(&self) {
        let Some(lead) = self.inner.config.prefetch else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut state = self.inner.state();
        let Some(at) = state
            .cached
            .as_ref()
            .and_then(|c| c.refresh_at)
            .map(|t| t.checked_sub(lead).unwrap_or(t))
        else {
            return;
        };
        if let Some(old) = state.prefetch.take() {
            old.abort();
        }
        let weak = Arc::downgrade(&self.inner);
        let task = runtime.spawn(prefetch(weak, at));
        state.prefetch = Some(task.abort_handle());
    }
}

async fn prefetch(weak: Weak<Inner>, mut at: Instant) {
    loop {
        tokio::time::sleep_until(at).await;
        let Some(inner) = weak.upgrade() else { return };
        let _guard = inner.refresh.lock().await;
        let lead = inner.config.prefetch.unwrap_or_default();
        match inner.state().cached.as_ref().and_then(|c| c.refresh_at) {
            None => return,
            // Someone refreshed meanwhile: sleep until the new point.
            Some(r) if r.checked_sub(lead).unwrap_or(r) > Instant::now() => {
                at = r.checked_sub(lead).unwrap_or(r);
                continue;
            }
            Some(_) => {}
        }
        match inner.fetch().await {
            Ok(_) => {
                let next = inner.state().cached.as_ref().and_then(|c| c.refresh_at);
                match next {
                    Some(t) => at = t.checked_sub(lead).unwrap_or(t),
                    None => return,
                }
            }
            Err(_) => {
                // Still valid: try again later; the callers' own refresh
                // takes over inside the window.
                at = Instant::now() + inner.config.retry_interval;
                if inner.state().cached.as_ref().is_none_or(|c| !c.valid(at)) {
                    return;
                }
            }
        }
    }
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Cached credentials that became fresh after `since` (another caller refreshed).
    fn fresh_after(&self, since: Instant) -> Option<Credentials> {
        let state = self.state();
        let c = state.cached.as_ref()?;
        c.fresh(since).then(|| c.credentials.clone())
    }

    /// Calls the provider (the caller holds the refresh lock) and stores the result.
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let load = self.provider.provide_credentials();
        let result = match self.config.load_timeout {
            Some(limit) => tokio::time::timeout(limit, load)
                .await
                .unwrap_or_else(|_| Err(CredentialsError::provider_timed_out(limit))),
            None => load.await,
        };
        // Credentials that cannot sign (a newline in a key id, a space in a
        // token) are never cached: they would fail every call until expiry.
        let result = result.and_then(|credentials| {
            sts_core::check::credentials(&credentials)
                .map(|()| credentials)
                .map_err(|e| {
                    CredentialsError::invalid_configuration(e.from_provider("the cached provider"))
                })
        });
        let now = Instant::now();
        let mut state = self.state();
        state.generation += 1;
        match &result {
            Ok(credentials) => {
                state.last_error = None;
                state.cached = Some(self.cached(credentials.clone(), now));
            }
            Err(e) => {
                state.last_error = Some(super::error::describe(e));
                // Keep serving the old credentials while valid; try again later.
                if let Some(c) = &mut state.cached {
                    let retry = now + self.config.retry_interval;
                    c.refresh_at = Some(match c.expires {
                        Some(expires) => retry.min(expires),
                        None => retry,
                    });
                }
            }
        }
        result
    }

    fn cached(&self, credentials: Credentials, now: Instant) -> Cached {
        let Some(expiry) = credentials.expiry() else {
            return Cached {
                credentials,
                expires: None,
                refresh_at: None,
            };
        };
        let lifetime = expiry.duration_since(SystemTime::now()).unwrap_or_default();
        let expires = now + lifetime;
        let jitter = if self.config.jitter.is_zero() {
            Duration::ZERO
        } else {
            self.config.jitter.mul_f64(fastrand::f64())
        };
        // Short-lived credentials: refresh at half their life at the latest.
        let lead = (self.config.window + jitter).min(lifetime / 2);
        Cached {
            credentials,
            expires: Some(expires),
            refresh_at: Some(expires - lead),
        }
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.credentials())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(task) = self.state().prefetch.take() {
            task.abort();
        }
    }
}
