//! Federation: AssumeRoleWithSAML and AssumeRoleWithWebIdentity (unsigned; the assertion or token is the proof).

use super::*;

impl Emulated for AssumeRoleWithSAML {
    fn emulate(
        em: &Emulator,
        input: AssumeRoleWithSAMLInput,
        ctx: &Ctx<'_>,
    ) -> Result<AssumeRoleWithSAMLOutput, ApiError> {
        let now = ctx.now;
        let role_arn = input.role_arn.as_deref().unwrap_or_default();
        let provider_arn = input.principal_arn.as_deref().unwrap_or_default();
        let invalid = |m: String| ApiError::new(400, "InvalidIdentityToken", m);
        let claims = tokens::parse_saml(input.saml_assertion.as_deref().unwrap_or_default())
            .map_err(invalid)?;
        let (account, role) = em.role(role_arn).ok_or_else(|| {
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
        out.credentials = Some(em.issue(
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
        Ok(out)
    }
}

impl Emulated for AssumeRoleWithWebIdentity {
    fn emulate(
        em: &Emulator,
        input: AssumeRoleWithWebIdentityInput,
        ctx: &Ctx<'_>,
    ) -> Result<AssumeRoleWithWebIdentityOutput, ApiError> {
        let now = ctx.now;
        let role_arn = input.role_arn.as_deref().unwrap_or_default();
        let invalid = |m: String| ApiError::new(400, "InvalidIdentityToken", m);
        let claims = tokens::parse_jwt(input.web_identity_token.as_deref().unwrap_or_default())
            .map_err(|e| invalid(format!("Couldn't parse the web identity token: {e}")))?;
        let (account, role) = em.role(role_arn).ok_or_else(|| {
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
        out.credentials = Some(em.issue(
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
        Ok(out)
    }
}
