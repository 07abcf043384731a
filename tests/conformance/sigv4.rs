//! sigv4/sts-botocore/: our signing step produces botocore's signature and
//! headers for the same time, credentials, region and body.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use serde_json::Value;
use sts_layers::sigv4::sign_request;

use crate::Tally;

fn check(v: &Value) -> Result<(), String> {
    let c = &v["credentials"];
    let creds = Credentials::new(
        c["access_key_id"].as_str().unwrap(),
        c["secret_access_key"].as_str().unwrap(),
        c.get("session_token")
            .and_then(Value::as_str)
            .map(str::to_owned),
        None,
        "vector",
    );
    let time: SystemTime = sts_core::xml::parse_timestamp(v["timestamp"].as_str().unwrap())?;
    let r = &v["request"];
    let mut builder = http::Request::builder()
        .method(r["method"].as_str().unwrap())
        .uri(r["url"].as_str().unwrap());
    for (name, value) in r["headers"].as_object().unwrap() {
        builder = builder.header(name.as_str(), value.as_str().unwrap());
    }
    let mut req = builder
        .body(r["body"].as_str().unwrap().as_bytes().to_vec())
        .map_err(|e| e.to_string())?;
    sign_request(&mut req, &creds, v["region"].as_str().unwrap(), time)
        .map_err(|e| e.to_string())?;
    for (name, want) in v["signed_headers_out"].as_object().unwrap() {
        let got = req
            .headers()
            .get(name.as_str())
            .and_then(|h| h.to_str().ok());
        if got != want.as_str() {
            return Err(format!("{name}: got {got:?}, want {want}"));
        }
    }
    let auth = req.headers()["authorization"].to_str().unwrap();
    if !auth.ends_with(&format!("Signature={}", v["signature"].as_str().unwrap())) {
        return Err(format!("signature differs: {auth}"));
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
        if name.starts_with("presign") {
            tally.skipped.push(format!(
                "{name}: presigned URLs belong to the client issue (4)"
            ));
            continue;
        }
        match check(&crate::read_json(path)) {
            Ok(()) => tally.passed.push(name),
            Err(e) => tally.failed.push(format!("{name}: {e}")),
        }
    }
    tally.finish("botocore STS SigV4 vectors", 3);
}
