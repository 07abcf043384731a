//! Assuming roles: AssumeRole (trust, external id, MFA, chaining, session limits) and AssumeRoot.

use super::*;

impl Emulated for AssumeRole {
    fn emulate(
        em: &Emulator,
        input: AssumeRoleInput,
        ctx: &Ctx<'_>,
    ) -> Result<AssumeRoleOutput, ApiError> {
        let caller = ctx.caller()?;
        let now = ctx.now;
        let role_arn = input.role_arn.as_deref().unwrap_or_default();
        let session_name = input.role_session_name.clone().unwrap_or_default();
        let denied = || {
            ApiError::access_denied(format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                caller.principal.arn()
            ))
        };
        let (account, role) = em.role(role_arn).ok_or_else(denied)?;
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
        let mfa = em.mfa_check(
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
        out.credentials = Some(em.issue(
            principal,
            now,
            duration,
            input.minimum_session_token_size,
            source_identity.clone(),
        ));
        out.packed_policy_size = packed;
        out.source_identity = source_identity;
        Ok(out)
    }
}

impl Emulated for AssumeRoot {
    fn emulate(
        em: &Emulator,
        input: AssumeRootInput,
        ctx: &Ctx<'_>,
    ) -> Result<AssumeRootOutput, ApiError> {
        let caller = ctx.caller()?;
        let now = ctx.now;
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
        if em.account(account_id).is_none()
            || !task.starts_with("arn:aws:iam::aws:policy/root-task/")
        {
            return Err(denied());
        }
        let duration = input.duration_seconds.unwrap_or(900);
        let mut out = AssumeRootOutput::default();
        out.credentials = Some(em.issue(
            Principal::Root {
                account: account_id.to_owned(),
            },
            now,
            duration,
            input.minimum_session_token_size,
            None,
        ));
        Ok(out)
    }
}
