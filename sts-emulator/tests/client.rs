//! The emulator behind the real client (in memory: the emulator is the
//! client's transport): every operation, issued credentials, trust
//! conditions, expiry, clock skew, faults and the call record.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_credential_types::Credentials;
use sts_client::StsClient;
use sts_core::ErrorKind;
use sts_core::model::*;
use sts_emulator::{Emulator, Fault, example};
use sts_layers::retry::RetryConfig;

fn client(emulator: &Emulator, credentials: Credentials) -> StsClient {
    StsClient::builder()
        .region("us-east-1")
        .credentials(credentials)
        .transport(emulator.clone())
        .build()
        .unwrap()
}

fn assume(role: &str, session: &str) -> AssumeRoleInputBuilder {
    AssumeRoleInput::builder()
        .role_arn(role)
        .role_session_name(session)
}

#[tokio::test]
async fn every_operation_answers() {
    let emulator = Emulator::new();
    let alice = client(&emulator, example::credentials());

    let me = alice.get_caller_identity().await.unwrap();
    assert_eq!(me.account.as_deref(), Some(example::ACCOUNT_ID));
    assert_eq!(
        me.arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/alice")
    );
    assert!(me.user_id.as_deref().unwrap().starts_with("AIDA"));
    assert_eq!(me.request_id.as_deref().map(str::len), Some(36));

    let role = alice
        .assume_role(
            assume(example::ROLE_ARN, "s1")
                .source_identity("alice")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let creds = role.credentials.unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    assert_eq!(creds.secret_access_key().len(), 40);
    let user = role.assumed_role_user.unwrap();
    assert_eq!(
        user.arn,
        "arn:aws:sts::123456789012:assumed-role/example/s1"
    );
    assert!(user.assumed_role_id.starts_with("AROA") && user.assumed_role_id.ends_with(":s1"));
    assert_eq!(role.source_identity.as_deref(), Some("alice"));
    let left = creds
        .expiry()
        .unwrap()
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(
        left > Duration::from_secs(3590) && left <= Duration::from_secs(3600),
        "{left:?}"
    );

    let root = alice
        .assume_root(
            AssumeRootInput::builder()
                .target_principal(example::ACCOUNT_ID)
                .task_policy_arn(
                    PolicyDescriptorType::new()
                        .with_arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
                )
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let root_client = client(&emulator, root.credentials.unwrap());
    let who = root_client.get_caller_identity().await.unwrap();
    assert_eq!(who.arn.as_deref(), Some("arn:aws:iam::123456789012:root"));

    let message = emulator.encode_authorization_message("{\"allowed\":false}");
    let decoded = alice
        .decode_authorization_message(
            DecodeAuthorizationMessageInput::builder()
                .encoded_message(message)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        decoded.decoded_message.as_deref(),
        Some("{\"allowed\":false}")
    );

    let info = alice
        .get_access_key_info(
            GetAccessKeyInfoInput::builder()
                .access_key_id(creds.access_key_id())
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(info.account.as_deref(), Some(example::ACCOUNT_ID));

    let token = emulator.trade_in_token(example::ROLE_ARN, Duration::from_secs(60));
    let delegated = alice
        .get_delegated_access_token(
            GetDelegatedAccessTokenInput::builder()
                .trade_in_token(token)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        delegated.assumed_principal.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/example/delegated")
    );

    let fed = alice
        .get_federation_token(
            GetFederationTokenInput::builder()
                .name("bob")
                .policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        fed.federated_user.unwrap().arn,
        "arn:aws:sts::123456789012:federated-user/bob"
    );
    assert!(fed.packed_policy_size.unwrap() >= 1);

    let session = alice.get_session_token().await.unwrap();
    let session_client = client(&emulator, session.credentials.unwrap());
    let who = session_client.get_caller_identity().await.unwrap();
    assert_eq!(
        who.arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/alice")
    );

    let jwt = alice
        .get_web_identity_token(
            GetWebIdentityTokenInput::builder()
                .add_audience(example::OIDC_AUDIENCE)
                .signing_algorithm("RS256")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    // The emulator's own tokens are accepted by the example account's OIDC provider.
    let anonymous = client(
        &emulator,
        Credentials::new("AKIDUNUSED", "unused", None, None, "t"),
    );
    let web = anonymous
        .assume_role_with_web_identity(
            AssumeRoleWithWebIdentityInput::builder()
                .role_arn(example::ROLE_ARN)
                .role_session_name("web")
                .web_identity_token(jwt.web_identity_token.unwrap())
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        web.subject_from_web_identity_token.as_deref(),
        Some("arn:aws:iam::123456789012:user/alice")
    );
    assert_eq!(web.provider.as_deref(), Some("oidc.sts-emulator.example"));
    assert_eq!(web.audience.as_deref(), Some(example::OIDC_AUDIENCE));

    let assertion = emulator.saml_assertion(
        example::SAML_ISSUER,
        "carol",
        example::ROLE_ARN,
        example::SAML_PROVIDER_ARN,
        Duration::from_secs(300),
    );
    let saml = anonymous
        .assume_role_with_saml(
            AssumeRoleWithSAMLInput::builder()
                .role_arn(example::ROLE_ARN)
                .principal_arn(example::SAML_PROVIDER_ARN)
                .saml_assertion(assertion)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(saml.subject.as_deref(), Some("carol"));
    assert_eq!(saml.subject_type.as_deref(), Some("persistent"));
    assert_eq!(saml.issuer.as_deref(), Some(example::SAML_ISSUER));
    assert_eq!(
        saml.assumed_role_user.unwrap().arn,
        "arn:aws:sts::123456789012:assumed-role/example/carol"
    );

    let calls = emulator.calls();
    let actions: Vec<&str> = calls.iter().filter_map(|c| c.action.as_deref()).collect();
    for op in OPERATION_NAMES {
        assert!(actions.contains(op), "{op} not called: {actions:?}");
    }
    assert!(calls.iter().all(|c| c.status == 200), "{calls:#?}");
    // Secrets of the unsigned operations stay out of the record.
    let saml_call = calls
        .iter()
        .find(|c| c.action.as_deref() == Some("AssumeRoleWithSAML"))
        .unwrap();
    assert_eq!(saml_call.param("SAMLAssertion"), Some("** redacted **"));
    assert_eq!(saml_call.access_key_id, None);
}

#[tokio::test]
async fn issued_credentials_work_and_chaining_is_limited_to_an_hour() {
    let emulator = Emulator::new();
    let alice = client(&emulator, example::credentials());
    let out = alice
        .assume_role(
            assume(example::PARTNER_ROLE_ARN, "pp")
                .external_id(example::EXTERNAL_ID)
                .duration_seconds(43_200)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let role = client(&emulator, out.credentials.unwrap());
    let me = role.get_caller_identity().await.unwrap();
    assert_eq!(
        me.arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/partner/pp")
    );
    let last = emulator.calls().pop().unwrap();
    assert_eq!(
        last.caller_arn.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/partner/pp")
    );

    let err = role
        .assume_role(
            assume(example::ROLE_ARN, "cc")
                .duration_seconds(3601)
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
    assert!(
        err.service_error()
            .unwrap()
            .message()
            .unwrap()
            .contains("1 hour session limit"),
        "{err:#}"
    );
    let chained = role
        .assume_role(assume(example::ROLE_ARN, "cc").build().unwrap())
        .await
        .unwrap();
    assert!(chained.credentials.is_some());

    // A role session cannot get a session token or a federation token.
    let err = role.get_session_token().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
}

#[tokio::test]
async fn trust_conditions() {
    let emulator = Emulator::new();
    let alice = client(&emulator, example::credentials());

    let err = alice
        .assume_role(assume(example::PARTNER_ROLE_ARN, "pp").build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(err.service_error().unwrap().status(), Some(403));
    let err = alice
        .assume_role(
            assume(example::PARTNER_ROLE_ARN, "pp")
                .external_id("wrong")
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));

    let err = alice
        .assume_role(assume(example::MFA_ROLE_ARN, "mm").build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = alice
        .assume_role(
            assume(example::MFA_ROLE_ARN, "mm")
                .serial_number(example::MFA_SERIAL)
                .token_code("000000")
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert!(
        err.service_error()
            .unwrap()
            .message()
            .unwrap()
            .contains("invalid MFA one time pass code"),
        "{err:#}"
    );
    alice
        .assume_role(
            assume(example::MFA_ROLE_ARN, "mm")
                .serial_number(example::MFA_SERIAL)
                .token_code(example::MFA_CODE)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();

    // Maximum session duration of the role (one hour for `example`).
    let err = alice
        .assume_role(
            assume(example::ROLE_ARN, "dd")
                .duration_seconds(7200)
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert!(
        err.service_error()
            .unwrap()
            .message()
            .unwrap()
            .contains("MaxSessionDuration"),
        "{err:#}"
    );

    let err = alice
        .assume_role(
            assume("arn:aws:iam::123456789012:role/missing", "xx")
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert!(
        format!("{err:#}").contains("arn:aws:iam::123456789012:user/alice"),
        "{err:#}"
    );

    let err = alice
        .assume_role(
            assume(example::ROLE_ARN, "xx")
                .policy("not json")
                .build()
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("MalformedPolicyDocument"));
}

#[tokio::test]
async fn bad_keys_and_tokens_are_refused() {
    let emulator = Emulator::new();
    let no_retry = |c: Credentials| {
        StsClient::builder()
            .region("us-east-1")
            .credentials(c)
            .retry(RetryConfig::disabled())
            .transport(emulator.clone())
            .build()
            .unwrap()
    };
    let gci = || GetCallerIdentityInput::builder().build().unwrap();

    let wrong_secret = no_retry(Credentials::new(
        example::ACCESS_KEY_ID,
        "not-the-secret",
        None,
        None,
        "t",
    ));
    let err = wrong_secret
        .get_caller_identity_with(gci())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(err.service_error().unwrap().status(), Some(403));
    assert!(err.request_id().is_some());

    let unknown = no_retry(Credentials::new(
        "AKIAUNKNOWNKEY000000",
        "s",
        None,
        None,
        "t",
    ));
    let err = unknown.get_caller_identity_with(gci()).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));

    let alice = client(&emulator, example::credentials());
    let a = alice
        .assume_role(assume(example::ROLE_ARN, "aa").build().unwrap())
        .await
        .unwrap()
        .credentials
        .unwrap();
    let b = alice
        .assume_role(assume(example::ROLE_ARN, "bb").build().unwrap())
        .await
        .unwrap()
        .credentials
        .unwrap();
    // a's key with b's token; a's key with no token; a long-term key with a token.
    let swapped = no_retry(Credentials::new(
        a.access_key_id(),
        a.secret_access_key(),
        b.session_token().map(str::to_owned),
        None,
        "t",
    ));
    assert_eq!(
        swapped
            .get_caller_identity_with(gci())
            .await
            .unwrap_err()
            .code(),
        Some("InvalidClientTokenId")
    );
    let tokenless = no_retry(Credentials::new(
        a.access_key_id(),
        a.secret_access_key(),
        None,
        None,
        "t",
    ));
    assert_eq!(
        tokenless
            .get_caller_identity_with(gci())
            .await
            .unwrap_err()
            .code(),
        Some("InvalidClientTokenId")
    );
    let extra = no_retry(Credentials::new(
        example::ACCESS_KEY_ID,
        example::SECRET_ACCESS_KEY,
        Some("token".into()),
        None,
        "t",
    ));
    assert_eq!(
        extra
            .get_caller_identity_with(gci())
            .await
            .unwrap_err()
            .code(),
        Some("InvalidClientTokenId")
    );
}

#[tokio::test]
async fn issued_credentials_expire_and_the_client_corrects_skew_first() {
    let emulator = Emulator::new();
    let alice = client(&emulator, example::credentials());
    let out = alice
        .assume_role(
            assume(example::ROLE_ARN, "short")
                .duration_seconds(900)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let role = client(&emulator, out.credentials.unwrap());

    // 20 minutes later by the emulator's clock: the client's requests are
    // now 20 minutes behind. It learns the skew from the Date header, signs
    // again with the corrected time, and gets the real answer: expired.
    emulator.set_clock_offset(1200);
    let err = role.get_caller_identity().await.unwrap_err();
    assert_eq!(err.code(), Some("ExpiredToken"), "{err:#}");
    assert_eq!(err.service_error().unwrap().status(), Some(400));
    let codes: Vec<Option<String>> = emulator
        .calls()
        .iter()
        .rev()
        .take(2)
        .map(|c| c.error_code.clone())
        .collect();
    assert_eq!(
        codes,
        [
            Some("ExpiredToken".to_owned()),
            Some("RequestTimeTooSkewed".to_owned())
        ]
    );

    // A client that keeps its skew now works with the emulator's clock.
    let ok = alice.get_caller_identity().await;
    assert!(ok.is_ok(), "{ok:?}");
}

#[tokio::test(start_paused = true)]
async fn faults() {
    let emulator = Emulator::new();
    let alice = client(&emulator, example::credentials());
    let gci = || GetCallerIdentityInput::builder().build().unwrap();

    emulator.throttle_next(2);
    alice.get_caller_identity_with(gci()).await.unwrap();
    let calls = emulator.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].error_code.as_deref(), Some("Throttling"));
    assert_eq!(calls[0].fault, Some(Fault::Throttle));
    assert_eq!(calls[2].status, 200);

    emulator.clear_calls();
    emulator.fail_next(10, 503);
    let err = alice.get_caller_identity_with(gci()).await.unwrap_err();
    assert_eq!(err.code(), Some("ServiceUnavailable"));
    assert_eq!(emulator.calls().len(), 3, "standard retry: 3 attempts");
    emulator.clear_faults();

    emulator.inject(Fault::DropConnection, 1);
    alice.get_caller_identity_with(gci()).await.unwrap();
    assert_eq!(emulator.calls().iter().filter(|c| c.status == 0).count(), 1);

    let impatient = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .attempt_timeout(Duration::from_secs(1))
        .retry(RetryConfig::disabled())
        .transport(emulator.clone())
        .build()
        .unwrap();
    emulator.inject(Fault::Delay(Duration::from_secs(5)), 1);
    let err = impatient.get_caller_identity_with(gci()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:#}");

    emulator.inject(Fault::TruncateBody, 1);
    let err = impatient.get_caller_identity_with(gci()).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Dispatch | ErrorKind::Response),
        "{err:#}"
    );

    let small = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .body_limit(64 * 1024)
        .retry(RetryConfig::disabled())
        .transport(emulator.clone())
        .build()
        .unwrap();
    emulator.inject(Fault::OversizeBody(100 * 1024 * 1024), 1);
    let err = small.get_caller_identity_with(gci()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err:#}");
    assert!(format!("{err:#}").contains("65536"), "{err:#}");
}
