//! Back-pressure: every layer that wraps a service is ready exactly when its
//! inner service is (tower-test's mock holds readiness), and so is the whole
//! assembled stack.
#![allow(clippy::unwrap_used, missing_docs)]

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use http_body_util::Full;
use sts_core::endpoint::EndpointParams;
use sts_layers::body::CollectBodyLayer;
use sts_layers::deserialize::DeserializeResponseLayer;
use sts_layers::endpoint::ResolveEndpointLayer;
use sts_layers::headers::SdkHeadersLayer;
use sts_layers::sigv4::SigV4Layer;
use sts_layers::stack::StackConfig;
use sts_layers::timeout::TimeoutLayer;
use sts_layers::trace::TraceLayer;
use tokio_test::{assert_pending, assert_ready_ok};
use tower::Layer;
use tower_test::mock;

type Req = http::Request<Bytes>;
type Resp = http::Response<Bytes>;

/// `layer` over a mock: not ready while the mock allows nothing, ready once
/// it allows a call.
fn follows_inner_readiness<L>(name: &str, layer: L)
where
    L: Layer<mock::Mock<Req, Resp>>,
    L::Service: tower::Service<Req>,
    <L::Service as tower::Service<Req>>::Error: std::fmt::Debug,
{
    let (mut svc, mut handle) = mock::spawn_layer::<Req, Resp, _>(layer);
    handle.allow(0);
    assert_pending!(
        svc.poll_ready(),
        "{name}: ready while the inner service is not"
    );
    handle.allow(1);
    assert_ready_ok!(
        svc.poll_ready(),
        "{name}: not ready once the inner service is"
    );
}

#[tokio::test]
async fn each_layer_is_ready_when_its_inner_service_is() {
    let creds = SharedCredentialsProvider::new(Credentials::new("AKID", "s", None, None, "t"));
    follows_inner_readiness("sigv4", SigV4Layer::new(creds));
    follows_inner_readiness("deserialize", DeserializeResponseLayer::new());
    follows_inner_readiness(
        "attempt timeout",
        TimeoutLayer::attempt(Some(std::time::Duration::from_secs(1))),
    );
    follows_inner_readiness("operation timeout", TimeoutLayer::operation(None));
    follows_inner_readiness("trace", TraceLayer::operation());
    follows_inner_readiness("headers", SdkHeadersLayer::new(3));
    follows_inner_readiness(
        "endpoint",
        ResolveEndpointLayer::new(&EndpointParams::new("eu-west-1")).unwrap(),
    );
}

#[tokio::test]
async fn the_body_layer_is_ready_when_the_transport_is() {
    let (mut svc, mut handle) =
        mock::spawn_layer::<http::Request<Full<Bytes>>, http::Response<Full<Bytes>>, _>(
            CollectBodyLayer::new(1024),
        );
    handle.allow(0);
    assert_pending!(svc.poll_ready());
    handle.allow(1);
    assert_ready_ok!(svc.poll_ready());
}

#[tokio::test]
async fn the_assembled_stack_is_ready_when_the_transport_is() {
    let (transport, mut handle) =
        mock::pair::<http::Request<Full<Bytes>>, http::Response<Full<Bytes>>>();
    let http = StackConfig::for_region("eu-west-1")
        .build(transport)
        .unwrap();
    let mut svc = tokio_test::task::spawn(http);
    handle.allow(0);
    assert_pending!(svc.enter(|cx, mut s| tower::Service::poll_ready(&mut *s, cx)));
    handle.allow(1);
    assert_ready_ok!(svc.enter(|cx, mut s| tower::Service::poll_ready(&mut *s, cx)));
}
