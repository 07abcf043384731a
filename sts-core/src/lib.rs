//! The AWS Security Token Service (STS) model and its wire format, with no I/O.
//!
//! - [`model`]: the 11 operations of the 2011-06-15 API, each with an input (and
//!   its builder, which checks every constraint of the model), an output, and a
//!   unit struct implementing [`Operation`](operation::Operation).
//! - [`query`]: the awsQuery form encoding of requests.
//! - [`xml`]: decoding of responses and error responses with `quick-xml`.
//! - [`error`]: the one public [`Error`] type, and its causes.
//!
//! This crate has no tokio, no tower and no HTTP client: it is what the layers
//! of `sts-layers` and the client of `sts-client` are built on.
//!
//! # Example
//!
//! ```
//! use sts_core::model::{AssumeRole, AssumeRoleInput, Tag};
//! use sts_core::operation::Operation;
//!
//! let input = AssumeRoleInput::builder()
//!     .role_arn("arn:aws:iam::123456789012:role/demo")
//!     .role_session_name("ci-build-42")
//!     .add_tag(Tag::new("team", "payments"))
//!     .duration_seconds(3600)
//!     .build()?;
//! let body = AssumeRole::encode(&input);
//! assert!(body.starts_with("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam"));
//! assert!(body.contains("&Tags.member.1.Key=team&Tags.member.1.Value=payments"));
//!
//! let response = br#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
//!   <AssumeRoleResult>
//!     <Credentials>
//!       <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>
//!       <SessionToken>token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>
//!     </Credentials>
//!     <AssumedRoleUser><AssumedRoleId>AROA:ci</AssumedRoleId>
//!       <Arn>arn:aws:sts::123456789012:assumed-role/demo/ci</Arn></AssumedRoleUser>
//!   </AssumeRoleResult>
//!   <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
//! </AssumeRoleResponse>"#;
//! let output = AssumeRole::decode(response)?;
//! assert_eq!(output.credentials.as_ref().map(|c| c.access_key_id()), Some("ASIAEXAMPLE"));
//! assert_eq!(output.request_id.as_deref(), Some("c6104cbe-af31-11e0-8154-cbc7ccf896c7"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod check;
pub mod endpoint;
pub mod error;
pub mod model;
pub mod operation;
pub mod query;
mod validate;
pub mod xml;

pub use error::{Error, ErrorKind};
