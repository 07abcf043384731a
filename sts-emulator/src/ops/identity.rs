//! Who is calling, whose key is this, what does this message say: GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage.

use super::*;

impl Emulated for GetCallerIdentity {
    fn emulate(
        _em: &Emulator,
        _input: GetCallerIdentityInput,
        ctx: &Ctx<'_>,
    ) -> Result<GetCallerIdentityOutput, ApiError> {
        let caller = ctx.caller()?;
        let mut out = GetCallerIdentityOutput::default();
        out.user_id = Some(caller.principal.user_id());
        out.account = Some(caller.principal.account().to_owned());
        out.arn = Some(caller.principal.arn());
        Ok(out)
    }
}

impl Emulated for GetAccessKeyInfo {
    fn emulate(
        em: &Emulator,
        input: GetAccessKeyInfoInput,
        _ctx: &Ctx<'_>,
    ) -> Result<GetAccessKeyInfoOutput, ApiError> {
        let key_id = input.access_key_id.as_deref().unwrap_or_default();
        let known = em
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
        Ok(out)
    }
}

impl Emulated for DecodeAuthorizationMessage {
    fn emulate(
        _em: &Emulator,
        input: DecodeAuthorizationMessageInput,
        _ctx: &Ctx<'_>,
    ) -> Result<DecodeAuthorizationMessageOutput, ApiError> {
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
        Ok(out)
    }
}
