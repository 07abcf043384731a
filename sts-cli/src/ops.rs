//! One function per subcommand: flags to input, the call, output to JSON.

use serde_json::{Value, json};
use sts_client::StsClient;
use sts_core::error::ValidationError;
use sts_core::model::*;

use crate::CliError;
use crate::args::*;
use crate::output::Object;

/// A flag's value, read from a file when written `file://path`.
fn value(flag: &str, v: &str) -> Result<String, CliError> {
    match v.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("--{flag}: cannot read {path}: {e}"))),
        None => Ok(v.to_owned()),
    }
}

fn opt(flag: &str, v: &Option<String>) -> Result<Option<String>, CliError> {
    v.as_deref().map(|v| value(flag, v)).transpose()
}

/// `arn=ARN` items (the AWS CLI's shorthand).
fn policy_arns(
    flag: &str,
    items: &[String],
) -> Result<Option<Vec<PolicyDescriptorType>>, CliError> {
    if items.is_empty() {
        return Ok(None);
    }
    items
        .iter()
        .map(|item| {
            item.strip_prefix("arn=")
                .map(|arn| PolicyDescriptorType::new().with_arn(arn))
                .ok_or_else(|| CliError::usage(format!("--{flag}: expected arn=ARN, got {item:?}")))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `Key=k,Value=v` items.
fn tags(items: &[String]) -> Result<Option<Vec<Tag>>, CliError> {
    if items.is_empty() {
        return Ok(None);
    }
    items
        .iter()
        .map(|item| {
            let mut key = None;
            let mut val = None;
            for part in item.split(',') {
                match part.split_once('=') {
                    Some(("Key", k)) => key = Some(k),
                    Some(("Value", v)) => val = Some(v),
                    _ => key = None.or(key),
                }
            }
            match (key, val) {
                (Some(k), Some(v)) if item.split(',').count() == 2 => Ok(Tag::new(k, v)),
                _ => Err(CliError::usage(format!(
                    "--tags: expected Key=k,Value=v, got {item:?}"
                ))),
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn invalid(e: ValidationError) -> CliError {
    CliError::usage(format!("Parameter validation failed: {e}"))
}

fn list(items: &[String]) -> Option<Vec<String>> {
    (!items.is_empty()).then(|| items.to_vec())
}

pub(crate) async fn call(
    client: &StsClient,
    command: Command,
    debug: bool,
) -> Result<Value, CliError> {
    let fail = |op: &'static str| move |e: sts_client::Error| CliError::call(op, &e, debug);
    Ok(match command {
        Command::GetCallerIdentity => {
            let out = client
                .get_caller_identity(GetCallerIdentityInput::builder().build().map_err(invalid)?)
                .await
                .map_err(fail("GetCallerIdentity"))?;
            Object::new()
                .string("UserId", out.user_id.as_deref())
                .string("Account", out.account.as_deref())
                .string("Arn", out.arn.as_deref())
                .build()
        }
        Command::AssumeRole(a) => {
            let input = AssumeRoleInput::builder()
                .role_arn(&a.role_arn)
                .role_session_name(&a.role_session_name)
                .set_duration_seconds(a.duration_seconds)
                .set_policy(opt("policy", &a.policy)?)
                .set_policy_arns(policy_arns("policy-arns", &a.policy_arns)?)
                .set_tags(tags(&a.tags)?)
                .set_transitive_tag_keys(list(&a.transitive_tag_keys))
                .set_external_id(a.external_id.clone())
                .set_serial_number(a.serial_number.clone())
                .set_token_code(a.token_code.clone())
                .set_source_identity(a.source_identity.clone())
                .build()
                .map_err(invalid)?;
            let out = client
                .assume_role(input)
                .await
                .map_err(fail("AssumeRole"))?;
            Object::new()
                .credentials(out.credentials.as_ref())
                .assumed_role_user(out.assumed_role_user.as_ref())
                .int("PackedPolicySize", out.packed_policy_size)
                .string("SourceIdentity", out.source_identity.as_deref())
                .build()
        }
        Command::AssumeRoleWithSaml(a) => {
            let input = AssumeRoleWithSAMLInput::builder()
                .role_arn(&a.role_arn)
                .principal_arn(&a.principal_arn)
                .saml_assertion(value("saml-assertion", &a.saml_assertion)?.trim())
                .set_duration_seconds(a.session.duration_seconds)
                .set_policy(opt("policy", &a.session.policy)?)
                .set_policy_arns(policy_arns("policy-arns", &a.session.policy_arns)?)
                .build()
                .map_err(invalid)?;
            let out = client
                .assume_role_with_saml(input)
                .await
                .map_err(fail("AssumeRoleWithSAML"))?;
            Object::new()
                .credentials(out.credentials.as_ref())
                .assumed_role_user(out.assumed_role_user.as_ref())
                .int("PackedPolicySize", out.packed_policy_size)
                .string("Subject", out.subject.as_deref())
                .string("SubjectType", out.subject_type.as_deref())
                .string("Issuer", out.issuer.as_deref())
                .string("Audience", out.audience.as_deref())
                .string("NameQualifier", out.name_qualifier.as_deref())
                .string("SourceIdentity", out.source_identity.as_deref())
                .build()
        }
        Command::AssumeRoleWithWebIdentity(a) => {
            let input = AssumeRoleWithWebIdentityInput::builder()
                .role_arn(&a.role_arn)
                .role_session_name(&a.role_session_name)
                .web_identity_token(value("web-identity-token", &a.web_identity_token)?.trim())
                .set_provider_id(a.provider_id.clone())
                .set_duration_seconds(a.session.duration_seconds)
                .set_policy(opt("policy", &a.session.policy)?)
                .set_policy_arns(policy_arns("policy-arns", &a.session.policy_arns)?)
                .build()
                .map_err(invalid)?;
            let out = client
                .assume_role_with_web_identity(input)
                .await
                .map_err(fail("AssumeRoleWithWebIdentity"))?;
            Object::new()
                .credentials(out.credentials.as_ref())
                .string(
                    "SubjectFromWebIdentityToken",
                    out.subject_from_web_identity_token.as_deref(),
                )
                .assumed_role_user(out.assumed_role_user.as_ref())
                .int("PackedPolicySize", out.packed_policy_size)
                .string("Provider", out.provider.as_deref())
                .string("Audience", out.audience.as_deref())
                .string("SourceIdentity", out.source_identity.as_deref())
                .build()
        }
        Command::AssumeRoot(a) => {
            let arn = a
                .task_policy_arn
                .strip_prefix("arn=")
                .unwrap_or(&a.task_policy_arn);
            let input = AssumeRootInput::builder()
                .target_principal(&a.target_principal)
                .task_policy_arn(PolicyDescriptorType::new().with_arn(arn))
                .set_duration_seconds(a.duration_seconds)
                .build()
                .map_err(invalid)?;
            let out = client
                .assume_root(input)
                .await
                .map_err(fail("AssumeRoot"))?;
            Object::new()
                .credentials(out.credentials.as_ref())
                .string("SourceIdentity", out.source_identity.as_deref())
                .build()
        }
        Command::DecodeAuthorizationMessage(a) => {
            let input = DecodeAuthorizationMessageInput::builder()
                .encoded_message(value("encoded-message", &a.encoded_message)?.trim())
                .build()
                .map_err(invalid)?;
            let out = client
                .decode_authorization_message(input)
                .await
                .map_err(fail("DecodeAuthorizationMessage"))?;
            Object::new()
                .string("DecodedMessage", out.decoded_message.as_deref())
                .build()
        }
        Command::GetAccessKeyInfo(a) => {
            let input = GetAccessKeyInfoInput::builder()
                .access_key_id(&a.access_key_id)
                .build()
                .map_err(invalid)?;
            let out = client
                .get_access_key_info(input)
                .await
                .map_err(fail("GetAccessKeyInfo"))?;
            Object::new()
                .string("Account", out.account.as_deref())
                .build()
        }
        Command::GetDelegatedAccessToken(a) => {
            let input = GetDelegatedAccessTokenInput::builder()
                .trade_in_token(value("trade-in-token", &a.trade_in_token)?.trim())
                .build()
                .map_err(invalid)?;
            let out = client
                .get_delegated_access_token(input)
                .await
                .map_err(fail("GetDelegatedAccessToken"))?;
            Object::new()
                .credentials(out.credentials.as_ref())
                .int("PackedPolicySize", out.packed_policy_size)
                .string("AssumedPrincipal", out.assumed_principal.as_deref())
                .build()
        }
        Command::GetFederationToken(a) => {
            let input = GetFederationTokenInput::builder()
                .name(&a.name)
                .set_policy(opt("policy", &a.session.policy)?)
                .set_policy_arns(policy_arns("policy-arns", &a.session.policy_arns)?)
                .set_duration_seconds(a.session.duration_seconds)
                .set_tags(tags(&a.tags)?)
                .build()
                .map_err(invalid)?;
            let out = client
                .get_federation_token(input)
                .await
                .map_err(fail("GetFederationToken"))?;
            Object::new()
                .credentials(out.credentials.as_ref())
                .federated_user(out.federated_user.as_ref())
                .int("PackedPolicySize", out.packed_policy_size)
                .build()
        }
        Command::GetSessionToken(a) => {
            let input = GetSessionTokenInput::builder()
                .set_duration_seconds(a.duration_seconds)
                .set_serial_number(a.serial_number.clone())
                .set_token_code(a.token_code.clone())
                .build()
                .map_err(invalid)?;
            let out = client
                .get_session_token(input)
                .await
                .map_err(fail("GetSessionToken"))?;
            Object::new().credentials(out.credentials.as_ref()).build()
        }
        Command::GetWebIdentityToken(a) => {
            let input = GetWebIdentityTokenInput::builder()
                .audience(a.audience.clone())
                .set_duration_seconds(a.duration_seconds)
                .set_signing_algorithm(a.signing_algorithm.clone())
                .set_tags(tags(&a.tags)?)
                .build()
                .map_err(invalid)?;
            let out = client
                .get_web_identity_token(input)
                .await
                .map_err(fail("GetWebIdentityToken"))?;
            Object::new()
                .string("WebIdentityToken", out.web_identity_token.as_deref())
                .time("Expiration", out.expiration)
                .build()
        }
        Command::CredentialProcess(a) => {
            let session = a
                .role_session_name
                .clone()
                .unwrap_or_else(|| "sts-credential-process".to_owned());
            let input = AssumeRoleInput::builder()
                .role_arn(&a.role_arn)
                .role_session_name(session)
                .set_duration_seconds(a.duration_seconds)
                .set_external_id(a.external_id.clone())
                .build()
                .map_err(invalid)?;
            let out = client
                .assume_role(input)
                .await
                .map_err(fail("AssumeRole"))?;
            let c = out
                .credentials
                .ok_or_else(|| CliError::other("AssumeRole returned no credentials"))?;
            // The credential_process format: ISO 8601 with Z, as the SDKs read it.
            let mut v = json!({
                "Version": 1,
                "AccessKeyId": c.access_key_id(),
                "SecretAccessKey": c.secret_access_key(),
            });
            if let Some(t) = c.session_token() {
                v["SessionToken"] = json!(t);
            }
            if let Some(e) = c.expiry() {
                v["Expiration"] = json!(sts_core::xml::format_timestamp(e));
            }
            v
        }
        Command::EksToken(a) => {
            let token = client
                .eks_token(&a.cluster_name)
                .await
                .map_err(fail("GetCallerIdentity"))?;
            let expires = sts_core::xml::format_timestamp(token.expires_at());
            json!({
                "kind": "ExecCredential",
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "spec": {},
                "status": { "expirationTimestamp": expires, "token": token.token() }
            })
        }
        Command::Emulator(_) => return Err(CliError::other("the emulator is not an operation")),
    })
}
