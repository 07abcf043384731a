//! responses/: real STS bodies (botocore's parsing fixtures and the AWS SDK for
//! Rust's recorded traffic) decode to the expected values.

use std::time::UNIX_EPOCH;

use serde_json::Value;
use sts_core::model::*;
use sts_core::operation::Operation;
use sts_core::xml::{format_timestamp, parse_error_response};

use crate::Tally;

#[test]
fn botocore_get_session_token_fixtures() {
    let Some(dir) = crate::vectors() else { return };
    let dir = dir.join("responses/botocore");
    let body = std::fs::read(dir.join("responses-sts-get-session-token.xml")).unwrap();
    let expected = crate::read_json(dir.join("responses-sts-get-session-token.json"));
    let out = GetSessionToken::decode(&body).unwrap();
    let c = out.credentials.as_ref().unwrap();
    let e = &expected["Credentials"];
    assert_eq!(c.access_key_id(), e["AccessKeyId"].as_str().unwrap());
    assert_eq!(
        c.secret_access_key(),
        e["SecretAccessKey"].as_str().unwrap()
    );
    assert_eq!(
        c.session_token(),
        e["SessionToken"].as_str(),
        "whitespace inside the token is kept"
    );
    assert_eq!(
        format_timestamp(c.expiry().unwrap()),
        e["Expiration"].as_str().unwrap()
    );
    assert_eq!(
        out.request_id.as_deref(),
        expected["ResponseMetadata"]["RequestId"].as_str()
    );

    let body = std::fs::read(dir.join("errors-sts-get-session-token.xml")).unwrap();
    let expected = crate::read_json(dir.join("errors-sts-get-session-token.json"));
    let se = parse_error_response(&body, Some(403)).unwrap();
    assert_eq!(se.code(), expected["Error"]["Code"].as_str().unwrap());
    assert_eq!(se.message(), expected["Error"]["Message"].as_str());
    assert_eq!(se.error_type(), expected["Error"]["Type"].as_str());
    assert_eq!(
        se.request_id(),
        expected["ResponseMetadata"]["RequestId"].as_str()
    );
    // Sent with a 200 as well, it is still the service error.
    let err = GetSessionToken::decode(&body).unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
}

/// The text of `<tag>` in `body`, found by plain string search: an oracle that
/// shares no code with the decoder.
fn text_of<'a>(body: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(&body[start..end])
}

fn check_credentials(body: &str, c: &Credentials) -> Result<(), String> {
    let want = |t| text_of(body, t).ok_or(format!("no <{t}>"));
    if c.access_key_id() != want("AccessKeyId")?
        || c.secret_access_key() != want("SecretAccessKey")?
        || c.session_token() != Some(want("SessionToken")?)
    {
        return Err("credentials differ".into());
    }
    let expiry = c.expiry().ok_or("no expiry")?;
    let rendered = format_timestamp(expiry);
    if rendered != want("Expiration")? {
        return Err(format!("expiration {rendered} != {}", want("Expiration")?));
    }
    expiry
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn check_exchange(action: &str, status: u64, body: &str) -> Result<(), String> {
    if !(200..300).contains(&status) {
        let se = parse_error_response(body.as_bytes(), Some(status as u16))
            .map_err(|e| e.to_string())?;
        if Some(se.code()) != text_of(body, "Code") || se.message() != text_of(body, "Message") {
            return Err(format!("error parsed as {se:?}"));
        }
        return Ok(());
    }
    let request_id = text_of(body, "RequestId");
    let (creds, rid, arn) = match action {
        "AssumeRole" => {
            let o = AssumeRole::decode(body.as_bytes()).map_err(|e| format!("{e:#}"))?;
            (
                o.credentials,
                o.request_id,
                o.assumed_role_user.map(|u| u.arn),
            )
        }
        "AssumeRoleWithWebIdentity" => {
            let o =
                AssumeRoleWithWebIdentity::decode(body.as_bytes()).map_err(|e| format!("{e:#}"))?;
            (
                o.credentials,
                o.request_id,
                o.assumed_role_user.map(|u| u.arn),
            )
        }
        other => return Err(format!("unexpected action {other}")),
    };
    check_credentials(body, creds.as_ref().ok_or("no credentials")?)?;
    if rid.as_deref() != request_id || arn.as_deref() != text_of(body, "Arn") {
        return Err("request id or ARN differ".into());
    }
    Ok(())
}

#[test]
fn smithy_rs_recorded_sts_traffic() {
    let Some(dir) = crate::vectors() else { return };
    let mut tally = Tally::default();
    let mut files: Vec<_> = std::fs::read_dir(dir.join("responses/smithy-rs-traffic"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc = crate::read_json(path);
        let events = doc["events"].as_array().unwrap();
        // Pair each STS request body with the response status and body on the same connection.
        let mut action: Option<(u64, String)> = None;
        let mut status = None;
        for ev in events {
            let conn = ev["connection_id"].as_u64().unwrap();
            let a = &ev["action"];
            if let Some(data) = a.get("Data") {
                let text = data["data"]["Utf8"].as_str().unwrap_or_default();
                match data["direction"].as_str() {
                    Some("Request") => {
                        action = sts_core::query::parse_form(text)
                            .into_iter()
                            .find(|(k, _)| k == "Action")
                            .map(|(_, v)| (conn, v));
                    }
                    Some("Response") => {
                        let Some((c, act)) = action.clone() else {
                            continue;
                        };
                        if c != conn {
                            continue;
                        }
                        let id = format!("{name}#{conn}:{act}");
                        match check_exchange(&act, status.unwrap_or(200), text) {
                            Ok(()) => tally.passed.push(id),
                            Err(e) => tally.failed.push(format!("{id}: {e}")),
                        }
                        action = None;
                    }
                    _ => {}
                }
            } else if let Some(resp) = a.get("Response") {
                status = resp["response"]["Ok"]["status"].as_u64();
            }
        }
    }
    tally.finish("recorded STS traffic", 14);
}

#[test]
fn error_bodies_named_in_the_notice_parse_by_shape() {
    // NOTICE.md: some servers wrap errors as <ErrorResponse><Errors><Error> with no
    // namespace and no RequestId, sent as text/html.
    let body = "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></Errors></ErrorResponse>";
    let se = parse_error_response(body.as_bytes(), Some(403)).unwrap();
    assert_eq!((se.code(), se.request_id()), ("InvalidClientTokenId", None));
    let _: Option<Value> = None;
}
