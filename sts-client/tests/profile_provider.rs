//! ProfileProvider against the emulator: static keys, role chains, cycles,
//! credential_source, credential_process, web identity, MFA, and errors that
//! name the profile, the key and the file.
#![allow(clippy::unwrap_used)]

use std::error::Error as _;

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use sts_client::StsClient;
use sts_client::credentials::{ProfileProvider, mfa_token_source};
use sts_client::shared_config::ProfileFiles;
use sts_emulator::{Emulator, example};

const CONFIG: &str = r#"
[profile base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[profile partner]
role_arn = arn:aws:iam::123456789012:role/partner
source_profile = base
external_id = partner-7f3a
role_session_name = from-profile
duration_seconds = 7200

[profile chained]
role_arn = arn:aws:iam::123456789012:role/example
source_profile = partner
role_session_name = second-hop
region = eu-west-1

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/mfa-required
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/example
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/example
source_profile = loop-a

[profile from-env]
role_arn = arn:aws:iam::123456789012:role/example
credential_source = Environment

[profile own-keys]
role_arn = arn:aws:iam::123456789012:role/example
source_profile = own-keys
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[profile process]
credential_process = printf '%s' '{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}'

[profile role-from-process]
role_arn = arn:aws:iam::123456789012:role/example
source_profile = process

[profile process-fails]
credential_process = sh -c 'echo token service unreachable >&2; exit 3'

[profile bad-duration]
role_arn = arn:aws:iam::123456789012:role/example
source_profile = base
duration_seconds = an hour

[profile imds]
role_arn = arn:aws:iam::123456789012:role/example
credential_source = Ec2InstanceMetadata

[profile sso]
sso_session = corp

[profile half]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE

[profile empty]
region = us-west-2
"#;

fn files() -> ProfileFiles {
    ProfileFiles::parse(
        CONFIG,
        "/home/u/.aws/config",
        "",
        "/home/u/.aws/credentials",
    )
    .unwrap()
}

fn builder(emulator: &Emulator) -> sts_client::credentials::ProfileProviderBuilder {
    ProfileProvider::builder()
        .env(|n| match n {
            "AWS_ACCESS_KEY_ID" => Some(example::ACCESS_KEY_ID.to_owned()),
            "AWS_SECRET_ACCESS_KEY" => Some(example::SECRET_ACCESS_KEY.to_owned()),
            _ => None,
        })
        .client(StsClient::builder().transport(emulator.clone()))
}

async fn whoami(emulator: &Emulator, provider: ProfileProvider) -> String {
    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(provider)
        .transport(emulator.clone())
        .build()
        .unwrap();
    client.get_caller_identity().await.unwrap().arn.unwrap()
}

fn error_text(e: &CredentialsError) -> String {
    let mut out = e.to_string();
    let mut s = e.source();
    while let Some(x) = s {
        out.push_str(": ");
        out.push_str(&x.to_string());
        s = x.source();
    }
    out
}

#[tokio::test]
async fn role_chains_of_any_depth() {
    let emulator = Emulator::new();
    let p = builder(&emulator)
        .profile("chained")
        .build(&files())
        .unwrap();
    assert_eq!(p.chain(), ["chained", "partner", "base"]);
    assert_eq!(
        whoami(&emulator, p).await,
        "arn:aws:sts::123456789012:assumed-role/example/second-hop"
    );
    let calls = emulator.calls();
    let first = &calls[0];
    assert_eq!(first.param("RoleArn"), Some(example::PARTNER_ROLE_ARN));
    assert_eq!(first.param("ExternalId"), Some(example::EXTERNAL_ID));
    assert_eq!(first.param("DurationSeconds"), Some("7200"));
    assert_eq!(first.param("RoleSessionName"), Some("from-profile"));
    assert_eq!(first.access_key_id.as_deref(), Some(example::ACCESS_KEY_ID));
    assert_eq!(
        calls[1].caller_arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/partner/from-profile")
    );

    let p = builder(&emulator).profile("base").build(&files()).unwrap();
    assert_eq!(
        whoami(&emulator, p).await,
        "arn:aws:iam::123456789012:user/alice"
    );
    let p = builder(&emulator)
        .profile("from-env")
        .build(&files())
        .unwrap();
    assert!(
        whoami(&emulator, p)
            .await
            .starts_with("arn:aws:sts::123456789012:assumed-role/example/sts-tower-")
    );
    let p = builder(&emulator)
        .profile("own-keys")
        .build(&files())
        .unwrap();
    assert_eq!(p.chain(), ["own-keys"]);
    assert!(whoami(&emulator, p).await.contains("assumed-role/example"));
}

#[tokio::test]
async fn credential_process_and_mfa() {
    let emulator = Emulator::new();
    let p = builder(&emulator)
        .profile("role-from-process")
        .build(&files())
        .unwrap();
    assert!(whoami(&emulator, p).await.contains("assumed-role/example"));

    let p = builder(&emulator)
        .profile("process-fails")
        .build(&files())
        .unwrap();
    let text = error_text(&p.provide_credentials().await.unwrap_err());
    assert!(
        text.contains("(profile process-fails in /home/u/.aws/config, /home/u/.aws/credentials)"),
        "{text}"
    );
    assert!(
        text.contains("token service unreachable") && text.contains("3"),
        "{text}"
    );

    let err = builder(&emulator)
        .profile("mfa")
        .build(&files())
        .unwrap_err();
    assert!(
        error_text(&err).contains("mfa_serial (profile mfa in"),
        "{}",
        error_text(&err)
    );
    let p = builder(&emulator)
        .profile("mfa")
        .mfa_token(mfa_token_source(|serial| async move {
            assert_eq!(serial, example::MFA_SERIAL);
            Ok(example::MFA_CODE.to_owned())
        }))
        .build(&files())
        .unwrap();
    assert!(
        whoami(&emulator, p)
            .await
            .contains("assumed-role/mfa-required")
    );
}

#[tokio::test]
async fn configuration_errors_name_profile_key_and_file() {
    let emulator = Emulator::new();
    let err = |name: &str| {
        error_text(
            &builder(&emulator)
                .profile(name)
                .build(&files())
                .unwrap_err(),
        )
    };

    let text = err("loop-a");
    assert!(
        text.contains("profile chain loop-a -> loop-b -> loop-a has a cycle"),
        "{text}"
    );
    let text = err("bad-duration");
    assert!(
        text.contains("duration_seconds (profile bad-duration in /home/u/.aws/config"),
        "{text}"
    );
    assert!(text.contains("\"an hour\""), "{text}");
    assert!(err("imds").contains("Ec2InstanceMetadata needs the AWS SDK's provider"));
    assert!(err("sso").contains("IAM Identity Center"));
    let text = err("half");
    assert!(
        text.contains("profile half in /home/u/.aws/config")
            && text.contains("no aws_secret_access_key"),
        "{text}"
    );
    assert!(err("nope").contains("profile nope is not in"));

    // The default profile missing, or a profile without credentials: not
    // loaded (a chain moves on), not an error.
    let e = builder(&emulator).build(&files()).unwrap_err();
    assert!(
        matches!(e, CredentialsError::CredentialsNotLoaded(_)),
        "{e:?}"
    );
    let e = builder(&emulator)
        .profile("empty")
        .build(&files())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::CredentialsNotLoaded(_)),
        "{e:?}"
    );
    // No secret in any message.
    for name in ["loop-a", "bad-duration", "half", "mfa"] {
        assert!(!err(name).contains(example::SECRET_ACCESS_KEY));
    }
}

#[tokio::test]
async fn from_env_assumes_the_role_a_profile_names_through_the_clients_transport() {
    let emulator = Emulator::new();
    let env = |n: &str| match n {
        "AWS_PROFILE" => Some("chained".to_owned()),
        _ => None,
    };
    let client = sts_client::StsClientBuilder::from_settings(&env, &files())
        .unwrap()
        .transport(emulator.clone())
        .build()
        .unwrap();
    let me = client.get_caller_identity().await.unwrap();
    assert_eq!(
        me.arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/example/second-hop")
    );
    // Twice more: the credentials are cached (2 AssumeRole calls in all).
    for _ in 0..2 {
        client.get_caller_identity().await.unwrap();
    }
    let actions: Vec<_> = emulator
        .calls()
        .iter()
        .filter_map(|c| c.action.clone())
        .collect();
    assert_eq!(
        actions,
        [
            "AssumeRole",
            "AssumeRole",
            "GetCallerIdentity",
            "GetCallerIdentity",
            "GetCallerIdentity"
        ]
    );
}

#[tokio::test]
async fn default_chain_order_and_its_report_when_nothing_is_configured() {
    use sts_client::credentials::DefaultCredentialsChain;
    let emulator = Emulator::new();
    let settings = || {
        StsClient::builder()
            .region("us-east-1")
            .transport(emulator.clone())
    };

    // Environment first, even with a profile selected.
    let chain = DefaultCredentialsChain::builder()
        .env(|n| match n {
            "AWS_ACCESS_KEY_ID" => Some("AKIDFROMENV".to_owned()),
            "AWS_SECRET_ACCESS_KEY" => Some("x".to_owned()),
            "AWS_PROFILE" => Some("partner".to_owned()),
            _ => None,
        })
        .client(settings())
        .build(&files());
    assert_eq!(
        chain.names().collect::<Vec<_>>(),
        ["environment", "profile", "web identity"]
    );
    assert_eq!(
        chain.provide_credentials().await.unwrap().access_key_id(),
        "AKIDFROMENV"
    );

    // Then the profile.
    let chain = DefaultCredentialsChain::builder()
        .env(|n| (n == "AWS_PROFILE").then(|| "partner".to_owned()))
        .client(settings())
        .build(&files());
    assert!(
        chain
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id()
            .starts_with("ASIA")
    );

    // A broken profile stops the chain with its reason.
    let chain = DefaultCredentialsChain::builder()
        .env(|n| (n == "AWS_PROFILE").then(|| "loop-a".to_owned()))
        .client(settings())
        .build(&files());
    let text = error_text(&chain.provide_credentials().await.unwrap_err());
    assert!(
        text.contains("profile chain loop-a -> loop-b -> loop-a has a cycle"),
        "{text}"
    );

    // Nothing anywhere: not loaded, saying what each provider looked for.
    let chain = DefaultCredentialsChain::builder()
        .env(|_| None)
        .client(settings())
        .build(&ProfileFiles::default());
    let err = chain.provide_credentials().await.unwrap_err();
    assert!(matches!(err, CredentialsError::CredentialsNotLoaded(_)));
    let text = error_text(&err);
    for want in [
        "AWS_ACCESS_KEY_ID is not set",
        "profile default is not in",
        "AWS_WEB_IDENTITY_TOKEN_FILE is not set",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}
