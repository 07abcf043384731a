//! The [`Operation`] trait: what the HTTP-level stack needs to know of an operation.
//!
//! # Example
//!
//! ```
//! use sts_core::operation::Operation;
//! use sts_core::model::{AssumeRoleWithWebIdentity, GetCallerIdentity, GetCallerIdentityInput};
//!
//! assert_eq!(GetCallerIdentity::NAME, "GetCallerIdentity");
//! assert!(GetCallerIdentity::SIGNED);
//! assert!(!AssumeRoleWithWebIdentity::SIGNED);
//! let body = GetCallerIdentity::encode(&GetCallerIdentityInput::builder().build()?);
//! assert_eq!(body, "Action=GetCallerIdentity&Version=2011-06-15");
//! # Ok::<(), sts_core::error::ValidationError>(())
//! ```

use std::fmt::Debug;

use crate::error::{Error, ValidationError};

/// What the transport-level stack needs to know of the operation a request belongs to.
///
/// Carried in the request's extensions from encoding to signing and tracing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// The action name (`AssumeRole`).
    pub name: &'static str,
    /// Whether the request is signed with SigV4 (`false` for
    /// `AssumeRoleWithSAML` and `AssumeRoleWithWebIdentity`).
    pub signed: bool,
}

/// One STS operation: its name, whether it is signed, its input and output, and
/// how to validate, encode and decode them.
///
/// Implemented by the unit structs in [`crate::model`] (`AssumeRole`, ...).
pub trait Operation: Copy + Default + Debug + Send + Sync + 'static {
    /// The action name sent as `Action=`.
    const NAME: &'static str;
    /// Whether requests are signed.
    const SIGNED: bool;
    /// The operation's metadata.
    const META: OperationMeta = OperationMeta {
        name: Self::NAME,
        signed: Self::SIGNED,
    };
    /// The input type.
    type Input: Clone + Debug + Send + Sync + 'static;
    /// The output type.
    type Output: Debug + Send + Sync + 'static;

    /// Checks the input against the model's constraints.
    fn validate(input: &Self::Input) -> Result<(), ValidationError>;
    /// The awsQuery form body for the input (not validated: call [`validate`](Self::validate) first).
    fn encode(input: &Self::Input) -> String;
    /// Decodes a successful (2xx) response body.
    fn decode(body: &[u8]) -> Result<Self::Output, Error>;
}
