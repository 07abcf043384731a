//! Tokens: GetWebIdentityToken and GetDelegatedAccessToken.

use super::*;

impl Emulated for GetWebIdentityToken {
    fn emulate(
        em: &Emulator,
        input: GetWebIdentityTokenInput,
        ctx: &Ctx<'_>,
    ) -> Result<GetWebIdentityTokenOutput, ApiError> {
        let caller = ctx.caller()?;
        let now = ctx.now;
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
                issuer: &em.inner.issuer,
                subject: &caller.principal.arn(),
                audiences: &audiences,
                issued: now,
                expires,
                extra: &tags,
            }
            .sign(&em.inner.jwt_key),
        );
        out.expiration = Some(expires);
        Ok(out)
    }
}

impl Emulated for GetDelegatedAccessToken {
    fn emulate(
        em: &Emulator,
        input: GetDelegatedAccessTokenInput,
        ctx: &Ctx<'_>,
    ) -> Result<GetDelegatedAccessTokenOutput, ApiError> {
        let now = ctx.now;
        let token = input.trade_in_token.as_deref().unwrap_or_default();
        let entry = em.state().trade_in.get(token).cloned();
        let (role_arn, expires) =
            entry.ok_or_else(|| ApiError::access_denied("The trade-in token is not valid"))?;
        if now >= expires {
            return Err(ApiError::new(
                400,
                "ExpiredTradeInTokenException",
                "The trade-in token has expired",
            ));
        }
        let (account, role) = em.role(&role_arn).ok_or_else(|| {
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
        out.credentials = Some(em.issue(principal, now, ONE_HOUR, None, None));
        Ok(out)
    }
}
