//! The per-call cost of the assembled stack over an in-memory transport that
//! answers with a canned AssumeRoleResponse: validate, encode, endpoint, trace,
//! headers, retry (request clone), timeouts, error check, SigV4 (credentials from
//! a provider), body collection, decode. Also prints the allocations per call.
#![allow(missing_docs, clippy::print_stdout, clippy::unwrap_used)]

use std::alloc::System;
use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::Full;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use sts_core::endpoint::EndpointParams;
use sts_core::model::{
    AssumeRole, AssumeRoleInput, AssumeRoleWithWebIdentity, AssumeRoleWithWebIdentityInput, Tag,
};
use sts_layers::BoxError;
use sts_layers::operation::OperationService;
use sts_layers::stack::StackConfig;
use tower::{Service, ServiceExt, service_fn};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn response(name: &str) -> Bytes {
    Bytes::from(format!(
        r#"<{name}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{name}Result>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
      <AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </{name}Result>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</{name}Response>"#
    ))
}

fn stack(body: Bytes) -> sts_layers::stack::HttpService {
    let transport = service_fn(move |_req: http::Request<Full<Bytes>>| {
        let body = body.clone();
        async move { Ok::<_, BoxError>(http::Response::new(Full::new(body))) }
    });
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("token".into()),
        None,
        "bench",
    );
    let timeouts = std::env::var_os("NO_TIMEOUTS").is_none();
    StackConfig {
        endpoint: EndpointParams::new("eu-west-1"),
        credentials: Some(SharedCredentialsProvider::new(creds)),
        attempt_timeout: timeouts.then_some(Duration::from_secs(5)),
        operation_timeout: timeouts.then_some(Duration::from_secs(30)),
        ..StackConfig::default()
    }
    .build(transport)
    .unwrap()
}

fn assume_role_input() -> AssumeRoleInput {
    AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("John-session")
        .add_tag(Tag::new("Project", "Pegasus"))
        .duration_seconds(3600)
        .build()
        .unwrap()
}

fn web_identity_input() -> AssumeRoleWithWebIdentityInput {
    AssumeRoleWithWebIdentityInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("John-session")
        .web_identity_token("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2huIn0.c2lnbmF0dXJl")
        .build()
        .unwrap()
}

fn allocations<R>(f: impl FnOnce() -> R) -> usize {
    let region = Region::new(GLOBAL);
    black_box(f());
    let stats = region.change();
    stats.allocations + stats.reallocations
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let mut assume_role = OperationService::<AssumeRole, _>::new(stack(response("AssumeRole")));
    let mut web_identity = OperationService::<AssumeRoleWithWebIdentity, _>::new(stack(response(
        "AssumeRoleWithWebIdentity",
    )));
    let input = assume_role_input();
    let web_input = web_identity_input();
    // Warm up (lazily initialised statics), then count one call of each.
    rt.block_on(assume_role.call(input.clone())).unwrap();
    rt.block_on(web_identity.call(web_input.clone())).unwrap();
    let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("token".into()), None, "bench");
    let mut signable =
        http::Request::new(Bytes::from_static(b"Action=AssumeRole&Version=2011-06-15"));
    *signable.uri_mut() = "https://sts.eu-west-1.amazonaws.com/".parse().unwrap();
    println!(
        "allocations per call: AssumeRole through the stack={} AssumeRoleWithWebIdentity (unsigned)={} sign_request alone={}",
        allocations(|| rt.block_on(assume_role.call(input.clone())).unwrap()),
        allocations(|| rt.block_on(web_identity.call(web_input.clone())).unwrap()),
        allocations(|| {
            let mut req = signable.clone();
            sts_layers::sigv4::sign_request(&mut req, &creds, "eu-west-1", SystemTime::now())
                .unwrap()
        }),
    );
    c.bench_function("stack: AssumeRole (signed, in-memory transport)", |b| {
        b.iter(|| {
            rt.block_on(async {
                assume_role
                    .ready()
                    .await?
                    .call(black_box(input.clone()))
                    .await
            })
            .unwrap()
        })
    });
    c.bench_function("stack: AssumeRoleWithWebIdentity (unsigned)", |b| {
        b.iter(|| {
            rt.block_on(async {
                web_identity
                    .ready()
                    .await?
                    .call(black_box(web_input.clone()))
                    .await
            })
            .unwrap()
        })
    });
    c.bench_function("sign_request alone", |b| {
        b.iter(|| {
            let mut req = signable.clone();
            sts_layers::sigv4::sign_request(&mut req, &creds, "eu-west-1", SystemTime::now())
                .unwrap();
            req
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
