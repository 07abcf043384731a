//! botocore's compiled awsQuery protocol tests (the Smithy awsQuery suite):
//! request serialisation and response parsing, run through sts-core's own
//! primitives (`QueryWriter`, `XmlReader`, timestamp parsing, error parsing).
//!
//! The test services are not STS, so a small shape-driven interpreter here maps
//! each test's shapes onto those primitives. A case that needs a feature STS
//! never uses (maps, flattened or renamed lists, booleans, floats, blobs,
//! non-default timestamp formats, host prefixes, idempotency tokens, request
//! compression, XML namespaces/renames on members, empty response bodies) is
//! counted as not applicable, with the reason.

use std::time::UNIX_EPOCH;

use serde_json::{Map, Value, json};
use sts_core::query::{QueryWriter, parse_form};
use sts_core::xml::{XmlReader, parse_error_response};

use crate::Tally;

type Shapes = Map<String, Value>;

fn not_applicable<T>(why: impl Into<String>) -> Result<T, Outcome> {
    Err(Outcome::NotApplicable(why.into()))
}

enum Outcome {
    NotApplicable(String),
    Failed(String),
}

fn fail<T>(why: impl Into<String>) -> Result<T, Outcome> {
    Err(Outcome::Failed(why.into()))
}

/// Rejects member/shape traits STS does not use. `timestampFormat: iso8601`
/// is the awsQuery default (what STS uses), so it is accepted.
fn check_plain(member: &Value, target: &Value) -> Result<(), Outcome> {
    for key in [
        "flattened",
        "locationName",
        "xmlNamespace",
        "idempotencyToken",
        "timestampFormat",
    ] {
        for v in [member.get(key), target.get(key)].into_iter().flatten() {
            if key == "timestampFormat" && v == "iso8601" {
                continue;
            }
            return not_applicable(format!("uses {key} = {v}, which no STS member has"));
        }
    }
    Ok(())
}

/// Checks, before running a case, that every member its params or expected
/// result touch is of a kind STS uses, and that the shape has no idempotency token.
fn applicable(shapes: &Shapes, shape: &Value, value: &Value) -> Result<(), Outcome> {
    let members = shape["members"].as_object().unwrap();
    if members
        .values()
        .any(|m| m.get("idempotencyToken").is_some())
    {
        return not_applicable("idempotency tokens (no STS member has one)");
    }
    let Some(object) = value.as_object() else {
        return Ok(());
    };
    for (name, v) in object {
        let Some(member) = members.get(name) else {
            return fail(format!("unknown member {name}"));
        };
        applicable_member(shapes, member, v)?;
    }
    Ok(())
}

fn applicable_member(shapes: &Shapes, member: &Value, v: &Value) -> Result<(), Outcome> {
    let target = &shapes[member["shape"].as_str().unwrap()];
    check_plain(member, target)?;
    match target["type"].as_str().unwrap() {
        "string" | "integer" | "long" | "timestamp" => Ok(()),
        "structure" => applicable(shapes, target, v),
        "list" => v
            .as_array()
            .unwrap()
            .iter()
            .try_for_each(|item| applicable_member(shapes, &target["member"], item)),
        other => not_applicable(format!("{other} members (STS has none)")),
    }
}

// ------------------------------------------------------------------ requests

fn encode_struct(
    w: &mut QueryWriter,
    shapes: &Shapes,
    shape: &Value,
    params: &Value,
    prefix: &str,
) -> Result<(), Outcome> {
    let members = shape["members"].as_object().unwrap();
    let params = params.as_object().unwrap();
    // Model member order, as botocore (and our generated code) write them.
    for (name, member) in members {
        let Some(value) = params.get(name) else {
            continue;
        };
        let target = &shapes[member["shape"].as_str().unwrap()];
        check_plain(member, target)?;
        let key = format!("{prefix}{name}");
        match target["type"].as_str().unwrap() {
            "string" => w.param(&key, value.as_str().unwrap()),
            "integer" | "long" => w.param_int(&key, value.as_i64().unwrap()),
            "structure" => encode_struct(w, shapes, target, value, &format!("{key}."))?,
            "list" => {
                let item_member = &target["member"];
                let item = &shapes[item_member["shape"].as_str().unwrap()];
                check_plain(item_member, item)?;
                let items = value.as_array().unwrap();
                if items.is_empty() {
                    w.empty(&key);
                }
                for (i, v) in items.iter().enumerate() {
                    match item["type"].as_str().unwrap() {
                        "string" => w.list_item(&key, i + 1, None, v.as_str().unwrap()),
                        "structure" => {
                            encode_struct(w, shapes, item, v, &format!("{key}.member.{}.", i + 1))?
                        }
                        other => return not_applicable(format!("list of {other}")),
                    }
                }
            }
            other => return not_applicable(format!("{other} members (STS has none)")),
        }
    }
    Ok(())
}

fn run_request_case(suite: &Value, case: &Value) -> Result<(), Outcome> {
    let given = &case["given"];
    if given.get("endpoint").is_some() || case["serialized"].get("host").is_some() {
        return not_applicable("host prefixes and custom hosts (STS has no endpoint trait)");
    }
    if given.get("requestcompression").is_some() {
        return not_applicable("request compression (STS does not support it)");
    }
    let shapes = suite["shapes"].as_object().unwrap();
    let version = suite["metadata"]["apiVersion"].as_str().unwrap();
    let mut w = QueryWriter::for_api(given["name"].as_str().unwrap(), version, 64);
    if let Some(input) = given.get("input") {
        let shape = &shapes[input["shape"].as_str().unwrap()];
        applicable(shapes, shape, &case["params"])?;
        encode_struct(&mut w, shapes, shape, &case["params"], "")?;
    }
    let ours = w.finish();
    let theirs = case["serialized"]["body"].as_str().unwrap();
    // Ordered comparison: botocore writes members in model order, as we do.
    if parse_form(&ours) != parse_form(theirs) {
        return fail(format!("\n  ours:   {ours}\n  theirs: {theirs}"));
    }
    Ok(())
}

// ------------------------------------------------------------------ responses

fn decode_value(
    r: &mut XmlReader<'_>,
    shapes: &Shapes,
    member: &Value,
    name: &str,
) -> Result<Value, Outcome> {
    let target = &shapes[member["shape"].as_str().unwrap()];
    check_plain(member, target)?;
    let err = |e: sts_core::error::DecodeError| Outcome::Failed(e.to_string());
    Ok(match target["type"].as_str().unwrap() {
        "string" => Value::String(r.read_string().map_err(err)?),
        "integer" | "long" => json!(
            r.read_text()
                .map_err(err)?
                .trim()
                .parse::<i64>()
                .map_err(|e| Outcome::Failed(format!("{name}: {e}")))?
        ),
        "timestamp" => {
            let t = r.read_timestamp("timestamp").map_err(err)?;
            let secs = t
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or_else(|e| -e.duration().as_secs_f64());
            json!(secs)
        }
        "structure" => decode_struct(r, shapes, target)?,
        "list" => {
            let item_member = &target["member"];
            check_plain(item_member, &shapes[item_member["shape"].as_str().unwrap()])?;
            let mut items = Vec::new();
            while r.next_field(&["member"]).map_err(err)?.is_some() {
                items.push(decode_value(r, shapes, item_member, "member")?);
            }
            Value::Array(items)
        }
        other => return not_applicable(format!("{other} members (STS has none)")),
    })
}

fn decode_struct(r: &mut XmlReader<'_>, shapes: &Shapes, shape: &Value) -> Result<Value, Outcome> {
    let members = shape["members"].as_object().unwrap();
    let names: Vec<&str> = members.keys().map(String::as_str).collect();
    let mut out = Map::new();
    while let Some(name) = r
        .next_field(&names)
        .map_err(|e| Outcome::Failed(e.to_string()))?
    {
        let v = decode_value(r, shapes, &members[name], name)?;
        out.insert(name.to_owned(), v);
    }
    Ok(Value::Object(out))
}

fn same(expected: &Value, got: &Value) -> bool {
    match (expected, got) {
        (Value::Number(a), Value::Number(b)) => {
            (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-3
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => expected == got,
    }
}

fn run_response_case(suite: &Value, case: &Value) -> Result<(), Outcome> {
    let shapes = suite["shapes"].as_object().unwrap();
    let given = &case["given"];
    let Some(body) = case["response"].get("body").and_then(Value::as_str) else {
        return not_applicable(
            "no response body (every STS output has members; an empty 200 is an error)",
        );
    };
    if let Some(code) = case.get("errorCode") {
        let status = case["response"]["status_code"].as_u64().map(|s| s as u16);
        let se = parse_error_response(body.as_bytes(), status)
            .map_err(|e| Outcome::Failed(e.to_string()))?;
        if se.code() != code.as_str().unwrap() {
            return fail(format!("code {} != {code}", se.code()));
        }
        if let Some(m) = case.get("errorMessage")
            && se.message() != m.as_str()
        {
            return fail(format!("message {:?} != {m}", se.message()));
        }
        if se.request_id() != Some("foo-id") || se.status() != status {
            return fail(format!("request id / status: {se:?}"));
        }
        return Ok(());
    }
    let output_shape = &shapes[given["output"]["shape"].as_str().unwrap()];
    applicable(shapes, output_shape, &case["result"])?;
    let name = given["name"].as_str().unwrap();
    let (response, result) = (format!("{name}Response"), format!("{name}Result"));
    let mut r = XmlReader::new(body);
    let err = |e: sts_core::error::DecodeError| Outcome::Failed(e.to_string());
    r.root(&[response.as_str()]).map_err(err)?;
    let mut got = Value::Object(Map::new());
    while r.next_field(&[result.as_str()]).map_err(err)?.is_some() {
        let shape = &shapes[given["output"]["shape"].as_str().unwrap()];
        got = decode_struct(&mut r, shapes, shape)?;
    }
    r.finish().map_err(err)?;
    if !same(&case["result"], &got) {
        return fail(format!("expected {} got {got}", case["result"]));
    }
    Ok(())
}

fn run(
    file: &str,
    runner: fn(&Value, &Value) -> Result<(), Outcome>,
    suite_name: &str,
    min_passed: usize,
) {
    let Some(dir) = crate::vectors() else { return };
    let suites = crate::read_json(dir.join(file));
    let mut tally = Tally::default();
    for suite in suites.as_array().unwrap() {
        for case in suite["cases"].as_array().unwrap() {
            let id = case["id"].as_str().unwrap().to_owned();
            match runner(suite, case) {
                Ok(()) => tally.passed.push(id),
                Err(Outcome::NotApplicable(why)) => tally.skipped.push(format!("{id}: {why}")),
                Err(Outcome::Failed(why)) => tally.failed.push(format!("{id}: {why}")),
            }
        }
    }
    tally.finish(suite_name, min_passed);
}

#[test]
fn awsquery_request_tests() {
    run(
        "botocore-protocols/input-query.json",
        run_request_case,
        "awsQuery requests",
        10,
    );
}

#[test]
fn awsquery_response_tests() {
    run(
        "botocore-protocols/output-query.json",
        run_response_case,
        "awsQuery responses",
        12,
    );
}
