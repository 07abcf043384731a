//! An AWS STS emulator that behaves like STS: it verifies SigV4 signatures
//! and session tokens, validates input as STS does, issues credentials that
//! work for later calls and expire, answers with STS's XML shapes and error
//! codes, injects faults, and records the calls it received.
//!
//! Two forms:
//! - [`Emulator`] is a `tower::Service<http::Request<B>>`: plug it into the
//!   client as its transport, no sockets.
//! - [`EmulatorServer`] (feature `server`, on by default) serves it on a
//!   loopback address with hyper, for tests in other processes or languages.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use sts_client::StsClient;
//! use sts_core::model::{AssumeRoleInput, GetCallerIdentityInput};
//! use sts_emulator::{Emulator, example};
//!
//! let emulator = Emulator::new(); // the example account, user and roles
//! let client = StsClient::builder()
//!     .region("us-east-1")
//!     .credentials(example::credentials())
//!     .transport(emulator.clone())
//!     .build()?;
//!
//! let me = client.get_caller_identity().await?;
//! assert_eq!(me.arn.as_deref(), Some("arn:aws:iam::123456789012:user/alice"));
//!
//! let assumed = client
//!     .assume_role(AssumeRoleInput::builder().role_arn(example::ROLE_ARN).role_session_name("demo").build()?)
//!     .await?;
//! assert!(assumed.credentials.is_some());
//! assert_eq!(emulator.calls().len(), 2);
//! # Ok(()) }
//! ```
//!
//! # What it checks, and what it does not
//!
//! Signed operations: the SigV4 signature (header or presigned query),
//! recomputed from the method, path, query, signed headers and body; the
//! access key (unknown: `InvalidClientTokenId`); the session token of
//! temporary keys (missing or not this key's: `InvalidClientTokenId`; expired:
//! `ExpiredToken`); the request time (more than 15 minutes off:
//! `RequestTimeTooSkewed`); the scope's service and date. Any region is
//! accepted in the scope. Roles' trust conditions (account, external id,
//! MFA), maximum session duration and the one-hour limit of role chaining.
//! Web identity tokens and SAML assertions are read and their issuer,
//! audience, roles and expiry checked; their signatures are not verified.
//! Session policies must be JSON but are not evaluated: the emulator
//! authenticates, it does not authorize beyond trust policies.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod auth;
mod body;
mod config;
mod error;
pub mod example;
mod fault;
mod ops;
mod record;
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
mod server;
mod service;
mod state;
mod tokens;
mod validation;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

pub use body::EmulatorBody;
pub use config::{Account, Role, User};
pub use error::EmulatorError;
pub use fault::Fault;
pub use record::Call;
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub use server::{EmulatorServer, HEADER_READ_TIMEOUT, MAX_CONNECTIONS, ServerLimits};

use state::{KeyEntry, Principal};

/// The largest request body the emulator reads (STS's own limit is lower).
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// How many calls the record keeps (the oldest go first), so that a
/// long-running emulator does not grow without bound.
pub const MAX_RECORDED_CALLS: usize = 10_000;

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// An emulated STS. Cheap to clone: clones share accounts, issued
/// credentials, faults and the call record.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    accounts: Vec<Account>,
    issuer: String,
    clock: Clock,
    jwt_key: [u8; 32],
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, KeyEntry>,
    /// The size of `keys` at which expired issued keys are next swept out.
    next_sweep: usize,
    calls: VecDeque<Call>,
    /// What `calls` holds, roughly, in bytes (see [`MAX_RECORDED_BYTES`]).
    recorded_bytes: usize,
    faults: VecDeque<(Fault, usize)>,
    clock_offset: i64,
    trade_in: HashMap<String, (String, SystemTime)>,
}

/// How long an issued key is kept after it expires, so that a late call with
/// it is told `ExpiredToken` rather than `InvalidClientTokenId`.
pub const EXPIRED_KEY_GRACE: Duration = Duration::from_secs(24 * 60 * 60);
/// The most issued (temporary) keys kept: past it, the ones that expire
/// first are forgotten, so that no rate of AssumeRole calls grows memory
/// without bound.
pub const MAX_ISSUED_KEYS: usize = 100_000;
/// The most bytes the call record keeps (parameter names and values, ids),
/// beside [`MAX_RECORDED_CALLS`]: the oldest calls go first.
pub const MAX_RECORDED_BYTES: usize = 16 * 1024 * 1024;

impl State {
    /// Records an issued key; sweeps expired ones out when the map has
    /// doubled since the last sweep (amortised O(1) per key).
    fn insert_issued(&mut self, id: String, entry: KeyEntry, now: SystemTime) {
        self.keys.insert(id, entry);
        if self.keys.len() >= self.next_sweep {
            self.sweep_keys(now);
        }
    }

    fn sweep_keys(&mut self, now: SystemTime) {
        let alive = |expires: SystemTime| {
            expires
                .checked_add(EXPIRED_KEY_GRACE)
                .is_none_or(|until| until > now)
        };
        self.keys
            .retain(|_, e| e.session.as_ref().is_none_or(|s| alive(s.expires)));
        let issued = self.keys.values().filter(|e| e.session.is_some()).count();
        if issued > MAX_ISSUED_KEYS {
            let mut by_expiry: Vec<(SystemTime, String)> = self
                .keys
                .iter()
                .filter_map(|(id, e)| e.session.as_ref().map(|s| (s.expires, id.clone())))
                .collect();
            by_expiry.sort_unstable();
            for (_, id) in by_expiry.into_iter().take(issued - MAX_ISSUED_KEYS) {
                self.keys.remove(&id);
            }
        }
        self.next_sweep = self.keys.len().saturating_mul(2).max(1024);
    }

    /// Appends a call, dropping the oldest past either bound of the record.
    fn record(&mut self, call: Call) {
        self.recorded_bytes += call.approx_bytes();
        self.calls.push_back(call);
        while self.calls.len() > MAX_RECORDED_CALLS || self.recorded_bytes > MAX_RECORDED_BYTES {
            match self.calls.pop_front() {
                Some(old) => self.recorded_bytes -= old.approx_bytes(),
                None => break,
            }
        }
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Emulator")
            .field("accounts", &self.inner.accounts)
            .field("issuer", &self.inner.issuer)
            .field("issued_keys", &state.keys.len())
            .field("calls", &state.calls.len())
            .field("pending_faults", &state.faults)
            .field("clock_offset_secs", &state.clock_offset)
            .finish()
    }
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Emulator {
    /// An emulator with the [`example`] account: user `alice` with the
    /// example access key and an MFA device, role `example` (trusts the
    /// account), role `mfa-required`, role `partner` (requires an external
    /// id, 12-hour sessions), the example SAML provider and OIDC issuer.
    pub fn new() -> Self {
        Self::builder().account(example::account()).build()
    }

    /// An emulator with nothing configured.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            accounts: Vec::new(),
            issuer: example::OIDC_ISSUER.to_owned(),
            clock: Arc::new(SystemTime::now),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind: keep going.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The emulator's current time: its clock plus the skew set with
    /// [`set_clock_offset`](Self::set_clock_offset).
    pub fn now(&self) -> SystemTime {
        let offset = self.state().clock_offset;
        let base = (self.inner.clock)();
        if offset >= 0 {
            base + Duration::from_secs(offset.unsigned_abs())
        } else {
            base - Duration::from_secs(offset.unsigned_abs())
        }
    }

    /// Skews the emulator's clock by `seconds` (positive: ahead of the real
    /// time). Requests more than 15 minutes off the emulator's time fail with
    /// `RequestTimeTooSkewed`; the `Date` header of every answer carries it.
    pub fn set_clock_offset(&self, seconds: i64) {
        self.state().clock_offset = seconds;
    }

    /// Injects `fault` into the next `times` calls (after the faults already
    /// queued).
    pub fn inject(&self, fault: Fault, times: usize) {
        if times > 0 {
            self.state().faults.push_back((fault, times));
        }
    }

    /// The next `n` calls answer `400 Throttling`.
    pub fn throttle_next(&self, n: usize) {
        self.inject(Fault::Throttle, n);
    }

    /// The next `n` calls answer `status` (a 5xx) with an STS error body.
    pub fn fail_next(&self, n: usize, status: u16) {
        self.inject(Fault::ServerError(status), n);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// How many access keys the emulator knows: the configured ones and the
    /// issued ones it still remembers (expired keys are forgotten
    /// [`EXPIRED_KEY_GRACE`] after expiry, at most [`MAX_ISSUED_KEYS`] kept).
    pub fn key_count(&self) -> usize {
        self.state().keys.len()
    }

    /// The calls received so far, oldest first (the latest ones, at most
    /// [`MAX_RECORDED_CALLS`] of them and [`MAX_RECORDED_BYTES`] in all).
    pub fn calls(&self) -> Vec<Call> {
        self.state().calls.iter().cloned().collect()
    }

    /// Forgets the calls received so far.
    pub fn clear_calls(&self) {
        self.state().calls.clear();
    }

    /// Encodes a message the way STS encodes authorization failure details,
    /// for [`DecodeAuthorizationMessage`](sts_core::model::DecodeAuthorizationMessage)
    /// to decode.
    pub fn encode_authorization_message(&self, decoded: &str) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(decoded)
    }

    /// A trade-in token for `GetDelegatedAccessToken`, good for `ttl`, that
    /// yields a session of `role_arn`.
    pub fn trade_in_token(&self, role_arn: &str, ttl: Duration) -> String {
        let token = format!(
            "sts-emulator-trade-in-{}",
            state::new_secret().replace(['+', '/'], "x")
        );
        let expires = self.now() + ttl;
        self.state()
            .trade_in
            .insert(token.clone(), (role_arn.to_owned(), expires));
        token
    }

    /// A web identity token (JWT) from the emulator's OIDC issuer for
    /// `subject` and `audience`, valid for `ttl`: what an identity provider
    /// would hand a workload. The example account trusts this issuer.
    pub fn web_identity_token(&self, subject: &str, audience: &str, ttl: Duration) -> String {
        let now = self.now();
        tokens::Jwt {
            algorithm: "RS256",
            issuer: &self.inner.issuer,
            subject,
            audiences: &[audience.to_owned()],
            issued: now,
            expires: now + ttl,
            extra: &[],
        }
        .sign(&self.inner.jwt_key)
    }

    /// A base64 SAML response from `issuer` naming `role_arn` and
    /// `provider_arn` in its Role attribute, valid for `ttl` (unsigned: the
    /// emulator does not check SAML signatures).
    pub fn saml_assertion(
        &self,
        issuer: &str,
        subject: &str,
        role_arn: &str,
        provider_arn: &str,
        ttl: Duration,
    ) -> String {
        tokens::make_saml(
            issuer,
            subject,
            subject,
            role_arn,
            provider_arn,
            self.now() + ttl,
        )
    }
}

/// Configures an [`Emulator`].
#[must_use]
pub struct EmulatorBuilder {
    accounts: Vec<Account>,
    issuer: String,
    clock: Clock,
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("accounts", &self.accounts)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl EmulatorBuilder {
    /// Adds an account.
    pub fn account(mut self, account: Account) -> Self {
        self.accounts.push(account);
        self
    }

    /// The `iss` of the tokens `GetWebIdentityToken` and
    /// [`Emulator::web_identity_token`] issue (default [`example::OIDC_ISSUER`]).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = issuer.into();
        self
    }

    /// The clock the emulator reads (default: the system clock). Tests that
    /// control time pass their own.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Builds the emulator.
    pub fn build(self) -> Emulator {
        let keys = state::configured_keys(&self.accounts);
        let jwt_key = state::secure_bytes::<32>();
        Emulator {
            inner: Arc::new(Inner {
                accounts: self.accounts,
                issuer: self.issuer,
                clock: self.clock,
                jwt_key,
                state: Mutex::new(State {
                    keys,
                    ..State::default()
                }),
            }),
        }
    }
}

/// The caller of a verified request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) principal: Principal,
    pub(crate) session: Option<state::Session>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Session;

    fn issued(expires: SystemTime) -> KeyEntry {
        KeyEntry {
            secret: "s".into(),
            principal: Principal::Root {
                account: "123456789012".into(),
            },
            session: Some(Session {
                token: "t".into(),
                expires,
                source_identity: None,
            }),
        }
    }

    #[test]
    fn issued_keys_are_swept_after_the_grace_period_and_capped() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut state = State::default();
        for i in 0..2000 {
            state.insert_issued(format!("OLD{i}"), issued(t0), t0);
        }
        assert_eq!(state.keys.len(), 2000, "unexpired keys are kept");
        // Past the grace period: the next sweep (at twice the size) drops them.
        let later = t0 + EXPIRED_KEY_GRACE + Duration::from_secs(1);
        for i in 0..2100 {
            state.insert_issued(
                format!("NEW{i}"),
                issued(later + Duration::from_secs(900)),
                later,
            );
        }
        assert!(
            state.keys.keys().all(|k| k.starts_with("NEW")),
            "expired keys swept"
        );
        assert!(state.keys.len() <= 2100);
        // The cap: the keys that expire first go.
        let mut state = State::default();
        for i in 0..MAX_ISSUED_KEYS + 10 {
            let expires = t0 + Duration::from_secs(i as u64);
            state.insert_issued(format!("K{i}"), issued(expires), t0);
        }
        state.sweep_keys(t0);
        assert_eq!(state.keys.len(), MAX_ISSUED_KEYS);
        assert!(!state.keys.contains_key("K0"));
        assert!(
            state
                .keys
                .contains_key(&format!("K{}", MAX_ISSUED_KEYS + 9))
        );
    }
}
