//! What one call costs the emulator: a signed GetCallerIdentity and a signed
//! AssumeRole handled in memory (signature recomputed, input validated,
//! credentials issued, XML written); and a client call with the emulator as
//! its transport (the client's stack plus the emulator).
#![allow(missing_docs, clippy::unwrap_used)]

use std::time::SystemTime;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::{BodyExt, Full};
use sts_client::StsClient;
use sts_core::model::{AssumeRoleInput, GetCallerIdentityInput};
use sts_emulator::{Emulator, example};
use sts_layers::sigv4::sign_request;
use tower::ServiceExt;

fn signed(body: &str) -> http::Request<Full<Bytes>> {
    let mut req = http::Request::post("https://sts.us-east-1.amazonaws.com/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(body.as_bytes().to_vec())
        .unwrap();
    sign_request(
        &mut req,
        &example::credentials(),
        "us-east-1",
        SystemTime::now(),
    )
    .unwrap();
    let (parts, body) = req.into_parts();
    http::Request::from_parts(parts, Full::new(Bytes::from(body)))
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let emulator = Emulator::new();
    let mut group = c.benchmark_group("emulator");

    let mut handle = |name: &str, req: http::Request<Full<Bytes>>| {
        group.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(async {
                    let res = emulator.clone().oneshot(req.clone()).await.unwrap();
                    assert_eq!(res.status(), 200);
                    res.into_body().collect().await.unwrap()
                })
            });
            emulator.clear_calls();
        });
    };
    handle(
        "handle GetCallerIdentity",
        signed("Action=GetCallerIdentity&Version=2011-06-15"),
    );
    handle(
        "handle AssumeRole",
        signed(
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fexample&RoleSessionName=bench",
        ),
    );

    let client = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(emulator.clone())
        .build()
        .unwrap();
    let input = GetCallerIdentityInput::builder().build().unwrap();
    group.bench_function("client GetCallerIdentity via emulator", |b| {
        b.iter(|| {
            rt.block_on(client.get_caller_identity_with(input.clone()))
                .unwrap()
        });
        emulator.clear_calls();
    });
    let input = AssumeRoleInput::builder()
        .role_arn(example::ROLE_ARN)
        .role_session_name("bench")
        .build()
        .unwrap();
    group.bench_function("client AssumeRole via emulator", |b| {
        b.iter(|| rt.block_on(client.assume_role(input.clone())).unwrap());
        emulator.clear_calls();
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
