//! tower layers for the AWS Security Token Service.
//!
//! This crate is being built: today it holds the SigV4 signing step
//! ([`sigv4::sign_request`]), checked against botocore's STS signing vectors.
//! The layers themselves (signing, endpoint, retry, timeouts, headers, tracing,
//! body limit, decode) follow.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod sigv4;
