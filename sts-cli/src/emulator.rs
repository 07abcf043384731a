//! `sts emulator`: the STS emulator on 127.0.0.1 until interrupted.

use std::time::Duration;

use serde_json::Value;
use sts_emulator::{Account, Emulator, EmulatorServer, Role, User, example};

use crate::CliError;
use crate::args::EmulatorArgs;

pub(crate) async fn run(args: EmulatorArgs) -> Result<String, CliError> {
    let (emulator, user) = match &args.config {
        Some(path) => load(path)?,
        None => (
            Emulator::new(),
            Some((
                example::ACCESS_KEY_ID.to_owned(),
                example::SECRET_ACCESS_KEY.to_owned(),
            )),
        ),
    };
    let server = EmulatorServer::start(emulator, args.port)
        .await
        .map_err(|e| CliError::other(format!("cannot listen on 127.0.0.1:{}: {e}", args.port)))?;
    let mut banner = format!(
        "# STS emulator listening on {url}\nexport AWS_ENDPOINT_URL_STS={url}\nexport AWS_REGION=us-east-1\n",
        url = server.endpoint_url()
    );
    if let Some((id, secret)) = user {
        banner.push_str(&format!(
            "export AWS_ACCESS_KEY_ID={id}\nexport AWS_SECRET_ACCESS_KEY={secret}\n"
        ));
    }
    banner.push_str("# Ctrl-C stops it.");
    println!("{banner}");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::other(format!("cannot wait for Ctrl-C: {e}")))?;
    server.shutdown().await;
    Ok(String::new())
}

/// Reads a configuration:
///
/// ```json
/// {"accounts": [{"id": "111122223333",
///   "users": [{"name": "ci", "access_keys": [{"id": "AKIA...", "secret": "..."}],
///              "mfa": {"serial": "arn:...", "code": "123456"}}],
///   "roles": [{"name": "deploy", "max_session_duration": 7200, "external_id": "x",
///              "require_mfa": false, "trusted_accounts": ["444455556666"]}],
///   "saml_providers": ["corp"],
///   "oidc_providers": [{"issuer": "https://...", "audiences": ["sts.amazonaws.com"]}]}]}
/// ```
fn load(path: &str) -> Result<(Emulator, Option<(String, String)>), CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("--config: cannot read {path}: {e}")))?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("--config {path}: not JSON: {e}")))?;
    let bad = |what: &str| CliError::usage(format!("--config {path}: {what}"));
    let str_of = |v: &Value, key: &str, at: &str| -> Result<String, CliError> {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| bad(&format!("{at}.{key} must be a string")))
    };
    let arr = |v: &Value, key: &str| -> Vec<Value> {
        v.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let accounts = json
        .get("accounts")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("needs an \"accounts\" array"))?;
    let mut builder = Emulator::builder();
    let mut first_key = None;
    for (i, a) in accounts.iter().enumerate() {
        let at = format!("accounts[{i}]");
        let mut account = Account::new(str_of(a, "id", &at)?);
        for (j, u) in arr(a, "users").iter().enumerate() {
            let at = format!("{at}.users[{j}]");
            let mut user = User::new(str_of(u, "name", &at)?);
            for (k, key) in arr(u, "access_keys").iter().enumerate() {
                let at = format!("{at}.access_keys[{k}]");
                let (id, secret) = (str_of(key, "id", &at)?, str_of(key, "secret", &at)?);
                first_key.get_or_insert((id.clone(), secret.clone()));
                user = user.access_key(id, secret);
            }
            if let Some(m) = u.get("mfa") {
                user = user.mfa_device(str_of(m, "serial", &at)?, str_of(m, "code", &at)?);
            }
            account = account.user(user);
        }
        for (j, r) in arr(a, "roles").iter().enumerate() {
            let at = format!("{at}.roles[{j}]");
            let mut role = Role::new(str_of(r, "name", &at)?);
            if let Some(secs) = r.get("max_session_duration") {
                let secs = secs
                    .as_u64()
                    .filter(|s| (3600..=43_200).contains(s))
                    .ok_or_else(|| {
                        bad(&format!(
                            "{at}.max_session_duration must be 3600..43200 seconds"
                        ))
                    })?;
                role = role.max_session_duration(Duration::from_secs(secs));
            }
            if r.get("external_id").is_some() {
                role = role.require_external_id(str_of(r, "external_id", &at)?);
            }
            if r.get("require_mfa").and_then(Value::as_bool) == Some(true) {
                role = role.require_mfa();
            }
            for t in arr(r, "trusted_accounts") {
                role = role.trust_account(t.as_str().unwrap_or_default());
            }
            account = account.role(role);
        }
        for p in arr(a, "saml_providers") {
            account = account.saml_provider(p.as_str().unwrap_or_default());
        }
        for (j, p) in arr(a, "oidc_providers").iter().enumerate() {
            let at = format!("{at}.oidc_providers[{j}]");
            let audiences: Vec<String> = arr(p, "audiences")
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            account = account.oidc_provider(str_of(p, "issuer", &at)?, audiences);
        }
        builder = builder.account(account);
    }
    Ok((builder.build(), first_key))
}
