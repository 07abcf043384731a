//! The client's resolved configuration, and the application id the AWS SDKs
//! put in the user agent (`AWS_SDK_UA_APP_ID`, `sdk_ua_app_id`).
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use sts_client::shared_config::ProfileFiles;
use sts_client::{ErrorKind, HttpService, StsClient, StsClientBuilder};
use sts_emulator::{Emulator, example};
use tower::ServiceExt;

/// The user agents the transport saw.
fn recorder(
    seen: Arc<Mutex<Vec<String>>>,
) -> impl tower::Layer<HttpService, Service = HttpService> + Clone {
    tower::layer::layer_fn(move |inner: HttpService| {
        let seen = seen.clone();
        HttpService::new(tower::service_fn(move |req: http::Request<Bytes>| {
            let ua = req.headers()["user-agent"].to_str().unwrap().to_owned();
            seen.lock().unwrap().push(ua);
            inner.clone().oneshot(req)
        }))
    })
}

async fn user_agent_sent(builder: StsClientBuilder) -> (String, String) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = builder
        .transport(Emulator::new())
        .layer_after_signing(recorder(seen.clone()))
        .build()
        .unwrap();
    client.get_caller_identity().await.unwrap();
    let sent = seen.lock().unwrap()[0].clone();
    (sent, client.config().user_agent().to_owned())
}

fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[tokio::test]
async fn the_app_id_comes_from_the_environment_or_the_profile() {
    let files = ProfileFiles::parse(
        "[default]\nsdk_ua_app_id = from-profile\n",
        "config",
        "",
        "credentials",
    )
    .unwrap();
    let keys = &[
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", example::ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", example::SECRET_ACCESS_KEY),
    ];
    let builder = StsClientBuilder::from_settings(&env(keys), &files).unwrap();
    let (sent, view) = user_agent_sent(builder).await;
    assert!(sent.ends_with(" app/from-profile"), "{sent}");
    assert_eq!(sent, view);

    let with_var = &[
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", example::ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", example::SECRET_ACCESS_KEY),
        ("AWS_SDK_UA_APP_ID", "from-env"),
    ];
    let builder = StsClientBuilder::from_settings(&env(with_var), &files).unwrap();
    let (sent, _) = user_agent_sent(builder).await;
    assert!(sent.ends_with(" app/from-env"), "the variable wins: {sent}");
}

#[test]
fn a_bad_app_id_is_refused_at_build() {
    for bad in ["has space", "", &"x".repeat(51)] {
        let err = StsClient::builder()
            .region("us-east-1")
            .app_id(bad)
            .transport(Emulator::new())
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Construction, "{bad:?}");
        assert!(format!("{err:#}").contains("app id"), "{err:#}");
    }
}

#[test]
fn the_view_shows_what_the_client_was_built_with() {
    let client = StsClient::builder()
        .region("us-west-2")
        .use_global_endpoint(true)
        .operation_timeout(None)
        .body_limit(1024)
        .user_agent_suffix("tool/1")
        .transport(Emulator::new())
        .build()
        .unwrap();
    let config = client.config();
    assert_eq!(config.region(), "us-west-2");
    assert_eq!(config.endpoint().to_string(), "https://sts.amazonaws.com/");
    assert_eq!(config.signing_region(), "us-east-1");
    assert_eq!(config.operation_timeout(), None);
    assert_eq!(config.attempt_timeout(), Some(Duration::from_secs(20)));
    assert_eq!(config.body_limit(), 1024);
    assert!(config.user_agent().ends_with(" tool/1"));
    assert!(!config.has_credentials());
}

#[test]
fn a_broken_profile_can_fail_the_build_instead_of_the_first_call() {
    let config = format!(
        "[profile no-source]\nrole_arn = {role}\n\
         [profile bad-duration]\nrole_arn = {role}\nsource_profile = base\nduration_seconds = soon\n\
         [profile good]\nrole_arn = {role}\nsource_profile = base\n\
         [profile base]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n",
        role = example::ROLE_ARN,
        key = example::ACCESS_KEY_ID,
        secret = example::SECRET_ACCESS_KEY,
    );
    let files = ProfileFiles::parse(&config, "config", "", "credentials").unwrap();
    for (profile, says) in [
        ("no-source", "source_profile"),
        ("bad-duration", "duration_seconds"),
    ] {
        let env = move |name: &str| match name {
            "AWS_PROFILE" => Some(profile.to_owned()),
            "AWS_REGION" => Some("us-east-1".to_owned()),
            _ => None,
        };
        // Off (the default): the build succeeds; the first call would fail.
        let lazy = StsClientBuilder::from_settings(&env, &files).unwrap();
        assert!(lazy.transport(Emulator::new()).build().is_ok(), "{profile}");
        // On: the build says what is wrong.
        let err = StsClientBuilder::from_settings(&env, &files)
            .unwrap()
            .check_credentials_at_build(true)
            .transport(Emulator::new())
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Credentials, "{profile}");
        assert!(format!("{err:#}").contains(says), "{profile}: {err:#}");
    }
    let env = |name: &str| match name {
        "AWS_PROFILE" => Some("good".to_owned()),
        "AWS_REGION" => Some("us-east-1".to_owned()),
        _ => None,
    };
    assert!(
        StsClientBuilder::from_settings(&env, &files)
            .unwrap()
            .check_credentials_at_build(true)
            .transport(Emulator::new())
            .build()
            .is_ok()
    );
}
