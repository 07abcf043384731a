//! Sessions for long-term keys: GetSessionToken (with MFA) and GetFederationToken.

use super::*;

impl Emulated for GetSessionToken {
    fn emulate(
        em: &Emulator,
        input: GetSessionTokenInput,
        ctx: &Ctx<'_>,
    ) -> Result<GetSessionTokenOutput, ApiError> {
        let caller = ctx.caller()?;
        let now = ctx.now;
        long_term_only(caller, "GetSessionToken")?;
        em.mfa_check(
            caller,
            input.serial_number.as_deref(),
            input.token_code.as_deref(),
        )?;
        let duration = long_term_duration(caller, input.duration_seconds)?;
        let mut out = GetSessionTokenOutput::default();
        out.credentials = Some(em.issue(
            caller.principal.clone(),
            now,
            duration,
            input.minimum_session_token_size,
            None,
        ));
        Ok(out)
    }
}

impl Emulated for GetFederationToken {
    fn emulate(
        em: &Emulator,
        input: GetFederationTokenInput,
        ctx: &Ctx<'_>,
    ) -> Result<GetFederationTokenOutput, ApiError> {
        let caller = ctx.caller()?;
        let now = ctx.now;
        long_term_only(caller, "GetFederationToken")?;
        let duration = long_term_duration(caller, input.duration_seconds)?;
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
        out.credentials = Some(em.issue(
            principal,
            now,
            duration,
            input.minimum_session_token_size,
            None,
        ));
        out.packed_policy_size = packed;
        Ok(out)
    }
}

/// The duration of a session for long-term keys: 12 hours by default, and at
/// most one hour (the default too) for root credentials.
fn long_term_duration(caller: &Caller, requested: Option<i32>) -> Result<i32, ApiError> {
    let is_root = matches!(caller.principal, Principal::Root { .. });
    let duration = requested.unwrap_or(if is_root { ONE_HOUR } else { 43_200 });
    if is_root && duration > ONE_HOUR {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the 1 hour limit for root credentials.",
        ));
    }
    Ok(duration)
}
