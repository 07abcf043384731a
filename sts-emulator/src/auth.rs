//! SigV4 verification: the canonical request is rebuilt from what was
//! received (method, path, query, the headers the client says it signed, the
//! body) and the signature recomputed with the caller's secret key.
//!
//! Key derivation and the final HMAC come from `aws-sigv4`; everything that
//! reads the received request is here, so that the emulator does not share
//! the client's way of building the request it checks.

use std::time::{Duration, SystemTime};

use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use http::request::Parts;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// How far a request's time may be from the emulator's, as on AWS.
pub(crate) const MAX_SKEW: Duration = Duration::from_secs(15 * 60);
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
const PATH_SEGMENT: &AsciiSet = &UNRESERVED.remove(b'/');

/// A request whose signature checked out.
#[derive(Debug)]
pub(crate) struct Verified {
    pub(crate) access_key_id: String,
    pub(crate) session_token: Option<String>,
}

/// The parts of a SigV4 signature, from the Authorization header or the query.
#[derive(Debug)]
struct Signature {
    access_key_id: String,
    scope_date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
    amz_date: String,
    session_token: Option<String>,
    /// `X-Amz-Expires` of a presigned URL.
    expires: Option<u64>,
    in_query: bool,
}

/// Whether the request carries a signature at all (header or query).
pub(crate) fn is_signed(parts: &Parts) -> bool {
    parts.headers.contains_key(http::header::AUTHORIZATION)
        || query_pairs(parts).any(|(k, _)| k == "X-Amz-Signature")
}

/// Verifies the request's SigV4 signature; `secret_for` finds the secret of
/// an access key id (None: unknown key).
pub(crate) fn verify(
    parts: &Parts,
    body: &[u8],
    now: SystemTime,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<Verified, ApiError> {
    let sig = parse_signature(parts)?;
    if sig.service != "sts" {
        return Err(ApiError::signature_mismatch(&format!(
            " Credential should be scoped to correct service: 'sts', not {:?}.",
            sig.service
        )));
    }
    let request_time = parse_amz_date(&sig.amz_date)?;
    if !sig.amz_date.starts_with(&sig.scope_date) {
        return Err(ApiError::signature_mismatch(&format!(
            " Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: {:?} != {:?}.",
            sig.scope_date,
            sig.amz_date.get(..8).unwrap_or_default()
        )));
    }
    let secret = secret_for(&sig.access_key_id).ok_or_else(ApiError::invalid_token)?;
    check_time(&sig, request_time, now)?;

    let payload_hash = payload_hash(parts, body)?;
    let canonical = canonical_request(parts, &sig, &payload_hash)?;
    let scope = format!(
        "{}/{}/{}/aws4_request",
        sig.scope_date, sig.region, sig.service
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{scope}\n{}",
        sig.amz_date,
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let key = generate_signing_key(&secret, request_time, &sig.region, &sig.service);
    let expected = calculate_signature(key, string_to_sign.as_bytes());
    if !constant_time_eq(expected.as_bytes(), sig.signature.as_bytes()) {
        return Err(ApiError::signature_mismatch(""));
    }
    Ok(Verified {
        access_key_id: sig.access_key_id,
        session_token: sig.session_token,
    })
}

fn check_time(sig: &Signature, request_time: SystemTime, now: SystemTime) -> Result<(), ApiError> {
    let skewed = |msg: String| ApiError::new(403, "RequestTimeTooSkewed", msg);
    if let Some(expires) = sig.expires {
        let not_after = request_time + Duration::from_secs(expires);
        if now > not_after {
            return Err(ApiError::access_denied(format!(
                "Request has expired: signed at {} for {expires} seconds",
                sig.amz_date
            )));
        }
        if request_time > now + MAX_SKEW {
            return Err(skewed(format!(
                "Signature not yet current: {} is later than now",
                sig.amz_date
            )));
        }
        return Ok(());
    }
    if request_time + MAX_SKEW < now {
        return Err(skewed(format!(
            "Signature expired: {} is now earlier than the server time minus 15 min.",
            sig.amz_date
        )));
    }
    if request_time > now + MAX_SKEW {
        return Err(skewed(format!(
            "Signature not yet current: {} is later than the server time plus 15 min.",
            sig.amz_date
        )));
    }
    Ok(())
}

/// Compares secrets (signatures, session tokens, MFA codes, external ids)
/// in time that depends on their lengths only, not on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

fn query_pairs(parts: &Parts) -> impl Iterator<Item = (String, String)> + '_ {
    parts
        .uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn parse_signature(parts: &Parts) -> Result<Signature, ApiError> {
    if let Some(header) = parts.headers.get(http::header::AUTHORIZATION) {
        let header = header.to_str().map_err(|_| {
            ApiError::incomplete_signature("The Authorization header is not ASCII.")
        })?;
        return parse_authorization(parts, header);
    }
    let mut q = std::collections::HashMap::new();
    for (k, v) in query_pairs(parts) {
        if k.starts_with("X-Amz-") {
            q.insert(k, v);
        }
    }
    let get = |name: &str| {
        q.get(name).cloned().ok_or_else(|| {
            ApiError::incomplete_signature(format!("The presigned URL has no {name}."))
        })
    };
    if get("X-Amz-Algorithm")? != ALGORITHM {
        return Err(ApiError::incomplete_signature(format!(
            "X-Amz-Algorithm must be {ALGORITHM}."
        )));
    }
    let credential = get("X-Amz-Credential")?;
    let (access_key_id, scope_date, region, service) = parse_credential(&credential)?;
    let expires = get("X-Amz-Expires")?
        .parse::<u64>()
        .ok()
        .filter(|e| (1..=604_800).contains(e))
        .ok_or_else(|| {
            ApiError::incomplete_signature("X-Amz-Expires must be between 1 and 604800 seconds.")
        })?;
    Ok(Signature {
        access_key_id,
        scope_date,
        region,
        service,
        signed_headers: split_signed_headers(&get("X-Amz-SignedHeaders")?)?,
        signature: get("X-Amz-Signature")?,
        amz_date: get("X-Amz-Date")?,
        session_token: q.get("X-Amz-Security-Token").cloned(),
        expires: Some(expires),
        in_query: true,
    })
}

fn parse_authorization(parts: &Parts, header: &str) -> Result<Signature, ApiError> {
    let rest = header
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| {
            ApiError::incomplete_signature(format!(
                "Authorization header requires the {ALGORITHM} algorithm."
            ))
        })?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for item in rest.split(',') {
        let item = item.trim();
        if let Some(v) = item.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = item.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = item.strip_prefix("Signature=") {
            signature = Some(v);
        } else {
            return Err(ApiError::incomplete_signature(format!(
                "Authorization header has an unknown part {item:?}."
            )));
        }
    }
    let missing = |what: &str| {
        ApiError::incomplete_signature(format!(
            "Authorization header requires '{what}' parameter. Authorization={header}"
        ))
    };
    let (access_key_id, scope_date, region, service) =
        parse_credential(credential.ok_or_else(|| missing("Credential"))?)?;
    let amz_date = parts
        .headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::incomplete_signature(
                "Authorization header requires existence of X-Amz-Date header.",
            )
        })?
        .to_owned();
    let session_token = parts
        .headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok(Signature {
        access_key_id,
        scope_date,
        region,
        service,
        signed_headers: split_signed_headers(signed.ok_or_else(|| missing("SignedHeaders"))?)?,
        signature: signature.ok_or_else(|| missing("Signature"))?.to_owned(),
        amz_date,
        session_token,
        expires: None,
        in_query: false,
    })
}

/// `AKID/20260101/us-east-1/sts/aws4_request`.
fn parse_credential(credential: &str) -> Result<(String, String, String, String), ApiError> {
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [key, date, region, service, "aws4_request"]
            if !key.is_empty() && date.len() == 8 && !region.is_empty() =>
        {
            Ok((
                key.to_string(),
                date.to_string(),
                region.to_string(),
                service.to_string(),
            ))
        }
        _ => Err(ApiError::incomplete_signature(format!(
            "Credential must have the form <key>/<YYYYMMDD>/<region>/<service>/aws4_request; got {:?}.",
            credential
                .split('/')
                .next()
                .map(|k| format!("{k}/..."))
                .unwrap_or_default()
        ))),
    }
}

fn split_signed_headers(list: &str) -> Result<Vec<String>, ApiError> {
    let names: Vec<String> = list.split(';').map(str::to_owned).collect();
    if !names.iter().any(|n| n == "host") {
        return Err(ApiError::signature_mismatch(
            " 'Host' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    if names
        .iter()
        .any(|n| n.is_empty() || n.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return Err(ApiError::incomplete_signature(
            "SignedHeaders must be lowercase names separated by ';'.",
        ));
    }
    Ok(names)
}

/// `20260101T000000Z`.
pub(crate) fn parse_amz_date(s: &str) -> Result<SystemTime, ApiError> {
    let bad = || {
        ApiError::incomplete_signature(format!(
            "X-Amz-Date must be in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z'; got {s:?}."
        ))
    };
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<u32, ApiError> {
        let digits = &s[range];
        if !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        digits.parse().map_err(|_| bad())
    };
    let month = time::Month::try_from(num(4..6)? as u8).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(num(0..4)? as i32, month, num(6..8)? as u8)
        .map_err(|_| bad())?;
    let t = time::Time::from_hms(num(9..11)? as u8, num(11..13)? as u8, num(13..15)? as u8)
        .map_err(|_| bad())?;
    Ok(time::PrimitiveDateTime::new(date, t).assume_utc().into())
}

fn payload_hash(parts: &Parts, body: &[u8]) -> Result<String, ApiError> {
    let actual = hex::encode(Sha256::digest(body));
    match parts
        .headers
        .get("x-amz-content-sha256")
        .map(|v| v.to_str())
    {
        None => Ok(actual),
        Some(Ok(claimed)) if claimed == actual => Ok(actual),
        // STS requests have small bodies: an unsigned payload would let the
        // body change unnoticed, so it is only accepted when there is none.
        Some(Ok(UNSIGNED_PAYLOAD)) if body.is_empty() => Ok(UNSIGNED_PAYLOAD.to_owned()),
        Some(_) => Err(ApiError::new(
            400,
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )),
    }
}

fn canonical_request(
    parts: &Parts,
    sig: &Signature,
    payload_hash: &str,
) -> Result<String, ApiError> {
    let mut out = String::with_capacity(512);
    out.push_str(parts.method.as_str());
    out.push('\n');
    // Not S3: the path as received is encoded again (so `%` becomes `%25`).
    let path = parts.uri.path();
    let path = if path.is_empty() { "/" } else { path };
    out.extend(utf8_percent_encode(path, PATH_SEGMENT));
    out.push('\n');

    let mut query: Vec<(String, String)> = query_pairs(parts)
        .filter(|(k, _)| !(sig.in_query && k == "X-Amz-Signature"))
        .map(|(k, v)| {
            (
                utf8_percent_encode(&k, UNRESERVED).to_string(),
                utf8_percent_encode(&v, UNRESERVED).to_string(),
            )
        })
        .collect();
    query.sort();
    for (i, (k, v)) in query.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out.push('\n');

    for name in &sig.signed_headers {
        let values: Vec<String> = parts
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|v| normalize_header_value(v.as_bytes()))
            .collect();
        let value = if values.is_empty() && name == "host" {
            parts.uri.authority().map(|a| a.as_str().to_owned())
        } else if values.is_empty() {
            None
        } else {
            Some(values.join(","))
        };
        let value = value.ok_or_else(|| {
            ApiError::signature_mismatch(&format!(" Signed header {name:?} is not in the request."))
        })?;
        out.push_str(name);
        out.push(':');
        out.push_str(&value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&sig.signed_headers.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    Ok(out)
}

/// Trims the value and folds runs of spaces into one, as SigV4 specifies.
fn normalize_header_value(v: &[u8]) -> String {
    let s = String::from_utf8_lossy(v);
    let mut out = String::with_capacity(s.len());
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(
            t,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
        );
        // Not ASCII (a percent-decoded byte that is not UTF-8), wrong shapes,
        // impossible dates: errors, never a panic.
        for bad in [
            "20261122T14\u{FFFD}8Z",
            "2015-08-30T12:36:00Z",
            "20150830T123600",
            "20151330T123600Z",
            "20150830T256000Z",
            "",
        ] {
            assert_eq!(
                parse_amz_date(bad).unwrap_err().code,
                "IncompleteSignature",
                "{bad}"
            );
        }
    }
}
