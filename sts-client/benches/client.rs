//! `client.assume_role()` end to end: over an in-memory transport (the cost of
//! the client and its stack alone) and over loopback HTTP/1.1 through the
//! default hyper transport with connection reuse (server in the same process).
//! Each at concurrency 1 and 64; criterion reports time per call and calls per
//! second (throughput). After criterion, CPU time per call (user + system, from
//! /proc/self/stat) is printed for each case.
#![allow(missing_docs, clippy::unwrap_used, clippy::print_stdout)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group};
use http_body_util::Full;
use sts_client::StsClient;
use sts_client::transport::{HyperTransportBuilder, ProxyConfig};
use sts_core::model::AssumeRoleInput;
use support::{Options, TestServer, sts_handler};

fn input() -> AssumeRoleInput {
    AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("bench")
        .build()
        .unwrap()
}

fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "secret", Some("token".into()), None, "bench")
}

fn in_memory_client() -> StsClient {
    // The answer the loopback server gives, built once: the transport itself
    // costs a clone of `Bytes`.
    let recorded = support::Recorded {
        method: http::Method::POST,
        uri: http::Uri::from_static("/"),
        version: http::Version::HTTP_11,
        headers: http::HeaderMap::new(),
        body: Bytes::from_static(b"Action=AssumeRole"),
    };
    let answer = sts_handler()(&recorded);
    let transport = tower::service_fn(move |_req: http::Request<Full<Bytes>>| {
        let mut response = http::Response::new(Full::new(answer.body().clone()));
        *response.headers_mut() = answer.headers().clone();
        std::future::ready(Ok::<_, std::convert::Infallible>(response))
    });
    StsClient::builder()
        .region("eu-west-1")
        .credentials(credentials())
        .transport(transport)
        .build()
        .unwrap()
}

fn loopback_client(url: &str) -> StsClient {
    let transport = HyperTransportBuilder::new()
        .proxy(ProxyConfig::none())
        .build()
        .unwrap();
    StsClient::builder()
        .region("eu-west-1")
        .endpoint_url(url)
        .credentials(credentials())
        .transport(transport)
        .build()
        .unwrap()
}

/// Runs `calls` calls spread over `concurrency` tasks; returns the wall time.
async fn run(client: &StsClient, calls: u64, concurrency: u64) -> Duration {
    let start = Instant::now();
    let per_task = calls.div_ceil(concurrency);
    let mut tasks = Vec::with_capacity(concurrency as usize);
    for _ in 0..concurrency {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..per_task {
                client.assume_role(input()).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    start.elapsed() * (calls as u32).max(1) / ((per_task * concurrency) as u32).max(1)
}

/// User + system CPU time of this process, from /proc/self/stat (Linux).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis((utime + stime) * 10))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn bench_client(c: &mut Criterion) {
    let rt = runtime();
    let server = rt.block_on(TestServer::start_with(
        sts_handler(),
        Options {
            no_record: true,
            ..Options::default()
        },
    ));
    let url = server.url();
    let memory = in_memory_client();
    let loopback = rt.block_on(async { loopback_client(&url) });

    let mut group = c.benchmark_group("assume_role");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(4));
    for (name, client) in [("in_memory", &memory), ("loopback_http1", &loopback)] {
        for concurrency in [1u64, 64] {
            group.bench_function(format!("{name}/concurrency_{concurrency}"), |b| {
                b.iter_custom(|iters| rt.block_on(run(client, iters, concurrency)));
            });
        }
    }
    group.finish();

    // CPU time per call (both the client's and, for loopback, the in-process
    // server's: the figure is an upper bound for the client).
    for (name, client) in [("in_memory", &memory), ("loopback_http1", &loopback)] {
        for concurrency in [1u64, 64] {
            let calls = 20_000;
            let (Some(before), wall) = (cpu_time(), Instant::now()) else {
                return;
            };
            rt.block_on(run(client, calls, concurrency));
            let wall = wall.elapsed();
            let Some(after) = cpu_time() else { return };
            let cpu = after.saturating_sub(before);
            println!(
                "cpu/{name}/concurrency_{concurrency}: {:.1} µs CPU per call, {:.0} calls/s ({calls} calls in {:.2} s)",
                cpu.as_secs_f64() * 1e6 / calls as f64,
                calls as f64 / wall.as_secs_f64(),
                wall.as_secs_f64(),
            );
        }
    }
    drop(server);
}

criterion_group!(benches, bench_client);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
