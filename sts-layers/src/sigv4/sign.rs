//! The signing step itself, over `aws-sigv4`.

use std::fmt;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SessionTokenMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, sign,
};
use aws_sigv4::sign::v4::SigningParams;

/// The signing name of STS.
pub const SIGNING_NAME: &str = "sts";

/// The request could not be signed.
#[derive(Debug)]
pub struct SigningError {
    message: String,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to sign request: {}", self.message)
    }
}

impl std::error::Error for SigningError {}

/// Errors from outside `sts-core` reach users through `sts_core::Error`, of kind
/// [`Signing`](sts_core::ErrorKind::Signing) here.
impl From<SigningError> for sts_core::Error {
    fn from(e: SigningError) -> Self {
        sts_core::Error::new(sts_core::ErrorKind::Signing, e)
    }
}

pub(crate) fn error(message: impl fmt::Display) -> SigningError {
    SigningError {
        message: message.to_string(),
    }
}

/// Signs `request` in place for `region` at `time`: adds `x-amz-date`,
/// `authorization` and, for temporary credentials, `x-amz-security-token`.
///
/// STS is signed with service name `sts`, the signature in headers, and no
/// `x-amz-content-sha256` header (as botocore and the AWS SDKs send it);
/// temporary credentials add `X-Amz-Security-Token`.
///
/// # Example
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use aws_credential_types::Credentials;
/// use sts_layers::sigv4::sign_request;
///
/// let mut req = http::Request::post("https://sts.eu-west-1.amazonaws.com/")
///     .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
///     .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec())?;
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None, "example");
/// sign_request(&mut req, &creds, "eu-west-1", UNIX_EPOCH + Duration::from_secs(1_440_938_160))?;
/// let auth = req.headers()["authorization"].to_str()?;
/// assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request"));
/// assert!(!format!("{req:?}").contains("secret"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_request<B: AsRef<[u8]>>(
    request: &mut http::Request<B>,
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<(), SigningError> {
    let config = SigningConfig {
        region,
        service: SIGNING_NAME,
        time,
        sign_session_token: true,
        content_sha256_header: false,
        expires_in: None,
    };
    sign_request_with(request, credentials, &config)
}

/// The parameters of [`sign_request_with`].
#[derive(Debug, Clone, Copy)]
pub struct SigningConfig<'a> {
    /// The region in the credential scope.
    pub region: &'a str,
    /// The service in the credential scope (`sts`).
    pub service: &'a str,
    /// The signing time.
    pub time: SystemTime,
    /// Whether `X-Amz-Security-Token` is part of the signature (true for STS;
    /// false adds it after signing, as some services require).
    pub sign_session_token: bool,
    /// Whether to send (and sign) `x-amz-content-sha256` (false for STS, as the
    /// AWS SDKs send it).
    pub content_sha256_header: bool,
    /// Presign: put the signature in the query string (`X-Amz-Signature`,
    /// `X-Amz-Expires` and the rest) instead of headers, valid this long.
    pub expires_in: Option<std::time::Duration>,
}

/// [`sign_request`] for any service name and session-token mode (the SigV4 test
/// suite signs for service `service`).
pub fn sign_request_with<B: AsRef<[u8]>>(
    request: &mut http::Request<B>,
    credentials: &Credentials,
    config: &SigningConfig<'_>,
) -> Result<(), SigningError> {
    let identity = credentials.clone().into();
    let mut settings = SigningSettings::default();
    if !config.sign_session_token {
        settings.session_token_mode = SessionTokenMode::Exclude;
    }
    if config.content_sha256_header {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    if let Some(expires_in) = config.expires_in {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(expires_in);
    }
    let params = SigningParams::builder()
        .identity(&identity)
        .region(config.region)
        .name(config.service)
        .time(config.time)
        .settings(settings)
        .build()
        .map_err(error)?
        .into();
    let mut headers = Vec::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        let value = value
            .to_str()
            .map_err(|_| error(format!("header {name} is not visible ASCII")))?;
        headers.push((name.as_str(), value));
    }
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body().as_ref()),
    )
    .map_err(error)?;
    let (instructions, _signature) = sign(signable, &params).map_err(error)?.into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_errors_keep_their_kind_through_a_box() {
        let boxed: sts_core::error::BoxError = Box::new(sts_core::Error::from(error("bad header")));
        let err = sts_core::Error::from_boxed(boxed);
        assert_eq!(err.kind(), sts_core::ErrorKind::Signing);
        assert!(err.find_source::<SigningError>().is_some());
    }
}
