//! An AWS Security Token Service client over the `sts-layers` tower stack.
//!
//! [`StsClient`] holds one boxed HTTP-level stack (see `sts_layers::stack`),
//! shared by all operations and all clones: one retry token bucket, one clock
//! skew, one transport. Each operation is a method (`client.assume_role(input)`)
//! and a `tower::Service<Input>` ([`StsClient::operation`]).
//!
//! [`StsClient::from_env`] reads the environment and the shared config files
//! and uses the default transport ([`transport`]: hyper 1 + rustls); a
//! transport of your own goes in [`StsClientBuilder::transport`], as in the
//! example below. [`presign`] makes presigned URLs and EKS tokens; [`shared_config`]
//! parses `~/.aws/config`.
//!
//! # Example
//!
//! ```
//! use aws_credential_types::Credentials;
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use sts_client::StsClient;
//! use sts_client::model::GetCallerIdentityInput;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), sts_client::Error> {
//! let transport = tower::service_fn(|_req: http::Request<Full<Bytes>>| async {
//!     let body = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
//!         <Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
//!     Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(body))))
//! });
//! let client = StsClient::builder()
//!     .region("eu-west-1")
//!     .credentials(Credentials::new("AKIDEXAMPLE", "secret", None, None, "example"))
//!     .transport(transport)
//!     .build()?;
//! let me = client.get_caller_identity().await?;
//! assert_eq!(me.account.as_deref(), Some("123456789012"));
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod builder;
mod client;
pub mod config;
mod context;
pub mod credentials;
pub mod presign;
pub mod shared_config;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod testing;
#[cfg(feature = "hyper-rustls")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper-rustls")))]
pub mod transport;

/// The README's Rust blocks, compiled and run as doc tests so that they stay
/// true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The STS model: every operation's input (with its validating builder),
/// output and unit type, and the shared shapes (`sts_core::model`).
pub mod model {
    pub use sts_core::model::*;
}

/// The errors, their kinds and causes (`sts_core::error`).
pub mod error {
    pub use sts_core::error::*;
}

/// The `Operation` trait that ties an input to its output (`sts_core::operation`).
pub mod operation {
    pub use sts_core::operation::*;
}

/// The tower layers the client is built from, for your own `ServiceBuilder`
/// stacks and to name the types in the client's signatures
/// (`OperationService`, `RetryConfig`, ...): the whole `sts-layers` crate.
pub use sts_layers as layers;

/// Checks of header-bound values and timestamps (`sts_core::check`).
pub mod check {
    pub use sts_core::check::*;
}

/// Timestamps as AWS writes them (`sts_core::xml::{format_timestamp, parse_timestamp}`).
pub mod time {
    pub use sts_core::xml::{format_timestamp, parse_timestamp};
}

pub use builder::StsClientBuilder;
pub use client::{ClientConfig, OperationFuture, StsClient};
pub use sts_core::{Error, ErrorKind};
pub use sts_layers::stack::{HttpLayer, HttpService, InsertionPoint};
