//! botocore-protocols/sts-request-bodies.json: our encoding of each of the 12
//! requests equals botocore's, as a multiset of decoded key/value pairs.

use serde_json::Value;
use sts_core::model::*;
use sts_core::operation::Operation;
use sts_core::query::parse_form;

use crate::Tally;

fn s(p: &Value, k: &str) -> Option<String> {
    p.get(k).map(|v| v.as_str().unwrap().to_owned())
}
fn i(p: &Value, k: &str) -> Option<i32> {
    p.get(k)
        .map(|v| i32::try_from(v.as_i64().unwrap()).unwrap())
}
fn strs(p: &Value, k: &str) -> Option<Vec<String>> {
    p.get(k).map(|v| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    })
}
fn tags(p: &Value) -> Option<Vec<Tag>> {
    p.get("Tags").map(|v| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| Tag::new(s(t, "Key").unwrap(), s(t, "Value").unwrap()))
            .collect()
    })
}
fn arn(v: &Value) -> PolicyDescriptorType {
    PolicyDescriptorType::new().with_arn(s(v, "arn").unwrap())
}
fn arns(p: &Value) -> Option<Vec<PolicyDescriptorType>> {
    p.get("PolicyArns")
        .map(|v| v.as_array().unwrap().iter().map(arn).collect())
}
fn contexts(p: &Value) -> Option<Vec<ProvidedContext>> {
    p.get("ProvidedContexts").map(|v| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let mut pc = ProvidedContext::new();
                pc.provider_arn = s(c, "ProviderArn");
                pc.context_assertion = s(c, "ContextAssertion");
                pc
            })
            .collect()
    })
}

/// Builds the typed input from botocore's parameters, validates it, and encodes it.
fn encode(op: &str, p: &Value) -> Result<String, String> {
    let e = |e: sts_core::error::ValidationError| e.to_string();
    Ok(match op {
        "AssumeRole" => AssumeRole::encode(
            &AssumeRoleInput::builder()
                .set_role_arn(s(p, "RoleArn"))
                .set_role_session_name(s(p, "RoleSessionName"))
                .set_policy_arns(arns(p))
                .set_policy(s(p, "Policy"))
                .set_duration_seconds(i(p, "DurationSeconds"))
                .set_tags(tags(p))
                .set_transitive_tag_keys(strs(p, "TransitiveTagKeys"))
                .set_external_id(s(p, "ExternalId"))
                .set_serial_number(s(p, "SerialNumber"))
                .set_token_code(s(p, "TokenCode"))
                .set_source_identity(s(p, "SourceIdentity"))
                .set_provided_contexts(contexts(p))
                .set_minimum_session_token_size(i(p, "MinimumSessionTokenSize"))
                .build()
                .map_err(e)?,
        ),
        "AssumeRoleWithWebIdentity" => AssumeRoleWithWebIdentity::encode(
            &AssumeRoleWithWebIdentityInput::builder()
                .set_role_arn(s(p, "RoleArn"))
                .set_role_session_name(s(p, "RoleSessionName"))
                .set_web_identity_token(s(p, "WebIdentityToken"))
                .set_provider_id(s(p, "ProviderId"))
                .set_policy_arns(arns(p))
                .set_policy(s(p, "Policy"))
                .set_duration_seconds(i(p, "DurationSeconds"))
                .build()
                .map_err(e)?,
        ),
        "AssumeRoleWithSAML" => AssumeRoleWithSAML::encode(
            &AssumeRoleWithSAMLInput::builder()
                .set_role_arn(s(p, "RoleArn"))
                .set_principal_arn(s(p, "PrincipalArn"))
                .set_saml_assertion(s(p, "SAMLAssertion"))
                .set_policy_arns(arns(p))
                .set_policy(s(p, "Policy"))
                .set_duration_seconds(i(p, "DurationSeconds"))
                .build()
                .map_err(e)?,
        ),
        "AssumeRoot" => AssumeRoot::encode(
            &AssumeRootInput::builder()
                .set_target_principal(s(p, "TargetPrincipal"))
                .set_task_policy_arn(p.get("TaskPolicyArn").map(arn))
                .set_duration_seconds(i(p, "DurationSeconds"))
                .build()
                .map_err(e)?,
        ),
        "DecodeAuthorizationMessage" => DecodeAuthorizationMessage::encode(
            &DecodeAuthorizationMessageInput::builder()
                .set_encoded_message(s(p, "EncodedMessage"))
                .build()
                .map_err(e)?,
        ),
        "GetAccessKeyInfo" => GetAccessKeyInfo::encode(
            &GetAccessKeyInfoInput::builder()
                .set_access_key_id(s(p, "AccessKeyId"))
                .build()
                .map_err(e)?,
        ),
        "GetCallerIdentity" => {
            GetCallerIdentity::encode(&GetCallerIdentityInput::builder().build().map_err(e)?)
        }
        "GetFederationToken" => GetFederationToken::encode(
            &GetFederationTokenInput::builder()
                .set_name(s(p, "Name"))
                .set_policy(s(p, "Policy"))
                .set_policy_arns(arns(p))
                .set_duration_seconds(i(p, "DurationSeconds"))
                .set_tags(tags(p))
                .build()
                .map_err(e)?,
        ),
        "GetSessionToken" => GetSessionToken::encode(
            &GetSessionTokenInput::builder()
                .set_duration_seconds(i(p, "DurationSeconds"))
                .set_serial_number(s(p, "SerialNumber"))
                .set_token_code(s(p, "TokenCode"))
                .build()
                .map_err(e)?,
        ),
        "GetWebIdentityToken" => GetWebIdentityToken::encode(
            &GetWebIdentityTokenInput::builder()
                .set_audience(strs(p, "Audience"))
                .set_signing_algorithm(s(p, "SigningAlgorithm"))
                .set_duration_seconds(i(p, "DurationSeconds"))
                .set_tags(tags(p))
                .build()
                .map_err(e)?,
        ),
        "GetDelegatedAccessToken" => GetDelegatedAccessToken::encode(
            &GetDelegatedAccessTokenInput::builder()
                .set_trade_in_token(s(p, "TradeInToken"))
                .build()
                .map_err(e)?,
        ),
        other => return Err(format!("unknown operation {other}")),
    })
}

fn sorted_pairs(body: &str) -> Vec<(String, String)> {
    let mut v = parse_form(body);
    v.sort();
    v
}

#[test]
fn sts_request_bodies_match_botocore() {
    let Some(dir) = crate::vectors() else { return };
    let doc = crate::read_json(dir.join("botocore-protocols/sts-request-bodies.json"));
    let mut tally = Tally::default();
    for case in doc["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap().to_owned();
        let op = case["operation"].as_str().unwrap();
        let ours = match encode(op, &case["params"]) {
            Ok(body) => body,
            Err(e) => {
                tally.failed.push(format!("{id}: refused: {e}"));
                continue;
            }
        };
        let theirs = case["body"].as_str().unwrap();
        if sorted_pairs(&ours) == sorted_pairs(theirs) {
            tally.passed.push(id);
        } else {
            tally
                .failed
                .push(format!("{id}:\n  ours:   {ours}\n  theirs: {theirs}"));
        }
    }
    tally.finish("sts-request-bodies", 12);
}
