//! Codec benchmarks: encode AssumeRole with tags, decode an AssumeRoleResponse,
//! decode an error response. Also prints the allocations each one makes.
#![allow(missing_docs, clippy::print_stdout, clippy::unwrap_used)]

use std::alloc::System;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use sts_core::model::{AssumeRole, AssumeRoleInput, Tag};
use sts_core::operation::Operation;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const RESPONSE: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>DevUser123</SourceIdentity>
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
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#;

const ERROR: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo</Message>
  </Error>
  <RequestId>8088f6eb-b7fb-11e2-8d25-4b9f3b52b80f</RequestId>
</ErrorResponse>"#;

fn input() -> AssumeRoleInput {
    AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("John-session")
        .add_tag(Tag::new("Project", "Pegasus"))
        .add_tag(Tag::new("Cost-Center", "12345"))
        .add_tag(Tag::new("Team", "Payments"))
        .transitive_tag_keys(["Project"])
        .duration_seconds(3600)
        .build()
        .unwrap()
}

fn allocations<R>(f: impl Fn() -> R) -> usize {
    let region = Region::new(GLOBAL);
    black_box(f());
    let stats = region.change();
    stats.allocations + stats.reallocations
}

fn codec(c: &mut Criterion) {
    let input = input();
    println!(
        "allocations per call: encode={} validate={} decode_response={} decode_error={}",
        allocations(|| AssumeRole::encode(&input)),
        allocations(|| AssumeRole::validate(&input)),
        allocations(|| AssumeRole::decode(RESPONSE.as_bytes())),
        allocations(|| sts_core::xml::parse_error_response(ERROR.as_bytes(), Some(403))),
    );
    c.bench_function("encode AssumeRole (3 tags)", |b| {
        b.iter(|| AssumeRole::encode(black_box(&input)))
    });
    c.bench_function("validate AssumeRole (3 tags)", |b| {
        b.iter(|| AssumeRole::validate(black_box(&input)))
    });
    c.bench_function("decode AssumeRoleResponse", |b| {
        b.iter(|| AssumeRole::decode(black_box(RESPONSE.as_bytes())))
    });
    c.bench_function("decode ErrorResponse", |b| {
        b.iter(|| sts_core::xml::parse_error_response(black_box(ERROR.as_bytes()), Some(403)))
    });
}

criterion_group!(benches, codec);
criterion_main!(benches);
