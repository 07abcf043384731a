//! Printing outputs as the AWS CLI does: JSON (its keys, nesting and 4-space
//! indent, timestamps as `2026-01-01T12:00:00+00:00`), text (tab-separated),
//! or `export` lines for credentials.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use serde_json::{Map, Value, json};
use sts_core::model::{AssumedRoleUser, FederatedUser};

use crate::CliError;
use crate::args::Output;

/// An ISO 8601 UTC timestamp as the AWS CLI prints it.
pub(crate) fn timestamp(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Builds the object of one output, skipping absent members.
#[derive(Default)]
pub(crate) struct Object(Map<String, Value>);

impl Object {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn put(mut self, key: &str, value: Option<Value>) -> Self {
        if let Some(v) = value {
            self.0.insert(key.to_owned(), v);
        }
        self
    }

    pub(crate) fn string(self, key: &str, value: Option<&str>) -> Self {
        self.put(key, value.map(|v| json!(v)))
    }

    pub(crate) fn int(self, key: &str, value: Option<i32>) -> Self {
        self.put(key, value.map(|v| json!(v)))
    }

    pub(crate) fn time(self, key: &str, value: Option<SystemTime>) -> Self {
        self.put(key, value.map(|v| json!(timestamp(v))))
    }

    pub(crate) fn credentials(self, value: Option<&Credentials>) -> Self {
        self.put("Credentials", value.map(credentials))
    }

    pub(crate) fn assumed_role_user(self, value: Option<&AssumedRoleUser>) -> Self {
        self.put(
            "AssumedRoleUser",
            value.map(|u| json!({ "AssumedRoleId": u.assumed_role_id, "Arn": u.arn })),
        )
    }

    pub(crate) fn federated_user(self, value: Option<&FederatedUser>) -> Self {
        self.put(
            "FederatedUser",
            value.map(|u| json!({ "FederatedUserId": u.federated_user_id, "Arn": u.arn })),
        )
    }

    pub(crate) fn build(self) -> Value {
        Value::Object(self.0)
    }
}

fn credentials(c: &Credentials) -> Value {
    Object::new()
        .string("AccessKeyId", Some(c.access_key_id()))
        .string("SecretAccessKey", Some(c.secret_access_key()))
        .string("SessionToken", c.session_token())
        .time("Expiration", c.expiry())
        .build()
}

/// Pretty JSON with the AWS CLI's 4-space indent.
pub(crate) fn to_json(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serializing a Value into a Vec cannot fail.
    let _ = serde::Serialize::serialize(value, &mut ser);
    String::from_utf8(out).unwrap_or_default()
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        _ => None,
    }
}

/// The AWS CLI's text: the object's scalars on one line (keys sorted), then
/// one line per nested object, prefixed with its key in capitals.
pub(crate) fn to_text(value: &Value) -> String {
    let Value::Object(map) = value else {
        return scalar(value).unwrap_or_default();
    };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let mut lines = Vec::new();
    let top: Vec<String> = keys
        .iter()
        .filter_map(|k| scalar(&map[k.as_str()]))
        .collect();
    if !top.is_empty() {
        lines.push(top.join("\t"));
    }
    for k in &keys {
        match &map[k.as_str()] {
            Value::Object(inner) => {
                let mut inner_keys: Vec<&String> = inner.keys().collect();
                inner_keys.sort();
                let values: Vec<String> = inner_keys
                    .iter()
                    .filter_map(|ik| scalar(&inner[ik.as_str()]))
                    .collect();
                lines.push(format!("{}\t{}", k.to_uppercase(), values.join("\t")));
            }
            Value::Array(items) => {
                for item in items {
                    if let Some(s) = scalar(item) {
                        lines.push(format!("{}\t{s}", k.to_uppercase()));
                    }
                }
            }
            _ => {}
        }
    }
    lines.join("\n")
}

/// `export AWS_ACCESS_KEY_ID=...` lines from the output's `Credentials`.
pub(crate) fn to_env(value: &Value) -> Result<String, CliError> {
    let Some(Value::Object(c)) = value.get("Credentials") else {
        return Err(CliError::usage(
            "--output env prints credentials; this operation returns none (use json or text)",
        ));
    };
    let mut out = String::new();
    for (key, var) in [
        ("AccessKeyId", "AWS_ACCESS_KEY_ID"),
        ("SecretAccessKey", "AWS_SECRET_ACCESS_KEY"),
        ("SessionToken", "AWS_SESSION_TOKEN"),
        ("Expiration", "AWS_CREDENTIAL_EXPIRATION"),
    ] {
        if let Some(Value::String(v)) = c.get(key) {
            out.push_str(&format!("export {var}={}\n", shell_quote(v)));
        }
    }
    Ok(out.trim_end().to_owned())
}

/// Quotes for POSIX shells when needed (secret keys may hold `/` and `+`,
/// which need none; anything else unusual gets single quotes).
fn shell_quote(v: &str) -> String {
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/+=:._-@,".contains(c))
    {
        v.to_owned()
    } else {
        format!("'{}'", v.replace('\'', r"'\''"))
    }
}

pub(crate) fn render(value: &Value, output: Output) -> Result<String, CliError> {
    match output {
        Output::Json => Ok(to_json(value)),
        Output::Text => Ok(to_text(value)),
        Output::Env => to_env(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_env_layouts() {
        let v = json!({
            "Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s/k+", "SessionToken": "t", "Expiration": "2030-01-01T00:00:00+00:00"},
            "AssumedRoleUser": {"AssumedRoleId": "AROA:x", "Arn": "arn:r"},
            "PackedPolicySize": 6
        });
        assert_eq!(
            to_text(&v),
            "6\nASSUMEDROLEUSER\tarn:r\tAROA:x\nCREDENTIALS\tASIA1\t2030-01-01T00:00:00+00:00\ts/k+\tt"
        );
        assert_eq!(
            to_env(&v).unwrap(),
            "export AWS_ACCESS_KEY_ID=ASIA1\nexport AWS_SECRET_ACCESS_KEY=s/k+\nexport AWS_SESSION_TOKEN=t\nexport AWS_CREDENTIAL_EXPIRATION=2030-01-01T00:00:00+00:00"
        );
        assert!(to_json(&v).starts_with("{\n    \"Credentials\": {\n        \"AccessKeyId\""));
        assert_eq!(shell_quote("a b'c"), r"'a b'\''c'");
        assert!(to_env(&json!({"Account": "1"})).is_err());
    }
}
