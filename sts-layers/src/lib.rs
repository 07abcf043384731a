//! tower layers for the AWS Security Token Service.
//!
//! Each module is one layer (its `Layer`, its `Service`, and its named
//! `ResponseFuture` where it needs one); [`stack`] assembles them into the one
//! HTTP-level service shared by all operations, and [`operation`] is the thin
//! typed edge that turns an operation's input into a request and the response
//! into its output.
//!
//! | module | layer | does |
//! |---|---|---|
//! | [`endpoint`] | `ResolveEndpointLayer` | URI and signing region from the STS rule set |
//! | [`trace`] | `TraceLayer` | a span per operation and per attempt |
//! | [`timeout`] | `TimeoutLayer` | per attempt and per operation |
//! | [`headers`] | `SdkHeadersLayer` | user-agent, invocation id, attempt, content type |
//! | [`retry`] | `StandardRetryLayer` | standard mode: backoff, token bucket, classification |
//! | [`deserialize`] | `DeserializeResponseLayer` | error responses to typed errors, clock skew |
//! | [`sigv4`] | `SigV4Layer` | SigV4 with async credentials |
//! | [`body`] | `CollectBodyLayer` | response body with a size limit |
//!
//! # Example
//!
//! ```
//! use aws_credential_types::{Credentials, provider::SharedCredentialsProvider};
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use sts_core::endpoint::EndpointParams;
//! use sts_core::model::{GetCallerIdentity, GetCallerIdentityInput};
//! use sts_layers::operation::OperationService;
//! use sts_layers::stack::StackConfig;
//! use tower::{ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), sts_core::Error> {
//! // Any tower service can be the transport; this one answers every call.
//! let transport = service_fn(|req: http::Request<Full<Bytes>>| async move {
//!     assert!(req.headers().contains_key("authorization"));
//!     let body = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
//!         <Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
//!     Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(body))))
//! });
//! let credentials = Credentials::new("AKIDEXAMPLE", "secret", None, None, "example");
//! let http = StackConfig {
//!     endpoint: EndpointParams::new("eu-west-1"),   // the STS rule set runs in build()
//!     credentials: Some(SharedCredentialsProvider::new(credentials)),
//!     ..StackConfig::default()
//! }
//! .build(transport)?;
//! let who_am_i = OperationService::<GetCallerIdentity, _>::new(http);
//! let output = who_am_i.oneshot(GetCallerIdentityInput::default()).await?;
//! assert_eq!(output.account.as_deref(), Some("123456789012"));
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used))]

/// `get_ref`, `get_mut` and `into_inner` for a layer's service whose wrapped
/// service is the field `inner: S`.
macro_rules! inner_service_accessors {
    () => {
        /// The wrapped service.
        pub fn get_ref(&self) -> &S {
            &self.inner
        }

        /// The wrapped service, mutably.
        pub fn get_mut(&mut self) -> &mut S {
            &mut self.inner
        }

        /// Unwraps the inner service.
        pub fn into_inner(self) -> S {
            self.inner
        }
    };
}
pub(crate) use inner_service_accessors;

pub mod body;
pub mod deserialize;
pub mod endpoint;
pub mod headers;
pub mod operation;
pub mod retry;
mod settings;
pub mod shared;
pub mod sigv4;
pub mod stack;
pub mod timeout;
pub mod trace;

pub use settings::SettingError;
pub use sts_core::error::BoxError;
