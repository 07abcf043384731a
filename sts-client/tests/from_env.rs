//! `StsClientBuilder::from_env_with`: every variable and profile key the
//! README lists, read from a controlled environment and temporary files.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use sts_client::{ErrorKind, StsClientBuilder};
use sts_layers::BoxError;

/// A directory of its own under the system's temp directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "sts-client-{name}-{}-{}",
            std::process::id(),
            unique_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[derive(Debug, Clone)]
struct Seen {
    uri: String,
    authorization: String,
    sdk_request: String,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// Answers GetCallerIdentity; records what it was sent.
fn recorder(
    log: Log,
) -> impl tower::Service<
    http::Request<Full<Bytes>>,
    Response = http::Response<Full<Bytes>>,
    Error = BoxError,
    Future: Send,
> + Clone
+ Send
+ Sync
+ 'static {
    tower::service_fn(move |req: http::Request<Full<Bytes>>| {
        let header = |name: &str| {
            req.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        log.lock().unwrap().push(Seen {
            uri: req.uri().to_string(),
            authorization: header("authorization"),
            sdk_request: header("amz-sdk-request"),
        });
        async {
            let xml = "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account>\
                       </GetCallerIdentityResult></GetCallerIdentityResponse>";
            Ok::<_, BoxError>(http::Response::new(Full::new(Bytes::from(xml))))
        }
    })
}

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |k| map.get(k).cloned()
}

/// Builds a client from `vars`, makes one GetCallerIdentity call and returns
/// what went on the wire.
async fn one_call(vars: &[(&str, &str)]) -> Seen {
    let log: Log = Arc::default();
    let client = StsClientBuilder::from_env_with(env(vars))
        .await
        .unwrap_or_else(|e| panic!("{vars:?}: {e:#}"))
        .transport(recorder(log.clone()))
        .build()
        .unwrap_or_else(|e| panic!("{vars:?}: {e:#}"));
    client
        .get_caller_identity()
        .await
        .unwrap_or_else(|e| panic!("{vars:?}: {e:#}"));
    log.lock().unwrap()[0].clone()
}

async fn from_env_error(vars: &[(&str, &str)]) -> sts_client::Error {
    match StsClientBuilder::from_env_with(env(vars)).await {
        Ok(builder) => builder
            .transport(recorder(Log::default()))
            .build()
            .expect_err("expected an error"),
        Err(e) => e,
    }
}

const KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "AKIDENV"),
    ("AWS_SECRET_ACCESS_KEY", "ENVSECRET"),
];

fn with_keys<'a>(vars: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = KEYS.to_vec();
    all.extend_from_slice(vars);
    all
}

#[tokio::test]
async fn environment_variables() {
    let seen = one_call(&with_keys(&[
        ("AWS_DEFAULT_REGION", "us-west-2"),
        ("AWS_USE_FIPS_ENDPOINT", "true"),
        ("AWS_MAX_ATTEMPTS", "2"),
    ]))
    .await;
    assert_eq!(seen.uri, "https://sts-fips.us-west-2.amazonaws.com/");
    assert_eq!(seen.sdk_request, "attempt=1; max=2");
    assert!(seen.authorization.contains("Credential=AKIDENV/"));

    let seen = one_call(&with_keys(&[
        ("AWS_REGION", "eu-west-3"),
        ("AWS_DEFAULT_REGION", "us-west-2"),
        ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
        ("AWS_RETRY_MODE", "standard"),
    ]))
    .await;
    assert_eq!(seen.uri, "https://sts.eu-west-3.api.aws/");
    assert!(seen.authorization.contains("/eu-west-3/sts/aws4_request"));

    let seen = one_call(&with_keys(&[
        ("AWS_REGION", "us-east-1"),
        ("AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
    ]))
    .await;
    assert_eq!(seen.uri, "https://sts.amazonaws.com/");

    // The STS variable wins over the global one; ignoring drops both.
    let seen = one_call(&with_keys(&[
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1/sts"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"),
    ]))
    .await;
    assert_eq!(seen.uri, "http://127.0.0.1:1/sts");
    let seen = one_call(&with_keys(&[
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"),
    ]))
    .await;
    assert_eq!(seen.uri, "http://127.0.0.1:2/");
    let seen = one_call(&with_keys(&[
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
    ]))
    .await;
    assert_eq!(seen.uri, "https://sts.eu-west-1.amazonaws.com/");

    let seen = one_call(&with_keys(&[
        ("AWS_REGION", "eu-west-1"),
        ("AWS_SESSION_TOKEN", "SESSIONTOKEN"),
    ]))
    .await;
    assert!(seen.authorization.contains("x-amz-security-token"));
}

#[tokio::test]
async fn bad_environment_values_name_the_variable() {
    for (vars, kind, says) in [
        (
            vec![("AWS_REGION", "eu-west-1"), ("AWS_MAX_ATTEMPTS", "many")],
            ErrorKind::Construction,
            "AWS_MAX_ATTEMPTS must be a whole number of at least 1, got \"many\"",
        ),
        (
            vec![("AWS_REGION", "eu-west-1"), ("AWS_RETRY_MODE", "adaptive")],
            ErrorKind::Construction,
            "AWS_RETRY_MODE must be standard or legacy",
        ),
        (
            vec![
                ("AWS_REGION", "eu-west-1"),
                ("AWS_USE_FIPS_ENDPOINT", "yes"),
            ],
            ErrorKind::Construction,
            "AWS_USE_FIPS_ENDPOINT must be true or false, got \"yes\"",
        ),
        (
            vec![("AWS_REGION", "eu-west-1"), ("AWS_ACCESS_KEY_ID", "AKID")],
            ErrorKind::Credentials,
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
        ),
        (
            vec![
                ("AWS_REGION", "eu-west-1"),
                ("AWS_SECRET_ACCESS_KEY", "S3CR3T"),
            ],
            ErrorKind::Credentials,
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
        ),
        (
            vec![],
            ErrorKind::Construction,
            "no region: set AWS_REGION, a profile's region, or StsClientBuilder::region",
        ),
    ] {
        let err = from_env_error(&vars).await;
        let text = format!("{err:#}");
        assert_eq!(err.kind(), kind, "{vars:?}: {text}");
        assert!(text.contains(says), "{vars:?}: {text}");
        assert!(!text.contains("S3CR3T"), "{text}");
    }
}

const CONFIG: &str = "\
# a comment
[default]
region = eu-north-1

[profile dev]
region = ap-southeast-2 ; the region
max_attempts = 5
retry_mode = standard
use_fips_endpoint = true

[profile dual]
region = sa-east-1
use_dualstack_endpoint = true

[profile legacy]
region = us-east-1
sts_regional_endpoints = legacy

[profile local]
region = eu-west-1
endpoint_url = http://127.0.0.1:3
services = local-sts

[profile local-global]
region = eu-west-1
endpoint_url = http://127.0.0.1:3

[profile ignoring]
region = eu-west-1
services = local-sts
ignore_configured_endpoint_urls = true

[profile bad]
region = eu-west-1
max_attempts = zero

[profile keys]
region = eu-west-1
aws_access_key_id = AKIDCONFIG
aws_secret_access_key = CONFIGSECRET

[services local-sts]
s3 =
  endpoint_url = http://127.0.0.1:5
sts =
  endpoint_url = http://127.0.0.1:4
";

const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIDFILE
aws_secret_access_key = FILESECRET

[keys]
aws_access_key_id = AKIDCREDS
aws_secret_access_key = CREDSSECRET
aws_session_token = CREDSTOKEN

[half]
aws_access_key_id = AKIDHALF
";

#[tokio::test]
async fn profile_keys() {
    let dir = TempDir::new("profiles");
    let config = dir.write("config", CONFIG);
    let credentials = dir.write("credentials", CREDENTIALS);
    let files = [
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.as_str()),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut vars: Vec<(&str, &str)> = files.to_vec();
        vars.extend_from_slice(extra);
        vars
    };

    // The default profile: region from config, keys from credentials.
    let seen = one_call(&with(&[])).await;
    assert_eq!(seen.uri, "https://sts.eu-north-1.amazonaws.com/");
    assert!(
        seen.authorization.contains("Credential=AKIDFILE/"),
        "{seen:?}"
    );

    let seen = one_call(&with(&[("AWS_PROFILE", "dev"), KEYS[0], KEYS[1]])).await;
    assert_eq!(seen.uri, "https://sts-fips.ap-southeast-2.amazonaws.com/");
    assert_eq!(seen.sdk_request, "attempt=1; max=5");
    assert!(
        seen.authorization
            .contains("/ap-southeast-2/sts/aws4_request")
    );

    let seen = one_call(&with(&[("AWS_PROFILE", "dual"), KEYS[0], KEYS[1]])).await;
    assert_eq!(seen.uri, "https://sts.sa-east-1.api.aws/");

    let seen = one_call(&with(&[("AWS_PROFILE", "legacy"), KEYS[0], KEYS[1]])).await;
    assert_eq!(seen.uri, "https://sts.amazonaws.com/");

    // services section beats the profile's endpoint_url; env beats both.
    let seen = one_call(&with(&[("AWS_PROFILE", "local"), KEYS[0], KEYS[1]])).await;
    assert_eq!(seen.uri, "http://127.0.0.1:4/");
    let seen = one_call(&with(&[("AWS_PROFILE", "local-global"), KEYS[0], KEYS[1]])).await;
    assert_eq!(seen.uri, "http://127.0.0.1:3/");
    let seen = one_call(&with(&[
        ("AWS_PROFILE", "local"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:6"),
        KEYS[0],
        KEYS[1],
    ]))
    .await;
    assert_eq!(seen.uri, "http://127.0.0.1:6/");
    let seen = one_call(&with(&[("AWS_PROFILE", "ignoring"), KEYS[0], KEYS[1]])).await;
    assert_eq!(seen.uri, "https://sts.eu-west-1.amazonaws.com/");

    // Environment variables win over profile keys.
    let seen = one_call(&with(&[
        ("AWS_PROFILE", "dev"),
        ("AWS_REGION", "ca-central-1"),
        ("AWS_MAX_ATTEMPTS", "1"),
        ("AWS_USE_FIPS_ENDPOINT", "false"),
        KEYS[0],
        KEYS[1],
    ]))
    .await;
    assert_eq!(seen.uri, "https://sts.ca-central-1.amazonaws.com/");
    assert_eq!(seen.sdk_request, "attempt=1; max=1");
    assert!(seen.authorization.contains("Credential=AKIDENV/"));

    // The credentials file wins over the config file, key by key.
    let seen = one_call(&with(&[("AWS_PROFILE", "keys")])).await;
    assert!(
        seen.authorization.contains("Credential=AKIDCREDS/"),
        "{seen:?}"
    );
    assert!(seen.authorization.contains("x-amz-security-token"));
}

#[tokio::test]
async fn profile_errors_name_the_profile_key_and_file() {
    let dir = TempDir::new("profile-errors");
    let config = dir.write("config", CONFIG);
    let credentials = dir.write("credentials", CREDENTIALS);
    let files = [
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.as_str()),
    ];
    let with = |extra: (&'static str, &'static str)| {
        let mut vars: Vec<(&str, &str)> = files.to_vec();
        vars.push(extra);
        vars
    };

    let err = from_env_error(&with(("AWS_PROFILE", "bad"))).await;
    let text = format!("{err:#}");
    assert_eq!(err.kind(), ErrorKind::Construction);
    assert!(
        text.contains(&format!(
            "max_attempts (profile bad in {config} and {credentials}) must be a whole number"
        )),
        "{text}"
    );

    let err = from_env_error(&with(("AWS_PROFILE", "nope"))).await;
    let text = format!("{err:#}");
    assert!(
        text.contains("AWS_PROFILE names profile \"nope\", which is not in"),
        "{text}"
    );
    assert!(text.contains(&config), "{text}");

    let err = from_env_error(&with(("AWS_PROFILE", "half"))).await;
    let text = format!("{err:#}");
    assert_eq!(err.kind(), ErrorKind::Credentials);
    assert!(
        text.contains("profile half in")
            && text.contains("has aws_access_key_id but not aws_secret_access_key"),
        "{text}"
    );

    let broken = dir.write("broken", "[default]\nregion\n");
    let err = from_env_error(&[("AWS_CONFIG_FILE", broken.as_str())]).await;
    assert_eq!(
        format!("{err:#}"),
        format!("failed to construct request: {broken}, line 2: expected 'name = value'")
    );

    // A directory where a file should be cannot be read: a clear error.
    let dir_path = dir.0.display().to_string();
    let err = from_env_error(&[("AWS_CONFIG_FILE", dir_path.as_str())]).await;
    assert!(
        format!("{err:#}").contains(&format!("could not read {dir_path}")),
        "{err:#}"
    );
}

#[tokio::test]
async fn default_paths_are_under_home_and_missing_files_are_empty() {
    let dir = TempDir::new("home");
    dir.write(".aws/config", "[default]\nregion = me-south-1\n");
    dir.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = HOMESECRET\n",
    );
    let home = dir.0.display().to_string();
    let seen = one_call(&[("HOME", home.as_str())]).await;
    assert_eq!(seen.uri, "https://sts.me-south-1.amazonaws.com/");
    assert!(seen.authorization.contains("Credential=AKIDHOME/"));

    // AWS_CONFIG_FILE with `~/`.
    dir.write("elsewhere/cfg", "[default]\nregion = af-south-1\n");
    let seen = one_call(&[
        ("HOME", home.as_str()),
        ("AWS_CONFIG_FILE", "~/elsewhere/cfg"),
    ])
    .await;
    assert_eq!(seen.uri, "https://sts.af-south-1.amazonaws.com/");

    // No files at all: environment only.
    let empty = TempDir::new("empty-home");
    let empty_home = empty.0.display().to_string();
    let seen = one_call(&with_keys(&[
        ("HOME", empty_home.as_str()),
        ("AWS_REGION", "eu-west-2"),
    ]))
    .await;
    assert_eq!(seen.uri, "https://sts.eu-west-2.amazonaws.com/");
}
