//! Any bytes as the body of a 200 answer to each of the 11 operations:
//! a decoded output or a DecodeError / ServiceError, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts_core::model::*;
use sts_core::operation::Operation;

fuzz_target!(|data: &[u8]| {
    let _ = AssumeRole::decode(data);
    let _ = AssumeRoleWithSAML::decode(data);
    let _ = AssumeRoleWithWebIdentity::decode(data);
    let _ = AssumeRoot::decode(data);
    let _ = DecodeAuthorizationMessage::decode(data);
    let _ = GetAccessKeyInfo::decode(data);
    let _ = GetCallerIdentity::decode(data);
    let _ = GetDelegatedAccessToken::decode(data);
    let _ = GetFederationToken::decode(data);
    let _ = GetSessionToken::decode(data);
    let _ = GetWebIdentityToken::decode(data);
});
