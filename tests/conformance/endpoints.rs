//! endpoints/endpoint-tests-1.json: the official 69 STS endpoint cases.

use serde_json::Value;
use sts_core::endpoint::{EndpointParams, resolve};

use crate::Tally;

fn params(p: &Value) -> EndpointParams {
    let flag = |k: &str| p.get(k).and_then(Value::as_bool).unwrap_or(false);
    EndpointParams {
        region: p.get("Region").and_then(Value::as_str).map(str::to_owned),
        use_fips: flag("UseFIPS"),
        use_dual_stack: flag("UseDualStack"),
        use_global_endpoint: flag("UseGlobalEndpoint"),
        endpoint: p.get("Endpoint").and_then(Value::as_str).map(str::to_owned),
    }
}

fn check(case: &Value) -> Result<(), String> {
    let got = resolve(&params(&case["params"]));
    let expect = &case["expect"];
    if let Some(message) = expect.get("error").and_then(Value::as_str) {
        return match got {
            Err(e) if e.to_string() == message => Ok(()),
            other => Err(format!("expected error {message:?}, got {other:?}")),
        };
    }
    let want = &expect["endpoint"];
    let got = got.map_err(|e| format!("unexpected error {e}"))?;
    if got.url != want["url"].as_str().unwrap_or_default() {
        return Err(format!("url {} != {}", got.url, want["url"]));
    }
    if let Some(schemes) = want
        .pointer("/properties/authSchemes")
        .and_then(Value::as_array)
    {
        let scheme = &schemes[0];
        if scheme["signingRegion"].as_str() != Some(got.signing_region.as_str())
            || scheme["signingName"].as_str() != Some(got.signing_name)
        {
            return Err(format!(
                "signing {}/{} != {scheme}",
                got.signing_name, got.signing_region
            ));
        }
    }
    Ok(())
}

#[test]
fn official_endpoint_test_cases() {
    let Some(dir) = crate::vectors() else { return };
    let doc = crate::read_json(dir.join("endpoints/endpoint-tests-1.json"));
    let mut tally = Tally::default();
    for case in doc["testCases"].as_array().unwrap() {
        let id = case["documentation"].as_str().unwrap_or("?").to_owned();
        match check(case) {
            Ok(()) => tally.passed.push(id),
            Err(e) => tally.failed.push(format!("{id}: {e}")),
        }
    }
    tally.finish("endpoint rules", 69);
}

/// Cross-checks the partition table written into sts-core against
/// partitions.json: every listed region resolves into its partition's DNS
/// suffixes (regional and dual-stack).
#[test]
fn partition_table_matches_partitions_json() {
    let Some(dir) = crate::vectors() else { return };
    let doc = crate::read_json(dir.join("endpoints/partitions.json"));
    let mut tally = Tally::default();
    for p in doc["partitions"].as_array().unwrap() {
        let out = &p["outputs"];
        for region in p["regions"].as_object().unwrap().keys() {
            if region.ends_with("-global") {
                continue; // aws-global has its own rule; the others are not STS regions.
            }
            let dns = out["dnsSuffix"].as_str().unwrap();
            let dual = out["dualStackDnsSuffix"].as_str().unwrap();
            let plain = resolve(&EndpointParams::new(region.as_str())).unwrap();
            let ds = resolve(&EndpointParams::new(region.as_str()).use_dual_stack(true)).unwrap();
            if plain.url == format!("https://sts.{region}.{dns}")
                && ds.url == format!("https://sts.{region}.{dual}")
            {
                tally.passed.push(region.clone());
            } else {
                tally
                    .failed
                    .push(format!("{region}: {} / {}", plain.url, ds.url));
            }
        }
    }
    tally.finish("partition table", 40);
}
