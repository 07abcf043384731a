//! Request handling: action, authentication, validation, then the operation.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use base64::Engine as _;
use http::request::Parts;
use sha2::{Digest, Sha256};
use sts_core::model::*;
use sts_core::operation::Operation;
use sts_core::query::{API_VERSION, parse_form};
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

fn respond<O: EncodeResult>(output: &O, request_id: &str) -> Result<String, ApiError> {
    Ok(encode_response(output, request_id))
}

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
        let signed = match action {
            "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity" => false,
            a if OPERATION_NAMES.contains(&a) => true,
            _ => {
                return Err(ApiError::new(
                    400,
                    "InvalidAction",
                    format!(
                        "Could not find operation {action} for version {}",
                        version.unwrap_or("NO_VERSION_SPECIFIED")
                    ),
                ));
            }
        };
        if version != Some(API_VERSION) {
            return Err(ApiError::new(
                400,
                "InvalidAction",
                format!(
                    "Could not find operation {action} for version {}",
                    version.unwrap_or("NO_VERSION_SPECIFIED")
                ),
            ));
        }
        let caller = if signed {
            let caller = self.authenticate(parts, body, now, handled)?;
            handled.caller_arn = Some(caller.principal.arn());
            Some(caller)
        } else {
            None
        };
        let params = &handled.params;
        match (action, caller) {
            ("GetCallerIdentity", Some(c)) => self.get_caller_identity(params, &c, request_id),
            ("AssumeRole", Some(c)) => self.assume_role(params, &c, now, request_id),
            ("AssumeRoot", Some(c)) => self.assume_root(params, &c, now, request_id),
            ("DecodeAuthorizationMessage", Some(_)) => {
                decode_authorization_message(params, request_id)
            }
            ("GetAccessKeyInfo", Some(_)) => self.get_access_key_info(params, request_id),
            ("GetDelegatedAccessToken", Some(_)) => {
                self.get_delegated_access_token(params, now, request_id)
            }
            ("GetFederationToken", Some(c)) => {
                self.get_federation_token(params, &c, now, request_id)
            }
            ("GetSessionToken", Some(c)) => self.get_session_token(params, &c, now, request_id),
            ("GetWebIdentityToken", Some(c)) => {
                self.get_web_identity_token(params, &c, now, request_id)
            }
            ("AssumeRoleWithSAML", None) => self.assume_role_with_saml(params, now, request_id),
            ("AssumeRoleWithWebIdentity", None) => {
                self.assume_role_with_web_identity(params, now, request_id)
            }
            _ => Err(ApiError::new(
                500,
                "InternalFailure",
                "unreachable dispatch",
            )),
        }
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

    // ---- operations ---------------------------------------------------------

    fn get_caller_identity(
        &self,
        params: &Params,
        caller: &Caller,
        request_id: &str,
    ) -> Result<String, ApiError> {
        input(
            GetCallerIdentityInput::from_query(params),
            GetCallerIdentity::validate,
            params,
        )?;
        let mut out = GetCallerIdentityOutput::default();
        out.user_id = Some(caller.principal.user_id());
        out.account = Some(caller.principal.account().to_owned());
        out.arn = Some(caller.principal.arn());
        respond(&out, request_id)
    }

    fn assume_role(
        &self,
        params: &Params,
        caller: &Caller,
        now: SystemTime,
        request_id: &str,
    ) -> Result<String, ApiError> {
        let input = input(
            AssumeRoleInput::from_query(params),
            AssumeRole::validate,
            params,
        )?;
        let role_arn = input.role_arn.as_deref().unwrap_or_default();
        let session_name = input.role_session_name.clone().unwrap_or_default();
        let denied = || {
            ApiError::access_denied(format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                caller.principal.arn()
            ))
        };
        let (account, role) = self.role(role_arn).ok_or_else(denied)?;
        let caller_account = caller.principal.account();
        if caller_account != account.id
            && !role.trusted_accounts.iter().any(|a| a == caller_account)
        {
            return Err(denied());
        }
        if let Some(required) = &role.external_id
            && !input
                .external_id
                .as_deref()
                .is_some_and(|given| constant_time_eq(given.as_bytes(), required.as_bytes()))
        {
            return Err(denied());
        }
        let mfa = self.mfa_check(
            caller,
            input.serial_number.as_deref(),
            input.token_code.as_deref(),
        )?;
        if role.require_mfa && !mfa {
            return Err(denied());
        }
        let duration = input.duration_seconds.unwrap_or(ONE_HOUR);
        let chained = matches!(caller.principal, Principal::AssumedRole { .. });
        if chained && duration > ONE_HOUR {
            return Err(ApiError::validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
            ));
        }
        if duration as u64 > role.max_session.as_secs() {
            return Err(ApiError::validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            ));
        }
        let packed = packed_size(
            input.policy.as_deref(),
            input.policy_arns.as_deref(),
            input.tags.as_deref(),
        )?;
        let source_identity = input.source_identity.clone().or_else(|| {
            caller
                .session
                .as_ref()
                .and_then(|s| s.source_identity.clone())
        });
        let principal = Principal::AssumedRole {
            account: account.id.clone(),
            role: role.name.clone(),
            session: session_name.clone(),
        };
        let mut out = AssumeRoleOutput::default();
        out.assumed_role_user = Some(AssumedRoleUser::new(principal.user_id(), principal.arn()));
        out.credentials = Some(self.issue(
            principal,
            now,
            duration,
            input.minimum_session_token_size,
            source_identity.clone(),
        ));
        out.packed_policy_size = packed;
        out.source_identity = source_identity;
        respond(&out, request_id)
    }

    fn assume_role_with_saml(
        &self,
        params: &Params,
        now: SystemTime,
        request_id: &str,
    ) -> Result<String, ApiError> {
        let input = input(
            AssumeRoleWithSAMLInput::from_query(params),
            AssumeRoleWithSAML::validate,
            params,
        )?;
        let role_arn = input.role_arn.as_deref().unwrap_or_default();
        let provider_arn = input.principal_arn.as_deref().unwrap_or_default();
        let invalid = |m: String| ApiError::new(400, "InvalidIdentityToken", m);
        let claims = tokens::parse_saml(input.saml_assertion.as_deref().unwrap_or_default())
            .map_err(invalid)?;
        let (account, role) = self.role(role_arn).ok_or_else(|| {
            ApiError::access_denied(format!(
                "Not authorized to perform sts:AssumeRoleWithSAML on {role_arn}"
            ))
        })?;
        let provider = provider_arn
            .strip_prefix(&format!("arn:aws:iam::{}:saml-provider/", account.id))
            .filter(|name| account.saml_providers.iter().any(|p| p == name))
            .ok_or_else(|| {
                invalid(format!(
                    "SAML provider {provider_arn} does not exist in account {}",
                    account.id
                ))
            })?;
        if !claims.roles.iter().any(|pair| {
            let mut it = pair.split(',').map(str::trim);
            let (a, b) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
            (a == role_arn && b == provider_arn) || (b == role_arn && a == provider_arn)
        }) {
            return Err(ApiError::access_denied(
                "Not authorized to perform sts:AssumeRoleWithSAML",
            ));
        }
        if claims.not_on_or_after.is_some_and(|t| now >= t) {
            return Err(ApiError::new(
                400,
                "ExpiredTokenException",
                "Token has expired",
            ));
        }
        let session_name = claims.session_name.clone().ok_or_else(|| {
            invalid("The SAML assertion has no RoleSessionName attribute".to_owned())
        })?;
        let duration = input
            .duration_seconds
            .or(claims.session_duration)
            .unwrap_or(ONE_HOUR);
        if duration as u64 > role.max_session.as_secs() {
            return Err(ApiError::validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            ));
        }
        let packed = packed_size(input.policy.as_deref(), input.policy_arns.as_deref(), None)?;
        let issuer = claims.issuer.clone().unwrap_or_default();
        let principal = Principal::AssumedRole {
            account: account.id.clone(),
            role: role.name.clone(),
            session: session_name,
        };
        let mut out = AssumeRoleWithSAMLOutput::default();
        out.assumed_role_user = Some(AssumedRoleUser::new(principal.user_id(), principal.arn()));
        out.credentials = Some(self.issue(
            principal,
            now,
            duration,
            input.minimum_session_token_size,
            None,
        ));
        out.packed_policy_size = packed;
        out.subject_type = claims.subject_format.as_deref().map(|f| {
            f.rsplit(':')
                .next()
                .filter(|s| *s == "persistent" || *s == "transient")
                .unwrap_or(f)
                .to_owned()
        });
        out.subject = claims.subject;
        out.audience = claims.audience;
        // AWS: base64(SHA-1(issuer + account + "/" + provider)); SHA-256 cut to 20 bytes here.
        let digest = Sha256::digest(format!("{issuer}{}/{provider}", account.id).as_bytes());
        out.name_qualifier = Some(base64::engine::general_purpose::STANDARD.encode(&digest[..20]));
        out.issuer = Some(issuer);
        respond(&out, request_id)
    }

    fn assume_role_with_web_identity(
        &self,
        params: &Params,
        now: SystemTime,
        request_id: &str,
    ) -> Result<String, ApiError> {
        let input = input(
            AssumeRoleWithWebIdentityInput::from_query(params),
            AssumeRoleWithWebIdentity::validate,
            params,
        )?;
        let role_arn = input.role_arn.as_deref().unwrap_or_default();
        let invalid = |m: String| ApiError::new(400, "InvalidIdentityToken", m);
        let claims = tokens::parse_jwt(input.web_identity_token.as_deref().unwrap_or_default())
            .map_err(|e| invalid(format!("Couldn't parse the web identity token: {e}")))?;
        let (account, role) = self.role(role_arn).ok_or_else(|| {
            ApiError::access_denied(format!(
                "Not authorized to perform sts:AssumeRoleWithWebIdentity on {role_arn}"
            ))
        })?;
        let host = |s: &str| {
            s.trim_start_matches("https://")
                .trim_end_matches('/')
                .to_owned()
        };
        let provider = account
            .oidc_providers
            .iter()
            .find(|p| host(&p.issuer) == host(&claims.issuer))
            .ok_or_else(|| {
                invalid(format!(
                    "No OpenIDConnect provider found in your account for {}",
                    claims.issuer
                ))
            })?;
        let audience = claims
            .audiences
            .iter()
            .find(|a| provider.audiences.contains(a))
            .cloned()
            .ok_or_else(|| invalid("Incorrect token audience".to_owned()))?;
        if claims.expires.is_some_and(|t| now >= t) {
            return Err(ApiError::new(
                400,
                "ExpiredTokenException",
                "Token expired: current date/time is past the token's exp",
            ));
        }
        let duration = input.duration_seconds.unwrap_or(ONE_HOUR);
        if duration as u64 > role.max_session.as_secs() {
            return Err(ApiError::validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            ));
        }
        let packed = packed_size(input.policy.as_deref(), input.policy_arns.as_deref(), None)?;
        let principal = Principal::AssumedRole {
            account: account.id.clone(),
            role: role.name.clone(),
            session: input.role_session_name.clone().unwrap_or_default(),
        };
        let mut out = AssumeRoleWithWebIdentityOutput::default();
        out.assumed_role_user = Some(AssumedRoleUser::new(principal.user_id(), principal.arn()));
        out.credentials = Some(self.issue(
            principal,
            now,
            duration,
            input.minimum_session_token_size,
            None,
        ));
        out.packed_policy_size = packed;
        out.subject_from_web_identity_token = Some(claims.subject);
        out.provider = Some(host(&claims.issuer));
        out.audience = Some(audience);
        respond(&out, request_id)
    }

    fn assume_root(
        &self,
        params: &Params,
        caller: &Caller,
        now: SystemTime,
        request_id: &str,
    ) -> Result<String, ApiError> {
        let input = input(
            AssumeRootInput::from_query(params),
            AssumeRoot::validate,
            params,
        )?;
        let target = input.target_principal.as_deref().unwrap_or_default();
        let account_id = target
            .strip_prefix("arn:aws:iam::")
            .map(|r| r.split(':').next().unwrap_or_default())
            .unwrap_or(target);
        let task = input
            .task_policy_arn
            .as_ref()
            .and_then(|p| p.arn.as_deref())
            .unwrap_or_default();
        let denied = || {
            ApiError::access_denied(format!(
                "User: {} is not authorized to perform: sts:AssumeRoot on resource: {target}",
                caller.principal.arn()
            ))
        };
        if self.account(account_id).is_none()
            || !task.starts_with("arn:aws:iam::aws:policy/root-task/")
        {
            return Err(denied());
        }
        let duration = input.duration_seconds.unwrap_or(900);
        let mut out = AssumeRootOutput::default();
        out.credentials = Some(self.issue(
            Principal::Root {
                account: account_id.to_owned(),
            },
            now,
            duration,
            input.minimum_session_token_size,
            None,
        ));
        respond(&out, request_id)
    }

    fn get_access_key_info(&self, params: &Params, request_id: &str) -> Result<String, ApiError> {
        let input = input(
            GetAccessKeyInfoInput::from_query(params),
            GetAccessKeyInfo::validate,
            params,
        )?;
        let key_id = input.access_key_id.as_deref().unwrap_or_default();
        let known = self
            .state()
            .keys
            .get(key_id)
            .map(|e| e.principal.account().to_owned());
        let account = known
            .or_else(|| state::account_of_key_id(key_id))
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "The access key id {key_id} is not an AWS access key id"
                ))
            })?;
        let mut out = GetAccessKeyInfoOutput::default();
        out.account = Some(account);
        respond(&out, request_id)
    }

    fn get_delegated_access_token(
        &self,
        params: &Params,
        now: SystemTime,
        request_id: &str,
    ) -> Result<String, ApiError> {
        let input = input(
            GetDelegatedAccessTokenInput::from_query(params),
            GetDelegatedAccessToken::validate,
            params,
        )?;
        let token = input.trade_in_token.as_deref().unwrap_or_default();
        let entry = self.state().trade_in.get(token).cloned();
        let (role_arn, expires) =
            entry.ok_or_else(|| ApiError::access_denied("The trade-in token is not valid"))?;
        if now >= expires {
            return Err(ApiError::new(
                400,
                "ExpiredTradeInTokenException",
                "The trade-in token has expired",
            ));
        }
        let (account, role) = self.role(&role_arn).ok_or_else(|| {
            ApiError::access_denied(format!(
                "The role {role_arn} of the trade-in token does not exist"
            ))
        })?;
        let principal = Principal::AssumedRole {
            account: account.id.clone(),
            role: role.name.clone(),
            session: "delegated".to_owned(),
        };
        let mut out = GetDelegatedAccessTokenOutput::default();
        out.assumed_principal = Some(principal.arn());
        out.credentials = Some(self.issue(principal, now, ONE_HOUR, None, None));
        respond(&out, request_id)
    }

    fn get_federation_token(
        &self,
        params: &Params,
        caller: &Caller,
        now: SystemTime,
        request_id: &str,
    ) -> Result<String, ApiError> {
        let input = input(
            GetFederationTokenInput::from_query(params),
            GetFederationToken::validate,
            params,
        )?;
        long_term_only(caller, "GetFederationToken")?;
        let is_root = matches!(caller.principal, Principal::Root { .. });
        let duration = input
            .duration_seconds
            .unwrap_or(if is_root { ONE_HOUR } else { 43_200 });
        if is_root && duration > ONE_HOUR {
            return Err(ApiError::validation(
                "The requested DurationSeconds exceeds the 1 hour limit for root credentials.",
            ));
        }
        let packed = packed_size(
            input.policy.as_deref(),
            input.policy_arns.as_deref(),
            input.tags.as_deref(),
        )?;
        let name = input.name.clone().unwrap_or_default();
        let principal = Principal::FederatedUser {
            account: caller.principal.account().to_owned(),
            name,
        };
        let mut out = GetFederationTokenOutput::default();
        out.federated_user = Some(FederatedUser::new(principal.user_id(), principal.arn()));
        out.credentials = Some(self.issue(
            principal,
            now,
            duration,
            input.minimum_session_token_size,
            None,
        ));
        out.packed_policy_size = packed;
        respond(&out, request_id)
    }

    fn get_session_token(
        &self,
        params: &Params,
        caller: &Caller,
        now: SystemTime,
        request_id: &str,
    ) -> Result<String, ApiError> {
        let input = input(
            GetSessionTokenInput::from_query(params),
            GetSessionToken::validate,
            params,
        )?;
        long_term_only(caller, "GetSessionToken")?;
        self.mfa_check(
            caller,
            input.serial_number.as_deref(),
            input.token_code.as_deref(),
        )?;
        let is_root = matches!(caller.principal, Principal::Root { .. });
        let duration = input
            .duration_seconds
            .unwrap_or(if is_root { ONE_HOUR } else { 43_200 });
        if is_root && duration > ONE_HOUR {
            return Err(ApiError::validation(
                "The requested DurationSeconds exceeds the 1 hour limit for root credentials.",
            ));
        }
        let mut out = GetSessionTokenOutput::default();
        out.credentials = Some(self.issue(
            caller.principal.clone(),
            now,
            duration,
            input.minimum_session_token_size,
            None,
        ));
        respond(&out, request_id)
    }

    fn get_web_identity_token(
        &self,
        params: &Params,
        caller: &Caller,
        now: SystemTime,
        request_id: &str,
    ) -> Result<String, ApiError> {
        let input = input(
            GetWebIdentityTokenInput::from_query(params),
            GetWebIdentityToken::validate,
            params,
        )?;
        let audiences = input.audience.clone().unwrap_or_default();
        let duration = input.duration_seconds.unwrap_or(300);
        let expires = later(now, duration);
        let tags: Vec<(String, String)> = input
            .tags
            .iter()
            .flatten()
            .map(|t| (format!("tag:{}", t.key), t.value.clone()))
            .collect();
        let mut out = GetWebIdentityTokenOutput::default();
        out.web_identity_token = Some(
            tokens::Jwt {
                algorithm: input.signing_algorithm.as_deref().unwrap_or("RS256"),
                issuer: &self.inner.issuer,
                subject: &caller.principal.arn(),
                audiences: &audiences,
                issued: now,
                expires,
                extra: &tags,
            }
            .sign(&self.inner.jwt_key),
        );
        out.expiration = Some(expires);
        respond(&out, request_id)
    }
}

fn decode_authorization_message(params: &Params, request_id: &str) -> Result<String, ApiError> {
    let input = input(
        DecodeAuthorizationMessageInput::from_query(params),
        DecodeAuthorizationMessage::validate,
        params,
    )?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(input.encoded_message.as_deref().unwrap_or_default().trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            ApiError::new(
                400,
                "InvalidAuthorizationMessageException",
                "The encoded authorization message is not valid",
            )
        })?;
    let mut out = DecodeAuthorizationMessageOutput::default();
    out.decoded_message = Some(decoded);
    respond(&out, request_id)
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
