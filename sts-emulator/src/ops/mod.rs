//! Request handling: the preamble every call shares (action, version,
//! authentication for signed operations, reading and validating the input),
//! then the operation's own semantics, one [`Emulated`] impl per operation
//! in a file per family. The dispatch is written over the model's one list
//! of operations (`sts_core::for_each_operation!`): an operation added to the
//! model does not compile here until its `Emulated` impl exists, and needs
//! nothing else.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use base64::Engine as _;
use http::request::Parts;
use sha2::{Digest, Sha256};
use sts_core::model::*;
use sts_core::operation::Operation;
use sts_core::query::{API_VERSION, FromQuery, parse_form};
use sts_core::xml::{EncodeResult, encode_response};

use crate::auth::{self, constant_time_eq};
use crate::config::{Account, Role};
use crate::error::ApiError;
use crate::state::{self, KeyEntry, Principal, Session};
use crate::tokens;
use crate::validation::input;
use crate::{Caller, Emulator};

/// What handling a request produced, for the answer and the call record.
#[derive(Debug)]
pub(crate) struct Handled {
    pub(crate) action: Option<String>,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) access_key_id: Option<String>,
    pub(crate) caller_arn: Option<String>,
    pub(crate) result: Result<String, ApiError>,
}

const ONE_HOUR: i32 = 3600;

type Params = [(String, String)];

mod federation;
mod identity;
mod roles;
mod sessions;
mod web_tokens;

/// What an operation is given besides its input: who called (signed
/// operations only), the emulator's time and the raw parameters.
pub(crate) struct Ctx<'a> {
    caller: Option<Caller>,
    now: SystemTime,
    params: &'a Params,
}

impl Ctx<'_> {
    /// The authenticated caller of a signed operation.
    fn caller(&self) -> Result<&Caller, ApiError> {
        self.caller.as_ref().ok_or_else(|| {
            ApiError::new(500, "InternalFailure", "no caller for a signed operation")
        })
    }
}

/// An operation's semantics, given its validated input.
pub(crate) trait Emulated: Operation<Input: FromQuery, Output: EncodeResult> {
    /// What STS would answer.
    fn emulate(em: &Emulator, input: Self::Input, ctx: &Ctx<'_>) -> Result<Self::Output, ApiError>;
}

/// The shared preamble and epilogue: read and validate the input as STS
/// words its errors, run the operation, write the XML answer.
fn dispatch<O: Emulated>(
    em: &Emulator,
    ctx: &Ctx<'_>,
    request_id: &str,
) -> Result<String, ApiError> {
    let input = input(O::Input::from_query(ctx.params), O::validate, ctx.params)?;
    let output = O::emulate(em, input, ctx)?;
    Ok(encode_response(&output, request_id))
}

/// `Some(signed)` for an operation of the model, `None` otherwise; and the
/// dispatch by action name, both from the model's list.
macro_rules! dispatch_table {
    ($($op:ident => $method:ident, $auth:ident, $input:ident $(($with:ident))?;)*) => {
        fn is_signed(action: &str) -> Option<bool> {
            match action {
                $(stringify!($op) => Some(stringify!($auth) == "signed"),)*
                _ => None,
            }
        }

        fn dispatch_action(
            em: &Emulator,
            action: &str,
            ctx: &Ctx<'_>,
            request_id: &str,
        ) -> Result<String, ApiError> {
            match action {
                $(stringify!($op) => dispatch::<$op>(em, ctx, request_id),)*
                _ => Err(ApiError::new(500, "InternalFailure", "unreachable dispatch")),
            }
        }
    };
}

sts_core::for_each_operation!(dispatch_table);

impl Emulator {
    pub(crate) fn handle(
        &self,
        parts: &Parts,
        body: &[u8],
        now: SystemTime,
        request_id: &str,
    ) -> Handled {
        // A body of `a&a&a...` would otherwise become half a million parsed
        // pairs (tens of MiB) before anything looks at them.
        let query = parts.uri.query().unwrap_or("");
        let pairs = |bytes: &[u8]| bytes.iter().filter(|&&b| b == b'&').count() + 1;
        if pairs(query.as_bytes()).saturating_add(pairs(body)) > MAX_PARAMS {
            return Handled {
                action: None,
                params: Vec::new(),
                access_key_id: None,
                caller_arn: None,
                result: Err(ApiError::new(
                    400,
                    "MalformedQueryString",
                    format!("The request has more than {MAX_PARAMS} parameters"),
                )),
            };
        }
        let mut params: Vec<(String, String)> = parse_form(query)
            .into_iter()
            .filter(|(k, _)| !k.starts_with("X-Amz-"))
            .collect();
        if !body.is_empty() {
            params.extend(parse_form(&String::from_utf8_lossy(body)));
        }
        let action = params
            .iter()
            .find(|(k, _)| k == "Action")
            .map(|(_, v)| v.clone());
        let mut handled = Handled {
            action: action.clone(),
            params,
            access_key_id: None,
            caller_arn: None,
            result: Ok(String::new()),
        };
        handled.result = self.run(
            parts,
            body,
            now,
            request_id,
            action.as_deref(),
            &mut handled,
        );
        handled
    }

    fn run(
        &self,
        parts: &Parts,
        body: &[u8],
        now: SystemTime,
        request_id: &str,
        action: Option<&str>,
        handled: &mut Handled,
    ) -> Result<String, ApiError> {
        let action = action.ok_or_else(|| ApiError::new(400, "MissingAction", "Missing Action"))?;
        let version = handled
            .params
            .iter()
            .find(|(k, _)| k == "Version")
            .map(|(_, v)| v.as_str());
        let invalid_action = || {
            ApiError::new(
                400,
                "InvalidAction",
                format!(
                    "Could not find operation {action} for version {}",
                    version.unwrap_or("NO_VERSION_SPECIFIED")
                ),
            )
        };
        let signed = is_signed(action).ok_or_else(invalid_action)?;
        if version != Some(API_VERSION) {
            return Err(invalid_action());
        }
        let caller = if signed {
            let caller = self.authenticate(parts, body, now, handled)?;
            handled.caller_arn = Some(caller.principal.arn());
            Some(caller)
        } else {
            None
        };
        let ctx = Ctx {
            caller,
            now,
            params: &handled.params,
        };
        dispatch_action(self, action, &ctx, request_id)
    }

    fn authenticate(
        &self,
        parts: &Parts,
        body: &[u8],
        now: SystemTime,
        handled: &mut Handled,
    ) -> Result<Caller, ApiError> {
        if !auth::is_signed(parts) {
            return Err(ApiError::new(
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            ));
        }
        let mut entry: Option<KeyEntry> = None;
        let verified = auth::verify(parts, body, now, |key_id| {
            handled.access_key_id = Some(key_id.to_owned());
            entry = self.state().keys.get(key_id).cloned();
            entry.as_ref().map(|e| e.secret.clone())
        })?;
        let entry = entry.ok_or_else(ApiError::invalid_token)?;
        match (&entry.session, &verified.session_token) {
            (None, None) => {}
            (None, Some(_)) => return Err(ApiError::invalid_token()),
            (Some(_), None) => return Err(ApiError::invalid_token()),
            (Some(session), Some(token)) => {
                if !constant_time_eq(session.token.as_bytes(), token.as_bytes()) {
                    return Err(ApiError::invalid_token());
                }
                if now >= session.expires {
                    return Err(ApiError::new(
                        400,
                        "ExpiredToken",
                        "The security token included in the request is expired",
                    ));
                }
            }
        }
        let _ = verified.access_key_id;
        Ok(Caller {
            principal: entry.principal,
            session: entry.session,
        })
    }

    // ---- helpers ------------------------------------------------------------

    fn account(&self, id: &str) -> Option<&Account> {
        self.inner.accounts.iter().find(|a| a.id == id)
    }

    /// `arn:aws:iam::<account>:role/<path/>name` -> the account and role.
    fn role(&self, arn: &str) -> Option<(&Account, &Role)> {
        let rest = arn.strip_prefix("arn:aws:iam::")?;
        let (account_id, resource) = rest.split_once(':')?;
        let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
        let account = self.account(account_id)?;
        let role = account.roles.iter().find(|r| r.name == name)?;
        Some((account, role))
    }

    /// Issues temporary credentials for `principal`, valid for `seconds`.
    fn issue(
        &self,
        principal: Principal,
        now: SystemTime,
        seconds: i32,
        token_size: Option<i32>,
        source_identity: Option<String>,
    ) -> Credentials {
        let key_id = state::new_access_key_id("ASIA", principal.account());
        let secret = state::new_secret();
        // The model bounds the size (up to 4096 bytes); clamp it anyway, as
        // memory a request can make the emulator allocate.
        let size = usize::try_from(token_size.unwrap_or(0))
            .unwrap_or(0)
            .min(4096);
        let token = state::new_session_token(size);
        let expires = later(now, seconds);
        let credentials = Credentials::new(
            &key_id,
            &secret,
            Some(token.clone()),
            Some(expires),
            "sts-emulator",
        );
        self.state().insert_issued(
            key_id,
            KeyEntry {
                secret,
                principal,
                session: Some(Session {
                    token,
                    expires,
                    source_identity,
                }),
            },
            now,
        );
        credentials
    }

    fn mfa_check(
        &self,
        caller: &Caller,
        serial: Option<&str>,
        code: Option<&str>,
    ) -> Result<bool, ApiError> {
        let (serial, code) = match (serial, code) {
            (None, None) => return Ok(false),
            (Some(s), Some(c)) => (s, c),
            _ => {
                return Err(ApiError::access_denied(
                    "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
                ));
            }
        };
        let device = match &caller.principal {
            Principal::User { account, name } => self
                .account(account)
                .and_then(|a| a.users.iter().find(|u| &u.name == name))
                .and_then(|u| u.mfa.clone()),
            _ => None,
        };
        match device {
            Some((s, c)) if s == serial && constant_time_eq(c.as_bytes(), code.as_bytes()) => {
                Ok(true)
            }
            Some((s, _)) if s == serial => Err(ApiError::access_denied(
                "MultiFactorAuthentication failed with invalid MFA one time pass code.",
            )),
            _ => Err(ApiError::access_denied(format!(
                "MultiFactorAuthentication failed: no MFA device {serial} for {}",
                caller.principal.arn()
            ))),
        }
    }
}

fn long_term_only(caller: &Caller, action: &str) -> Result<(), ApiError> {
    match (&caller.principal, &caller.session) {
        (Principal::User { .. } | Principal::Root { .. }, None) => Ok(()),
        _ => Err(ApiError::access_denied(format!(
            "Cannot call {action} with session credentials"
        ))),
    }
}

/// Checks that the session policy is JSON and returns the packed size as a
/// percentage of the limit (the emulator's measure: plaintext bytes of the
/// policy, policy ARNs and tags against 2,048).
fn packed_size(
    policy: Option<&str>,
    arns: Option<&[PolicyDescriptorType]>,
    tags: Option<&[Tag]>,
) -> Result<Option<i32>, ApiError> {
    if policy.is_none() && arns.is_none_or(<[_]>::is_empty) && tags.is_none_or(<[_]>::is_empty) {
        return Ok(None);
    }
    if let Some(p) = policy
        && serde_json::from_str::<serde_json::Value>(p).map_or(true, |v| !v.is_object())
    {
        return Err(ApiError::new(
            400,
            "MalformedPolicyDocument",
            "The policy is not in the valid JSON format.",
        ));
    }
    let bytes = policy.map_or(0, str::len)
        + arns
            .unwrap_or_default()
            .iter()
            .filter_map(|a| a.arn.as_ref())
            .map(String::len)
            .sum::<usize>()
        + tags
            .unwrap_or_default()
            .iter()
            .map(|t| t.key.len() + t.value.len())
            .sum::<usize>();
    let percent = i32::try_from(bytes.saturating_mul(100).div_ceil(2048)).unwrap_or(i32::MAX);
    if percent > 100 {
        return Err(ApiError::new(
            400,
            "PackedPolicyTooLarge",
            format!(
                "Packed size of consumed session policies and session tags exceeds the limit ({percent}%)."
            ),
        ));
    }
    Ok(Some(percent))
}

/// The most parameters (query and body together) a request may carry; STS's
/// largest requests (50 tags, 50 transitive keys, 10 policy ARNs) have a few
/// hundred.
pub(crate) const MAX_PARAMS: usize = 1024;

/// `now` plus `seconds` (a validated, caller-given duration), saturating
/// rather than overflowing.
fn later(now: SystemTime, seconds: i32) -> SystemTime {
    let seconds = u64::try_from(seconds).unwrap_or(0);
    now.checked_add(Duration::from_secs(seconds)).unwrap_or(now)
}
