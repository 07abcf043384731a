//! No secret key, session token, SAML assertion, web identity token or
//! signature appears in the logs at TRACE level or in the Debug (and Display)
//! output of the public types that hold them: a whole session of calls is
//! run with a capturing subscriber, and every value is checked.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use sts_client::StsClient;
use sts_client::credentials::*;
use sts_client::presign::PresignConfig;
use sts_client::shared_config::ProfileFiles;
use sts_core::model::*;
use sts_emulator::{Emulator, example};
use tower::ServiceExt;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_in_logs_debug_or_display() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = Emulator::new();
    let signatures: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = signatures.clone();
    let settings = StsClient::builder()
        .region("us-east-1")
        .transport(emulator.clone())
        .layer_after_signing(tower::layer::layer_fn(
            move |inner: sts_client::HttpService| {
                let seen = seen.clone();
                sts_client::HttpService::new(tower::service_fn(
                    move |req: http::Request<bytes::Bytes>| {
                        if let Some(auth) = req
                            .headers()
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            && let Some(sig) = auth.split("Signature=").nth(1)
                        {
                            seen.lock().unwrap().push(sig.to_owned());
                        }
                        inner.clone().oneshot(req)
                    },
                ))
            },
        ));
    let mut shown: Vec<String> = Vec::new();
    let mut secrets: Vec<String> = vec![example::SECRET_ACCESS_KEY.to_owned()];

    let alice = settings
        .clone()
        .credentials(example::credentials())
        .build()
        .unwrap();
    shown.push(format!(
        "{alice:?} {settings:?} {:?}",
        example::credentials()
    ));

    let out = alice
        .assume_role(
            AssumeRoleInput::builder()
                .role_arn(example::ROLE_ARN)
                .role_session_name("secrets")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let creds = out.credentials.clone().unwrap();
    secrets.push(creds.secret_access_key().to_owned());
    secrets.push(creds.session_token().unwrap().to_owned());
    shown.push(format!("{out:?}"));

    let role = settings.clone().credentials(creds.clone()).build().unwrap();
    shown.push(format!("{:?}", role.get_caller_identity().await.unwrap()));

    let token =
        emulator.web_identity_token("pod", example::OIDC_AUDIENCE, Duration::from_secs(300));
    let assertion = emulator.saml_assertion(
        example::SAML_ISSUER,
        "carol",
        example::ROLE_ARN,
        example::SAML_PROVIDER_ARN,
        Duration::from_secs(300),
    );
    secrets.push(token.clone());
    secrets.push(assertion.clone());
    let web_input = AssumeRoleWithWebIdentityInput::builder()
        .role_arn(example::ROLE_ARN)
        .role_session_name("pod")
        .web_identity_token(&token)
        .build()
        .unwrap();
    shown.push(format!("{web_input:?}"));
    let web = alice
        .assume_role_with_web_identity(web_input)
        .await
        .unwrap();
    secrets.push(
        web.credentials
            .as_ref()
            .unwrap()
            .secret_access_key()
            .to_owned(),
    );
    shown.push(format!("{web:?}"));
    let saml_input = AssumeRoleWithSAMLInput::builder()
        .role_arn(example::ROLE_ARN)
        .principal_arn(example::SAML_PROVIDER_ARN)
        .saml_assertion(&assertion)
        .build()
        .unwrap();
    shown.push(format!("{saml_input:?}"));
    shown.push(format!(
        "{:?}",
        alice.assume_role_with_saml(saml_input).await.unwrap()
    ));

    // A bad token and a bad assertion: the errors must not echo them.
    let bad_token = format!("{token}x");
    secrets.push(bad_token.clone());
    let err = alice
        .assume_role_with_web_identity(
            AssumeRoleWithWebIdentityInput::builder()
                .role_arn(example::ROLE_ARN)
                .role_session_name("pod")
                .web_identity_token(&bad_token[..20])
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    shown.push(format!("{err:?} {err} {err:#}"));
    // Validation errors of sensitive members show a length only.
    let too_long = "t".repeat(30_000);
    let err = AssumeRoleWithWebIdentityInput::builder()
        .role_arn(example::ROLE_ARN)
        .role_session_name("pod")
        .web_identity_token(&too_long)
        .build()
        .unwrap_err();
    shown.push(format!("{err:?} {err}"));
    assert!(!format!("{err}").contains("tttttttttt"), "{err}");

    let wrong = settings
        .clone()
        .credentials(Credentials::new(
            example::ACCESS_KEY_ID,
            "the-wrong-secret-value",
            None,
            None,
            "t",
        ))
        .build()
        .unwrap();
    secrets.push("the-wrong-secret-value".to_owned());
    let err = wrong.get_caller_identity().await.unwrap_err();
    shown.push(format!("{err:?} {err} {err:#}"));

    // Presigned URLs and EKS tokens: their Debug hides the signature.
    let presigned = alice
        .presign::<GetCallerIdentity>(
            &GetCallerIdentityInput::builder().build().unwrap(),
            &PresignConfig::new(Duration::from_secs(60)).unwrap(),
        )
        .await
        .unwrap();
    let url_sig = presigned
        .uri()
        .query()
        .unwrap()
        .split("X-Amz-Signature=")
        .nth(1)
        .unwrap()
        .to_owned();
    secrets.push(url_sig);
    shown.push(format!("{presigned:?}"));
    let eks = alice.eks_token("demo").await.unwrap();
    secrets.push(eks.token().to_owned());
    shown.push(format!("{eks:?}"));

    // Providers, caches, profile files, the emulator and its record.
    let provider = AssumeRoleProvider::builder(example::ROLE_ARN)
        .client(settings.clone())
        .mfa(
            example::MFA_SERIAL,
            mfa_token_source(|_| async { Ok(example::MFA_CODE.to_owned()) }),
        )
        .build(creds.clone())
        .unwrap();
    let cache = CredentialsCache::new(provider.clone());
    let _ = cache.provide_credentials().await;
    shown.push(format!("{provider:?} {cache:?}"));
    let files = ProfileFiles::parse(
        &format!("[default]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n", example::ACCESS_KEY_ID, example::SECRET_ACCESS_KEY, creds.session_token().unwrap()),
        "config",
        "",
        "credentials",
    )
    .unwrap();
    shown.push(format!("{files:?}"));
    let profile = ProfileProvider::builder()
        .env(|_| None)
        .client(settings.clone())
        .build(&files)
        .unwrap();
    shown.push(format!(
        "{profile:?} {:?}",
        profile.provide_credentials().await.unwrap()
    ));
    shown.push(format!(
        "{:?} {:?}",
        EnvironmentProvider::new(),
        DefaultCredentialsChain::builder()
    ));
    shown.push(format!(
        "{emulator:?} {:?} {:?}",
        example::account(),
        emulator.calls()
    ));

    let signatures = signatures.lock().unwrap().clone();
    assert!(
        signatures.len() >= 4,
        "{} signatures seen",
        signatures.len()
    );
    secrets.extend(signatures);

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("sts.operation") || logs.contains("sts.attempt"),
        "no spans were logged: {logs}"
    );
    for secret in &secrets {
        assert!(secret.len() >= 16, "{secret}");
        assert!(
            !logs.contains(secret.as_str()),
            "a secret appears in the TRACE logs: {}...",
            &secret[..8]
        );
        for text in &shown {
            assert!(
                !text.contains(secret.as_str()),
                "a secret appears in Debug/Display: {}... in {}",
                &secret[..8],
                &text[..text.len().min(200)]
            );
        }
    }
}
