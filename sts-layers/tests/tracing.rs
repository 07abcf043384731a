//! Tracing through the assembled stack: the spans and what they record, and no
//! secret in any of it. Alone in its binary: tracing caches callsite interest
//! globally, which races with tests running without a subscriber.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::sync::{Arc, Mutex};

use sts_core::model::*;
use sts_layers::operation::OperationService;
use support::*;
use tower::ServiceExt;

/// A tracing subscriber that writes every span, field and event as text.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Recorder {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }

    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Fields(&mut line));
        let mut log = self.0.lock().unwrap();
        log.push(line);
        tracing::span::Id::from_u64(log.len() as u64)
    }

    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = format!("record {}", id.into_u64());
        values.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("event {}", event.metadata().target());
        event.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn spans_describe_the_operation_and_each_attempt_and_carry_no_secret() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    // Other tests of this binary may have run the callsites with no subscriber,
    // which caches "never interested": ask again now that ours is set.
    tracing::callsite::rebuild_interest_cache();
    let (transport, seen) = transport(Arc::new(|i, req| {
        if i == 0 {
            error(500, "InternalFailure", &[])
        } else {
            let body = std::str::from_utf8(req.body()).unwrap();
            let action = body["Action=".len()..].split('&').next().unwrap();
            let mut resp = success(action);
            resp.headers_mut().insert(
                "x-amzn-requestid",
                http::HeaderValue::from_static("hdr-req-2"),
            );
            resp
        }
    }));
    let http = config("ap-southeast-2").build(transport).unwrap();
    OperationService::<AssumeRoleWithWebIdentity, _>::new(http.clone())
        .oneshot(
            AssumeRoleWithWebIdentityInput::builder()
                .role_arn(ROLE)
                .role_session_name("web")
                .web_identity_token("eyJSECRET.TOKEN.sig")
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    OperationService::<GetCallerIdentity, _>::new(http)
        .oneshot(GetCallerIdentityInput::default())
        .await
        .unwrap();
    let log = recorder.0.lock().unwrap().join("\n");
    for expected in [
        "span sts.operation operation=\"AssumeRoleWithWebIdentity\" region=\"ap-southeast-2\" host=\"sts.ap-southeast-2.amazonaws.com\"",
        "span sts.attempt attempt=1",
        "span sts.attempt attempt=2",
        "status=500",
        "request_id=\"err-1\"",
        "status=200",
        "request_id=\"hdr-req-2\"",
        "elapsed_ms=",
        "InternalFailure",
        "span sts.operation operation=\"GetCallerIdentity\"",
    ] {
        assert!(log.contains(expected), "missing {expected:?} in:\n{log}");
    }
    let sent = seen.lock().unwrap();
    let signature = sent.last().unwrap().headers()["authorization"]
        .to_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    for secret in [
        "eyJSECRET",
        "wJalrXUtnFEMI",
        "session-token",
        signature.as_str(),
    ] {
        assert!(
            !log.contains(secret),
            "{secret} leaked into tracing:\n{log}"
        );
    }
}
