//! Any request as the emulator's input (method, URI, headers, body): an STS
//! answer (a success or an error document), never a panic, never a hang.
//!
//! Input layout: the first byte picks the method; the rest is split at NUL
//! bytes into the URI, the header lines (`name: value`, one per line) and
//! the body. Inputs `http` refuses to build (a bad URI or header) are skipped:
//! no client can send them.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sts_emulator::Emulator;
use tower::ServiceExt;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
});
static EMULATOR: LazyLock<Emulator> = LazyLock::new(Emulator::new);

const METHODS: [&str; 4] = ["POST", "GET", "PUT", "DELETE"];

fuzz_target!(|data: &[u8]| {
    let Some((&method, rest)) = data.split_first() else {
        return;
    };
    let mut sections = rest.splitn(3, |&b| b == 0);
    let uri = sections.next().unwrap_or_default();
    let headers = sections.next().unwrap_or_default();
    let body = sections.next().unwrap_or_default();
    let mut request = http::Request::builder()
        .method(METHODS[usize::from(method) % METHODS.len()])
        .uri(uri);
    for line in headers.split(|&b| b == b'\n') {
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let value = line[colon + 1..].trim_ascii();
            request = request.header(&line[..colon], value);
        }
    }
    let Ok(request) = request.body(http_body_util::Full::new(bytes::Bytes::copy_from_slice(body)))
    else {
        return;
    };
    let response = RUNTIME
        .block_on(EMULATOR.clone().oneshot(request))
        .expect("the emulator answers every request");
    let status = response.status();
    assert!(status.is_success() || status.is_client_error() || status.is_server_error());
});
