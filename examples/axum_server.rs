//! Embedding the client in a tower-based server: an axum route that assumes
//! a role per request through one shared `StsClient` (clones share the
//! connection pool, retry budget and clock-skew estimate). The router is a
//! `tower::Service`, so the example drives it in process; `axum::serve` would
//! put it on a socket unchanged.
//!
//! Run with `cargo run -p sts-examples --example axum_server`.
#![allow(clippy::print_stdout)]

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use http_body_util::BodyExt;
use sts_client::StsClient;
use sts_client::model::AssumeRoleInput;
use sts_emulator::{Emulator, example};
use tower::ServiceExt;

/// `GET /session/{user}`: a role session named after the user, or 400/502.
async fn session(State(sts): State<StsClient>, Path(user): Path<String>) -> (StatusCode, String) {
    let input = match AssumeRoleInput::builder()
        .role_arn(example::ROLE_ARN)
        .role_session_name(format!("web-{user}"))
        .duration_seconds(900)
        .build()
    {
        Ok(input) => input,
        // The input is checked before anything is sent: a bad user name is the client's fault.
        Err(e) => return (StatusCode::BAD_REQUEST, format!("{e}\n")),
    };
    match sts.assume_role(input).await {
        Ok(out) => (
            StatusCode::OK,
            format!(
                "{} until {}\n",
                out.assumed_role_user.map(|u| u.arn).unwrap_or_default(),
                out.credentials
                    .and_then(|c| c.expiry())
                    .map(sts_client::time::format_timestamp)
                    .unwrap_or_default()
            ),
        ),
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            format!("STS: {}\n", e.code().unwrap_or("error")),
        ),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::new();
    let sts = StsClient::builder()
        .region("us-east-1")
        .credentials(example::credentials())
        .transport(emulator.clone())
        .build()?;
    let app = Router::new()
        .route("/session/{user}", get(session))
        .with_state(sts);

    let mut ok = 0;
    for user in ["alice", "bob", "carol", "bad user!"] {
        let request = axum::http::Request::get(format!("/session/{}", user.replace(' ', "%20")))
            .body(axum::body::Body::empty())?;
        let response = app.clone().oneshot(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        print!(
            "GET /session/{user} -> {status}: {}",
            String::from_utf8_lossy(&body)
        );
        ok += usize::from(status == StatusCode::OK);
    }
    if ok != 3 {
        return Err("expected 3 sessions and 1 refusal".into());
    }
    Ok(())
}
