//! The subcommands: for each operation of the model, a [`CliOperation`] impl
//! (its flags, the input they make, its output as the AWS CLI prints it);
//! the dispatch is written over the model's one list of operations, so an
//! operation the model gains does not compile here until it has its impl.

use serde_json::{Value, json};
use sts_client::StsClient;
use sts_core::error::ValidationError;
use sts_core::model::*;
use sts_core::operation::Operation;

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

/// An operation as a subcommand.
pub(crate) trait CliOperation: Operation {
    /// Its flags, named as the AWS CLI names them.
    type Args: clap::Args + std::fmt::Debug;
    /// One line of help.
    const ABOUT: &'static str;
    /// The input the flags make (`file://` values read, shorthand parsed,
    /// the model's constraints checked).
    fn input(args: &Self::Args) -> Result<Self::Input, CliError>;
    /// The output with the AWS CLI's keys, nesting and order.
    fn render(output: Self::Output) -> Value;
}

async fn run<O: CliOperation>(
    client: &StsClient,
    args: &O::Args,
    debug: bool,
) -> Result<Value, CliError> {
    let input = O::input(args)?;
    let output = client
        .call::<O>(input)
        .await
        .map_err(|e| CliError::call(O::NAME, &e, debug))?;
    Ok(O::render(output))
}

macro_rules! dispatch {
    ($($op:ident => $method:ident, $auth:ident, $input:ident $(($with:ident))?;)*) => {
        /// Runs `command`: an operation, or one of the command's own.
        pub(crate) async fn call(client: &StsClient, command: Command, debug: bool) -> Result<Value, CliError> {
            match command {
                $(Command::$op(args) => run::<$op>(client, &args, debug).await,)*
                Command::CredentialProcess(args) => credential_process(client, &args, debug).await,
                Command::EksToken(args) => eks_token(client, &args, debug).await,
                Command::Emulator(_) => Err(CliError::other("the emulator is not an operation")),
            }
        }
    };
}

sts_core::for_each_operation!(dispatch);

impl CliOperation for GetCallerIdentity {
    type Args = GetCallerIdentityArgs;
    const ABOUT: &'static str = "Who the credentials belong to";

    fn input(_: &GetCallerIdentityArgs) -> Result<GetCallerIdentityInput, CliError> {
        GetCallerIdentityInput::builder().build().map_err(invalid)
    }

    fn render(out: GetCallerIdentityOutput) -> Value {
        Object::new()
            .string("UserId", out.user_id.as_deref())
            .string("Account", out.account.as_deref())
            .string("Arn", out.arn.as_deref())
            .build()
    }
}

impl CliOperation for AssumeRole {
    type Args = AssumeRoleArgs;
    const ABOUT: &'static str = "Assume a role";

    fn input(a: &AssumeRoleArgs) -> Result<AssumeRoleInput, CliError> {
        AssumeRoleInput::builder()
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
            .map_err(invalid)
    }

    fn render(out: AssumeRoleOutput) -> Value {
        Object::new()
            .credentials(out.credentials.as_ref())
            .assumed_role_user(out.assumed_role_user.as_ref())
            .int("PackedPolicySize", out.packed_policy_size)
            .string("SourceIdentity", out.source_identity.as_deref())
            .build()
    }
}

impl CliOperation for AssumeRoleWithSAML {
    type Args = SamlArgs;
    const ABOUT: &'static str = "Assume a role with a SAML assertion (unsigned)";

    fn input(a: &SamlArgs) -> Result<AssumeRoleWithSAMLInput, CliError> {
        AssumeRoleWithSAMLInput::builder()
            .role_arn(&a.role_arn)
            .principal_arn(&a.principal_arn)
            .saml_assertion(value("saml-assertion", &a.saml_assertion)?.trim())
            .set_duration_seconds(a.session.duration_seconds)
            .set_policy(opt("policy", &a.session.policy)?)
            .set_policy_arns(policy_arns("policy-arns", &a.session.policy_arns)?)
            .build()
            .map_err(invalid)
    }

    fn render(out: AssumeRoleWithSAMLOutput) -> Value {
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
}

impl CliOperation for AssumeRoleWithWebIdentity {
    type Args = WebIdentityArgs;
    const ABOUT: &'static str = "Assume a role with a web identity (OIDC) token (unsigned)";

    fn input(a: &WebIdentityArgs) -> Result<AssumeRoleWithWebIdentityInput, CliError> {
        AssumeRoleWithWebIdentityInput::builder()
            .role_arn(&a.role_arn)
            .role_session_name(&a.role_session_name)
            .web_identity_token(value("web-identity-token", &a.web_identity_token)?.trim())
            .set_provider_id(a.provider_id.clone())
            .set_duration_seconds(a.session.duration_seconds)
            .set_policy(opt("policy", &a.session.policy)?)
            .set_policy_arns(policy_arns("policy-arns", &a.session.policy_arns)?)
            .build()
            .map_err(invalid)
    }

    fn render(out: AssumeRoleWithWebIdentityOutput) -> Value {
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
}

impl CliOperation for AssumeRoot {
    type Args = AssumeRootArgs;
    const ABOUT: &'static str = "Short-term root credentials for a member account";

    fn input(a: &AssumeRootArgs) -> Result<AssumeRootInput, CliError> {
        let arn = a
            .task_policy_arn
            .strip_prefix("arn=")
            .unwrap_or(&a.task_policy_arn);
        AssumeRootInput::builder()
            .target_principal(&a.target_principal)
            .task_policy_arn(PolicyDescriptorType::new().with_arn(arn))
            .set_duration_seconds(a.duration_seconds)
            .build()
            .map_err(invalid)
    }

    fn render(out: AssumeRootOutput) -> Value {
        Object::new()
            .credentials(out.credentials.as_ref())
            .string("SourceIdentity", out.source_identity.as_deref())
            .build()
    }
}

impl CliOperation for DecodeAuthorizationMessage {
    type Args = DecodeArgs;
    const ABOUT: &'static str = "Decode an authorization failure message";

    fn input(a: &DecodeArgs) -> Result<DecodeAuthorizationMessageInput, CliError> {
        DecodeAuthorizationMessageInput::builder()
            .encoded_message(value("encoded-message", &a.encoded_message)?.trim())
            .build()
            .map_err(invalid)
    }

    fn render(out: DecodeAuthorizationMessageOutput) -> Value {
        Object::new()
            .string("DecodedMessage", out.decoded_message.as_deref())
            .build()
    }
}

impl CliOperation for GetAccessKeyInfo {
    type Args = AccessKeyArgs;
    const ABOUT: &'static str = "The account an access key belongs to";

    fn input(a: &AccessKeyArgs) -> Result<GetAccessKeyInfoInput, CliError> {
        GetAccessKeyInfoInput::builder()
            .access_key_id(&a.access_key_id)
            .build()
            .map_err(invalid)
    }

    fn render(out: GetAccessKeyInfoOutput) -> Value {
        Object::new()
            .string("Account", out.account.as_deref())
            .build()
    }
}

impl CliOperation for GetDelegatedAccessToken {
    type Args = TradeInArgs;
    const ABOUT: &'static str = "Trade a trade-in token for credentials";

    fn input(a: &TradeInArgs) -> Result<GetDelegatedAccessTokenInput, CliError> {
        GetDelegatedAccessTokenInput::builder()
            .trade_in_token(value("trade-in-token", &a.trade_in_token)?.trim())
            .build()
            .map_err(invalid)
    }

    fn render(out: GetDelegatedAccessTokenOutput) -> Value {
        Object::new()
            .credentials(out.credentials.as_ref())
            .int("PackedPolicySize", out.packed_policy_size)
            .string("AssumedPrincipal", out.assumed_principal.as_deref())
            .build()
    }
}

impl CliOperation for GetFederationToken {
    type Args = FederationArgs;
    const ABOUT: &'static str = "Credentials for a federated user";

    fn input(a: &FederationArgs) -> Result<GetFederationTokenInput, CliError> {
        GetFederationTokenInput::builder()
            .name(&a.name)
            .set_policy(opt("policy", &a.session.policy)?)
            .set_policy_arns(policy_arns("policy-arns", &a.session.policy_arns)?)
            .set_duration_seconds(a.session.duration_seconds)
            .set_tags(tags(&a.tags)?)
            .build()
            .map_err(invalid)
    }

    fn render(out: GetFederationTokenOutput) -> Value {
        Object::new()
            .credentials(out.credentials.as_ref())
            .federated_user(out.federated_user.as_ref())
            .int("PackedPolicySize", out.packed_policy_size)
            .build()
    }
}

impl CliOperation for GetSessionToken {
    type Args = SessionTokenArgs;
    const ABOUT: &'static str = "Session credentials for an IAM user (optionally with MFA)";

    fn input(a: &SessionTokenArgs) -> Result<GetSessionTokenInput, CliError> {
        GetSessionTokenInput::builder()
            .set_duration_seconds(a.duration_seconds)
            .set_serial_number(a.serial_number.clone())
            .set_token_code(a.token_code.clone())
            .build()
            .map_err(invalid)
    }

    fn render(out: GetSessionTokenOutput) -> Value {
        Object::new().credentials(out.credentials.as_ref()).build()
    }
}

impl CliOperation for GetWebIdentityToken {
    type Args = WebIdentityTokenArgs;
    const ABOUT: &'static str = "A web identity token (JWT) for the caller";

    fn input(a: &WebIdentityTokenArgs) -> Result<GetWebIdentityTokenInput, CliError> {
        GetWebIdentityTokenInput::builder()
            .audience(a.audience.clone())
            .set_duration_seconds(a.duration_seconds)
            .set_signing_algorithm(a.signing_algorithm.clone())
            .set_tags(tags(&a.tags)?)
            .build()
            .map_err(invalid)
    }

    fn render(out: GetWebIdentityTokenOutput) -> Value {
        Object::new()
            .string("WebIdentityToken", out.web_identity_token.as_deref())
            .time("Expiration", out.expiration)
            .build()
    }
}

/// `credential-process`: AssumeRole printed in the credential_process format.
async fn credential_process(
    client: &StsClient,
    a: &CredentialProcessArgs,
    debug: bool,
) -> Result<Value, CliError> {
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
        .map_err(|e| CliError::call("AssumeRole", &e, debug))?;
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
    Ok(v)
}

/// `eks-token`: the ExecCredential JSON `aws eks get-token` prints.
async fn eks_token(client: &StsClient, a: &EksTokenArgs, debug: bool) -> Result<Value, CliError> {
    let token = client
        .eks_token(&a.cluster_name)
        .await
        .map_err(|e| CliError::call("GetCallerIdentity", &e, debug))?;
    let expires = sts_core::xml::format_timestamp(token.expires_at());
    Ok(json!({
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {},
        "status": { "expirationTimestamp": expires, "token": token.token() }
    }))
}
