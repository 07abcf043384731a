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
