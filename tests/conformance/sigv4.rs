//! sigv4/sts-botocore/: our signing step, and the SigV4 layer itself, produce
//! botocore's signature and headers for the same time, credentials, region and
//! body. sigv4/v4/: the cases of the SigV4 test suite that STS requests meet
//! (form bodies, session tokens signed or added after signing).

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use serde_json::Value;
use sts_layers::sigv4::{
    SigV4Layer, SigningConfig, SigningRegion, TimeSource, sign_request, sign_request_with,
};
use tower::{Layer, ServiceExt, service_fn};

use sts_client::presign::{PresignConfig, presign};
use sts_core::model::{GetCallerIdentity, GetCallerIdentityInput};

use crate::Tally;

fn vector_credentials(v: &Value) -> Credentials {
    let c = &v["credentials"];
    Credentials::new(
        c["access_key_id"].as_str().unwrap(),
        c["secret_access_key"].as_str().unwrap(),
        c.get("session_token")
            .and_then(Value::as_str)
            .map(str::to_owned),
        None,
        "vector",
    )
}

fn vector_request(v: &Value) -> http::Request<Bytes> {
    let r = &v["request"];
    let mut builder = http::Request::builder()
        .method(r["method"].as_str().unwrap())
        .uri(r["url"].as_str().unwrap());
    for (name, value) in r["headers"].as_object().unwrap() {
        builder = builder.header(name.as_str(), value.as_str().unwrap());
    }
    builder
        .body(Bytes::from(r["body"].as_str().unwrap().to_owned()))
        .unwrap()
}

fn compare(v: &Value, req: &http::Request<Bytes>) -> Result<(), String> {
    for (name, want) in v["signed_headers_out"].as_object().unwrap() {
        let got = req
            .headers()
            .get(name.as_str())
            .and_then(|h| h.to_str().ok());
        if got != want.as_str() {
            return Err(format!("{name}: got {got:?}, want {want}"));
        }
    }
    Ok(())
}

/// The same vector through the `SigV4` layer: credentials from a provider, the
/// region from the `SigningRegion` extension, the time from a `TimeSource`.
fn check_layer(v: &Value) -> Result<(), String> {
    let time: SystemTime = sts_core::xml::parse_timestamp(v["timestamp"].as_str().unwrap())?;
    let layer = SigV4Layer::new(SharedCredentialsProvider::new(vector_credentials(v)))
        .time_source(TimeSource::fixed(time));
    let svc = layer.layer(service_fn(|req: http::Request<Bytes>| async move {
        Ok::<_, sts_core::error::BoxError>(req)
    }));
    let mut req = vector_request(v);
    req.extensions_mut()
        .insert(SigningRegion::new(v["region"].as_str().unwrap()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let signed = rt.block_on(svc.oneshot(req)).map_err(|e| e.to_string())?;
    compare(v, &signed)
}

fn check(v: &Value) -> Result<(), String> {
    let creds = vector_credentials(v);
    let time: SystemTime = sts_core::xml::parse_timestamp(v["timestamp"].as_str().unwrap())?;
    let mut req = vector_request(v);
    sign_request(&mut req, &creds, v["region"].as_str().unwrap(), time)
        .map_err(|e| e.to_string())?;
    compare(v, &req)?;
    let auth = req.headers()["authorization"].to_str().unwrap();
    if !auth.ends_with(&format!("Signature={}", v["signature"].as_str().unwrap())) {
        return Err(format!("signature differs: {auth}"));
    }
    Ok(())
}

/// A presigned-URL vector: `sts_client::presign::presign` must produce the
/// same URL, signature included.
fn check_presigned(v: &Value) -> Result<(), String> {
    let creds = vector_credentials(v);
    let url: http::Uri = v["request"]["url"].as_str().unwrap().parse().unwrap();
    if url.query() != Some("Action=GetCallerIdentity&Version=2011-06-15") {
        return Err(format!("unexpected request {url}"));
    }
    let endpoint: http::Uri = format!("https://{}/", url.authority().unwrap())
        .parse()
        .unwrap();
    let config = PresignConfig::new(Duration::from_secs(v["expires_in"].as_u64().unwrap()))
        .map_err(|e| e.to_string())?
        .signing_time(sts_core::xml::parse_timestamp(
            v["timestamp"].as_str().unwrap(),
        )?);
    let presigned = presign::<GetCallerIdentity>(
        &GetCallerIdentityInput::default(),
        &creds,
        &endpoint,
        v["region"].as_str().unwrap(),
        &config,
    )
    .map_err(|e| format!("{e:#}"))?;
    let got = presigned.uri().to_string();
    let want = v["presigned_url"].as_str().unwrap();
    if got != want {
        return Err(format!("presigned URL differs:\n got: {got}\nwant: {want}"));
    }
    Ok(())
}

#[test]
fn botocore_sts_signing_vectors() {
    let Some(dir) = crate::vectors() else { return };
    let mut tally = Tally::default();
    let mut files: Vec<_> = std::fs::read_dir(dir.join("sigv4/sts-botocore"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let v = crate::read_json(path);
        let outcome = if name.starts_with("presign") {
            check_presigned(&v)
        } else {
            check(&v).and_then(|()| check_layer(&v))
        };
        match outcome {
            Ok(()) => tally.passed.push(name),
            Err(e) => tally.failed.push(format!("{name}: {e}")),
        }
    }
    tally.finish(
        "botocore STS SigV4 vectors (signing step and layer; presigned URL)",
        4,
    );
}

/// The SigV4 test suite's cases that STS requests meet.
const V4_CASES: &[&str] = &[
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
    "post-sts-header-after",
    "post-sts-header-before",
    "get-vanilla-with-session-token",
    "post-vanilla",
    "get-vanilla",
];

/// Parses the suite's `request.txt`: request line, `Name:value` headers, blank
/// line, body.
fn parse_request_txt(text: &str) -> http::Request<Bytes> {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let mut start = lines.next().unwrap().split(' ');
    let method = start.next().unwrap();
    let path = start.next().unwrap();
    let mut builder = http::Request::builder().method(method);
    let mut host = String::new();
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        if name.eq_ignore_ascii_case("host") {
            host = value.to_owned();
        }
        builder = builder.header(name, value);
    }
    builder
        .uri(format!("https://{host}{path}"))
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

fn check_v4(dir: &std::path::Path) -> Result<(), String> {
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).map_err(|e| format!("{f}: {e}"));
    let context: Value = serde_json::from_str(&read("context.json")?).map_err(|e| e.to_string())?;
    let c = &context["credentials"];
    let omit_token = context["omit_session_token"].as_bool().unwrap_or(false);
    let creds = Credentials::new(
        c["access_key_id"].as_str().unwrap(),
        c["secret_access_key"].as_str().unwrap(),
        c.get("token").and_then(Value::as_str).map(str::to_owned),
        None,
        "vector",
    );
    let time = sts_core::xml::parse_timestamp(context["timestamp"].as_str().unwrap())?;
    let mut req = parse_request_txt(&read("request.txt")?);
    let config = SigningConfig {
        region: context["region"].as_str().unwrap(),
        service: context["service"].as_str().unwrap(),
        time,
        sign_session_token: !omit_token,
        content_sha256_header: context["sign_body"].as_bool().unwrap_or(false),
        expires_in: None,
    };
    sign_request_with(&mut req, &creds, &config).map_err(|e| e.to_string())?;
    let want = read("header-signature.txt")?;
    let auth = req.headers()["authorization"].to_str().unwrap();
    if !auth.ends_with(&format!("Signature={}", want.trim())) {
        return Err(format!("signature differs: {auth}, want {}", want.trim()));
    }
    // The signed request's headers, as the suite writes them.
    let signed = read("header-signed-request.txt")?;
    for line in signed.lines().skip(1).take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').unwrap();
        let got = req.headers().get(name).and_then(|h| h.to_str().ok());
        if got != Some(value) {
            return Err(format!("{name}: got {got:?}, want {value}"));
        }
    }
    Ok(())
}

#[test]
fn sigv4_suite_cases_that_sts_meets() {
    let Some(dir) = crate::vectors() else { return };
    let mut tally = Tally::default();
    for case in V4_CASES {
        match check_v4(&dir.join("sigv4/v4").join(case)) {
            Ok(()) => tally.passed.push((*case).to_owned()),
            Err(e) => tally.failed.push(format!("{case}: {e}")),
        }
    }
    tally.finish("SigV4 test suite (STS-relevant cases)", V4_CASES.len());
}
