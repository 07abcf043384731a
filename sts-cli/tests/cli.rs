//! The `sts` binary end to end against the emulator over loopback: every
//! subcommand, every output format, bad flags and values, `file://`,
//! profiles, and `sts emulator` itself.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use sts_emulator::{Emulator, EmulatorServer, example};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

struct Env {
    server: EmulatorServer,
    home: PathBuf,
}

impl Env {
    async fn new() -> Self {
        let server = EmulatorServer::start(Emulator::new(), 0).await.unwrap();
        let home = std::env::temp_dir().join(format!(
            "sts-cli-{}-{}",
            std::process::id(),
            server.local_addr().port()
        ));
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        Self { server, home }
    }

    fn emulator(&self) -> &Emulator {
        self.server.emulator()
    }

    async fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[]).await
    }

    /// Runs `sts` with a clean environment: the example keys, us-east-1, the
    /// emulator's endpoint, HOME in a temporary folder; `extra` on top.
    async fn run_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_sts"));
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL_STS", self.server.endpoint_url())
            .env("AWS_ACCESS_KEY_ID", example::ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", example::SECRET_ACCESS_KEY)
            .args(args);
        for (k, v) in extra {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        let Output {
            status,
            stdout,
            stderr,
        } = cmd.output().await.unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        }
    }
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_subcommand_prints_the_aws_cli_json() {
    let env = Env::new().await;
    let v = env.run(&["get-caller-identity"]).await.json();
    assert_eq!(keys(&v), ["UserId", "Account", "Arn"]);
    assert_eq!(v["Arn"], "arn:aws:iam::123456789012:user/alice");

    let policy = env.home.join("policy.json");
    std::fs::write(&policy, r#"{"Version":"2012-10-17","Statement":[]}"#).unwrap();
    let v = env
        .run(&[
            "assume-role",
            "--role-arn",
            example::PARTNER_ROLE_ARN,
            "--role-session-name",
            "cli",
            "--external-id",
            example::EXTERNAL_ID,
            "--duration-seconds",
            "7200",
            "--policy",
            &format!("file://{}", policy.display()),
            "--policy-arns",
            "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn=arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            "--tags",
            "Key=team,Value=pay",
            "Key=env,Value=dev",
            "--transitive-tag-keys",
            "team",
            "--source-identity",
            "alice",
        ])
        .await
        .json();
    assert_eq!(
        keys(&v),
        [
            "Credentials",
            "AssumedRoleUser",
            "PackedPolicySize",
            "SourceIdentity"
        ]
    );
    assert_eq!(
        keys(&v["Credentials"]),
        [
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration"
        ]
    );
    assert_eq!(keys(&v["AssumedRoleUser"]), ["AssumedRoleId", "Arn"]);
    let expiration = v["Credentials"]["Expiration"].as_str().unwrap();
    assert!(
        expiration.ends_with("+00:00") && expiration.len() == 25,
        "{expiration}"
    );
    let call = env.emulator().calls().pop().unwrap();
    assert_eq!(
        call.param("Policy"),
        Some(r#"{"Version":"2012-10-17","Statement":[]}"#)
    );
    assert_eq!(
        call.param("PolicyArns.member.2.arn"),
        Some("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
    );
    assert_eq!(call.param("Tags.member.2.Key"), Some("env"));
    assert_eq!(call.param("TransitiveTagKeys.member.1"), Some("team"));
    assert_eq!(call.param("DurationSeconds"), Some("7200"));

    // The credentials it printed work.
    let creds = &v["Credentials"];
    let who = env
        .run_with(
            &["get-caller-identity"],
            &[
                ("AWS_ACCESS_KEY_ID", creds["AccessKeyId"].as_str().unwrap()),
                (
                    "AWS_SECRET_ACCESS_KEY",
                    creds["SecretAccessKey"].as_str().unwrap(),
                ),
                ("AWS_SESSION_TOKEN", creds["SessionToken"].as_str().unwrap()),
            ],
        )
        .await
        .json();
    assert_eq!(
        who["Arn"],
        "arn:aws:sts::123456789012:assumed-role/partner/cli"
    );

    let assertion = env.home.join("saml.b64");
    std::fs::write(
        &assertion,
        env.emulator().saml_assertion(
            example::SAML_ISSUER,
            "carol",
            example::ROLE_ARN,
            example::SAML_PROVIDER_ARN,
            Duration::from_secs(300),
        ),
    )
    .unwrap();
    let v = env
        .run_with(
            &[
                "assume-role-with-saml",
                "--role-arn",
                example::ROLE_ARN,
                "--principal-arn",
                example::SAML_PROVIDER_ARN,
                "--saml-assertion",
                &format!("file://{}", assertion.display()),
            ],
            &[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")],
        )
        .await
        .json();
    assert_eq!(
        keys(&v),
        [
            "Credentials",
            "AssumedRoleUser",
            "Subject",
            "SubjectType",
            "Issuer",
            "Audience",
            "NameQualifier"
        ]
    );

    let token =
        env.emulator()
            .web_identity_token("pod", example::OIDC_AUDIENCE, Duration::from_secs(300));
    let v = env
        .run_with(
            &[
                "assume-role-with-web-identity",
                "--role-arn",
                example::ROLE_ARN,
                "--role-session-name",
                "pod",
                "--web-identity-token",
                &token,
            ],
            &[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")],
        )
        .await
        .json();
    assert_eq!(
        keys(&v),
        [
            "Credentials",
            "SubjectFromWebIdentityToken",
            "AssumedRoleUser",
            "Provider",
            "Audience"
        ]
    );

    let v = env
        .run(&[
            "assume-root",
            "--target-principal",
            example::ACCOUNT_ID,
            "--task-policy-arn",
            "arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
        ])
        .await
        .json();
    assert_eq!(keys(&v), ["Credentials"]);

    let encoded = env
        .emulator()
        .encode_authorization_message("{\"allowed\":false}");
    let v = env
        .run(&[
            "decode-authorization-message",
            "--encoded-message",
            &encoded,
        ])
        .await
        .json();
    assert_eq!(v["DecodedMessage"], "{\"allowed\":false}");

    let v = env
        .run(&[
            "get-access-key-info",
            "--access-key-id",
            example::ACCESS_KEY_ID,
        ])
        .await
        .json();
    assert_eq!(v["Account"], example::ACCOUNT_ID);

    let trade = env
        .emulator()
        .trade_in_token(example::ROLE_ARN, Duration::from_secs(60));
    let v = env
        .run(&["get-delegated-access-token", "--trade-in-token", &trade])
        .await
        .json();
    assert_eq!(keys(&v), ["Credentials", "AssumedPrincipal"]);

    let v = env
        .run(&[
            "get-federation-token",
            "--name",
            "bob",
            "--tags",
            "Key=a,Value=b",
        ])
        .await
        .json();
    assert_eq!(
        keys(&v),
        ["Credentials", "FederatedUser", "PackedPolicySize"]
    );
    assert_eq!(keys(&v["FederatedUser"]), ["FederatedUserId", "Arn"]);

    let v = env
        .run(&[
            "get-session-token",
            "--serial-number",
            example::MFA_SERIAL,
            "--token-code",
            example::MFA_CODE,
            "--duration-seconds",
            "900",
        ])
        .await
        .json();
    assert_eq!(keys(&v), ["Credentials"]);

    let v = env
        .run(&[
            "get-web-identity-token",
            "--audience",
            "https://api.example.com",
            "--signing-algorithm",
            "RS256",
        ])
        .await
        .json();
    assert_eq!(keys(&v), ["WebIdentityToken", "Expiration"]);

    let v = env
        .run(&["credential-process", "--role-arn", example::ROLE_ARN])
        .await
        .json();
    assert_eq!(
        keys(&v),
        [
            "Version",
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration"
        ]
    );
    assert_eq!(v["Version"], 1);
    assert!(v["Expiration"].as_str().unwrap().ends_with('Z'));

    let v = env
        .run(&["eks-token", "--cluster-name", "demo"])
        .await
        .json();
    assert_eq!(v["kind"], "ExecCredential");
    assert_eq!(v["apiVersion"], "client.authentication.k8s.io/v1beta1");
    let token = v["status"]["token"].as_str().unwrap();
    assert!(token.starts_with("k8s-aws-v1."));
    assert!(
        v["status"]["expirationTimestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    let _ = std::fs::remove_dir_all(&env.home);
}

#[tokio::test(flavor = "multi_thread")]
async fn text_and_env_outputs() {
    let env = Env::new().await;
    let r = env.run(&["get-caller-identity", "--output", "text"]).await;
    assert_eq!(r.code, 0);
    let fields: Vec<&str> = r.stdout.trim_end().split('\t').collect();
    assert_eq!(fields[0], example::ACCOUNT_ID);
    assert_eq!(fields[1], "arn:aws:iam::123456789012:user/alice");
    assert!(fields[2].starts_with("AIDA"));

    let r = env
        .run(&[
            "--output",
            "text",
            "assume-role",
            "--role-arn",
            example::ROLE_ARN,
            "--role-session-name",
            "txt",
        ])
        .await;
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "ASSUMEDROLEUSER\tarn:aws:sts::123456789012:assumed-role/example/txt\tAROA"
        ),
        "{}",
        r.stdout
    );
    assert!(lines[1].starts_with("CREDENTIALS\tASIA"), "{}", r.stdout);

    let r = env.run(&["get-session-token", "--output", "env"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split('=').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "export AWS_ACCESS_KEY_ID",
            "export AWS_SECRET_ACCESS_KEY",
            "export AWS_SESSION_TOKEN",
            "export AWS_CREDENTIAL_EXPIRATION"
        ]
    );

    let r = env.run(&["get-caller-identity", "--output", "env"]).await;
    assert_eq!(r.code, 252);
    assert!(
        r.stderr.contains("--output env prints credentials"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&env.home);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_flags_values_and_service_errors() {
    let env = Env::new().await;
    let r = env
        .run(&["assume-role", "--role-arn", example::ROLE_ARN])
        .await;
    assert_eq!(r.code, 252);
    assert!(r.stderr.contains("--role-session-name"), "{}", r.stderr);

    let r = env
        .run(&[
            "assume-role",
            "--role-arn",
            example::ROLE_ARN,
            "--role-session-name",
            "has space",
        ])
        .await;
    assert_eq!(r.code, 252);
    assert!(
        r.stderr.contains("Parameter validation failed") && r.stderr.contains("RoleSessionName"),
        "{}",
        r.stderr
    );

    let r = env
        .run(&[
            "assume-role",
            "--role-arn",
            example::ROLE_ARN,
            "--role-session-name",
            "ok",
            "--duration-seconds",
            "soon",
        ])
        .await;
    assert_eq!(r.code, 252);
    assert!(r.stderr.contains("--duration-seconds"), "{}", r.stderr);

    let r = env
        .run(&[
            "assume-role",
            "--role-arn",
            example::ROLE_ARN,
            "--role-session-name",
            "ok",
            "--tags",
            "team=pay",
        ])
        .await;
    assert_eq!(r.code, 252);
    assert!(
        r.stderr
            .contains("--tags: expected Key=k,Value=v, got \"team=pay\""),
        "{}",
        r.stderr
    );

    let r = env
        .run(&[
            "assume-role",
            "--role-arn",
            example::ROLE_ARN,
            "--role-session-name",
            "ok",
            "--policy",
            "file:///nonexistent/p.json",
        ])
        .await;
    assert_eq!(r.code, 252);
    assert!(
        r.stderr
            .contains("--policy: cannot read /nonexistent/p.json"),
        "{}",
        r.stderr
    );

    let r = env
        .run(&[
            "assume-role",
            "--role-arn",
            example::PARTNER_ROLE_ARN,
            "--role-session-name",
            "no-ext",
        ])
        .await;
    assert_eq!(r.code, 254);
    assert!(
        r.stderr.starts_with(
            "An error occurred (AccessDenied) when calling the AssumeRole operation: "
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("(request id "), "{}", r.stderr);

    let r = env
        .run_with(
            &["get-caller-identity"],
            &[("AWS_SECRET_ACCESS_KEY", "wrong-secret-value")],
        )
        .await;
    assert_eq!(r.code, 254);
    assert!(r.stderr.contains("SignatureDoesNotMatch"), "{}", r.stderr);
    assert!(!r.stderr.contains("wrong-secret-value") && !r.stdout.contains("wrong-secret-value"));

    let r = env.run(&["no-such-command"]).await;
    assert_eq!(r.code, 252);
    let r = env.run(&["get-caller-identity", "--output", "yaml"]).await;
    assert_eq!(r.code, 252);
    assert!(r.stderr.contains("yaml"), "{}", r.stderr);

    let r = env
        .run_with(&["--profile", "missing", "get-caller-identity"], &[])
        .await;
    assert_eq!(
        r.code, 253,
        "configuration errors exit 253 as the AWS CLI's"
    );
    assert!(r.stderr.contains("missing"), "{}", r.stderr);

    // --debug: the library's spans (operation, attempt, status, request id,
    // elapsed time), no secrets.
    let r = env.run(&["--debug", "get-caller-identity"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    for want in [
        "sts.operation{operation=\"GetCallerIdentity\" region=\"us-east-1\" host=\"127.0.0.1\"",
        "sts.attempt{attempt=1",
        "status=200",
        "request_id=",
        "elapsed_ms=",
    ] {
        assert!(r.stderr.contains(want), "{want}: {}", r.stderr);
    }
    assert!(
        !r.stderr.contains(example::SECRET_ACCESS_KEY) && !r.stderr.contains("Signature="),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&env.home);
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_and_region_flags() {
    let env = Env::new().await;
    std::fs::write(
        env.home.join(".aws/config"),
        format!(
            "[profile dev]\nrole_arn = {}\nsource_profile = keys\nrole_session_name = from-cli-profile\n\n[profile keys]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            example::ROLE_ARN,
            example::ACCESS_KEY_ID,
            example::SECRET_ACCESS_KEY
        ),
    )
    .unwrap();
    let v = env
        .run_with(
            &[
                "--profile",
                "dev",
                "--region",
                "eu-west-1",
                "get-caller-identity",
            ],
            &[
                ("AWS_ACCESS_KEY_ID", ""),
                ("AWS_SECRET_ACCESS_KEY", ""),
                ("AWS_REGION", ""),
            ],
        )
        .await
        .json();
    assert_eq!(
        v["Arn"],
        "arn:aws:sts::123456789012:assumed-role/example/from-cli-profile"
    );

    // --endpoint-url wins over AWS_ENDPOINT_URL_STS.
    let r = env
        .run_with(
            &[
                "--endpoint-url",
                "http://127.0.0.1:9",
                "get-caller-identity",
            ],
            &[],
        )
        .await;
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(
        r.stderr.contains("GetCallerIdentity failed"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_dir_all(&env.home);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_subcommand_serves_until_killed() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let config = std::env::temp_dir().join(format!("sts-cli-emu-{}.json", std::process::id()));
    std::fs::write(
        &config,
        r#"{"accounts": [{"id": "111122223333",
            "users": [{"name": "ci", "access_keys": [{"id": "AKIACIUSER0000000001", "secret": "ci-secret"}]}],
            "roles": [{"name": "deploy", "max_session_duration": 7200, "external_id": "x1"}]}]}"#,
    )
    .unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_sts"))
        .args([
            "emulator",
            "--port",
            "0",
            "--config",
            config.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut exports = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.starts_with("# Ctrl-C") {
            break;
        }
        if let Some(kv) = line.strip_prefix("export ") {
            let (k, v) = kv.split_once('=').unwrap();
            exports.push((k.to_owned(), v.to_owned()));
        }
    }
    let get = |k: &str| {
        exports
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(get("AWS_ACCESS_KEY_ID"), "AKIACIUSER0000000001");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_sts"))
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .envs(exports.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args([
            "assume-role",
            "--role-arn",
            "arn:aws:iam::111122223333:role/deploy",
            "--role-session-name",
            "ci",
            "--external-id",
            "x1",
            "--duration-seconds",
            "7200",
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["AssumedRoleUser"]["Arn"],
        "arn:aws:sts::111122223333:assumed-role/deploy/ci"
    );
    child.kill().await.unwrap();
    let _ = std::fs::remove_file(&config);

    // A bad configuration is refused with the path and the field.
    let bad = std::env::temp_dir().join(format!("sts-cli-emu-bad-{}.json", std::process::id()));
    std::fs::write(
        &bad,
        r#"{"accounts": [{"id": "1", "roles": [{"name": "r", "max_session_duration": 5}]}]}"#,
    )
    .unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_sts"))
        .args(["emulator", "--config", bad.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(252));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("accounts[0].roles[0].max_session_duration")
    );
    let _ = std::fs::remove_file(&bad);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_credentials_is_one_useful_line_and_253() {
    let env = Env::new().await;
    let none = [("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")];
    let r = env.run_with(&["get-caller-identity"], &none).await;
    assert_eq!(r.code, 253, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("Unable to locate credentials."),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--debug"), "{}", r.stderr);
    // --debug adds each provider's reason.
    let r = env
        .run_with(&["--debug", "get-caller-identity"], &none)
        .await;
    assert_eq!(r.code, 253);
    assert!(
        r.stderr.contains("AWS_ACCESS_KEY_ID is not set"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("AWS_WEB_IDENTITY_TOKEN_FILE is not set"),
        "{}",
        r.stderr
    );
    // A key id with a newline (a broken export) is a credentials error
    // naming the variable, not a panic.
    let r = env
        .run_with(
            &["get-caller-identity"],
            &[("AWS_ACCESS_KEY_ID", "AKID\nX")],
        )
        .await;
    assert_eq!(r.code, 253, "{}", r.stderr);
    assert!(r.stderr.contains("AWS_ACCESS_KEY_ID"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&env.home);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_is_one_line_and_255_without_its_message() {
    let env = Env::new().await;
    let r = env
        .run_with(
            &["get-caller-identity"],
            &[("STS_CLI_PANIC_FOR_TESTS", "1")],
        )
        .await;
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("sts: internal error at "),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("secret-abc123"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&env.home);
}

#[tokio::test(flavor = "multi_thread")]
async fn rust_log_selects_targets_and_bad_values_are_usage_errors() {
    let env = Env::new().await;
    let r = env
        .run_with(
            &["get-caller-identity"],
            &[("RUST_LOG", "sts_layers=debug")],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("sts.operation{"), "{}", r.stderr);
    let r = env
        .run_with(&["get-caller-identity"], &[("RUST_LOG", "sts_layers=loud")])
        .await;
    assert_eq!(r.code, 252, "{}", r.stderr);
    assert!(r.stderr.contains("RUST_LOG"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&env.home);
}

/// A server that accepts connections and never answers: the command ends by
/// itself, with the default timeouts, well within two minutes.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_server_ends_in_a_timeout_error_by_default() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepting = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let env = Env::new().await;
    let started = std::time::Instant::now();
    let r = tokio::time::timeout(
        Duration::from_secs(120),
        env.run_with(
            &["get-caller-identity"],
            &[("AWS_ENDPOINT_URL_STS", &format!("http://{addr}"))],
        ),
    )
    .await
    .expect("sts still running after 120 s against a silent server");
    let took = started.elapsed();
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(
        r.stderr.contains("timed out") || r.stderr.contains("took more than"),
        "{}",
        r.stderr
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
    accepting.abort();
    let _ = std::fs::remove_dir_all(&env.home);
}

/// The secrets suite, for the command: under `--debug` and `RUST_LOG=trace`,
/// standard error never holds a secret key, a session token, a web identity
/// token, a SAML assertion, an MFA code or a signature (standard output holds
/// the credentials the user asked for, and nothing else is checked there).
#[tokio::test(flavor = "multi_thread")]
async fn debug_and_trace_output_never_hold_a_secret() {
    let env = Env::new().await;
    let mut secrets = vec![example::SECRET_ACCESS_KEY.to_owned()];
    let mut stderr = String::new();
    for logging in [&[("RUST_LOG", "trace")][..], &[("STS_LOG", "")][..]] {
        let debug = logging[0].1.is_empty();
        fn run<'a>(debug: bool, args: &[&'a str]) -> Vec<&'a str> {
            let mut all = args.to_vec();
            if debug {
                all.push("--debug");
            }
            all
        }

        let r = env
            .run_with(
                &run(
                    debug,
                    &[
                        "assume-role",
                        "--role-arn",
                        example::ROLE_ARN,
                        "--role-session-name",
                        "secrets",
                    ],
                ),
                logging,
            )
            .await;
        let v = r.json();
        secrets.push(
            v["Credentials"]["SecretAccessKey"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        secrets.push(
            v["Credentials"]["SessionToken"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        stderr.push_str(&r.stderr);

        let r = env
            .run_with(
                &run(
                    debug,
                    &[
                        "get-session-token",
                        "--serial-number",
                        example::MFA_SERIAL,
                        "--token-code",
                        example::MFA_CODE,
                    ],
                ),
                logging,
            )
            .await;
        let v = r.json();
        secrets.push(
            v["Credentials"]["SessionToken"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        stderr.push_str(&r.stderr);

        let token = env.emulator().web_identity_token(
            "pod",
            example::OIDC_AUDIENCE,
            Duration::from_secs(300),
        );
        secrets.push(token.clone());
        let mut vars = logging.to_vec();
        vars.extend([("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")]);
        let r = env
            .run_with(
                &run(
                    debug,
                    &[
                        "assume-role-with-web-identity",
                        "--role-arn",
                        example::ROLE_ARN,
                        "--role-session-name",
                        "pod",
                        "--web-identity-token",
                        &token,
                    ],
                ),
                &vars,
            )
            .await;
        secrets.push(
            r.json()["Credentials"]["SessionToken"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        stderr.push_str(&r.stderr);

        let assertion = env.emulator().saml_assertion(
            example::SAML_ISSUER,
            "carol",
            example::ROLE_ARN,
            example::SAML_PROVIDER_ARN,
            Duration::from_secs(300),
        );
        secrets.push(assertion.clone());
        let r = env
            .run_with(
                &run(
                    debug,
                    &[
                        "assume-role-with-saml",
                        "--role-arn",
                        example::ROLE_ARN,
                        "--principal-arn",
                        example::SAML_PROVIDER_ARN,
                        "--saml-assertion",
                        &assertion,
                    ],
                ),
                &vars,
            )
            .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        stderr.push_str(&r.stderr);

        // A wrong secret: the error path logs too.
        let mut wrong = logging.to_vec();
        wrong.push(("AWS_SECRET_ACCESS_KEY", "the-wrong-secret-value"));
        let r = env
            .run_with(&run(debug, &["get-caller-identity"]), &wrong)
            .await;
        assert_eq!(r.code, 254);
        stderr.push_str(&r.stderr);
        secrets.push("the-wrong-secret-value".to_owned());

        let r = env
            .run_with(&run(debug, &["eks-token", "--cluster-name", "c"]), logging)
            .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        stderr.push_str(&r.stderr);
    }
    assert!(
        stderr.contains("sts.attempt"),
        "the logs were captured: {stderr}"
    );
    for secret in &secrets {
        assert!(
            !stderr.contains(secret.as_str()),
            "a secret is in stderr:\n{stderr}"
        );
    }
    for marker in [
        "Signature=",
        "X-Amz-Signature",
        "TokenCode=123456",
        "x-amz-security-token:",
    ] {
        assert!(!stderr.contains(marker), "{marker} is in stderr:\n{stderr}");
    }
    let _ = std::fs::remove_dir_all(&env.home);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_http_endpoint_off_loopback_is_warned_about() {
    let env = Env::new().await;
    let r = env
        .run_with(
            &[
                "get-caller-identity",
                "--endpoint-url",
                "http://sts.invalid",
            ],
            &[("AWS_MAX_ATTEMPTS", "1")],
        )
        .await;
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert_eq!(r.stderr.matches("plain http://").count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains(" WARN "), "{}", r.stderr);
    // Loopback is not warned about.
    let r = env.run(&["get-caller-identity"]).await;
    assert_eq!(r.code, 0);
    assert!(!r.stderr.contains("plain http://"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&env.home);
}
