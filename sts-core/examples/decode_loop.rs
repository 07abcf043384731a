#![allow(missing_docs, clippy::unwrap_used)]
use sts_core::model::AssumeRole;
use sts_core::operation::Operation;
fn main() {
    let body = include_str!("../benches/codec.rs");
    let start = body.find("<AssumeRoleResponse").unwrap();
    let end = body.find("</AssumeRoleResponse>").unwrap() + "</AssumeRoleResponse>".len();
    let resp = &body[start..end];
    let n = 2_000_000;
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(AssumeRole::decode(std::hint::black_box(resp.as_bytes())).unwrap());
    }
    eprintln!("{:?}/iter", t.elapsed() / n);
}
