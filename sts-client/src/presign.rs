//! Presigned requests: any operation as a `GET` URL whose query string carries
//! the parameters and the SigV4 signature, valid for a set time (what the C++
//! SDK calls `ConvertRequestToPresignedUrl`), and the EKS token built from a
//! presigned `GetCallerIdentity`, as `aws eks get-token` makes it.
//!
//! Whoever holds a presigned URL can make the call as you until it expires:
//! `Debug` of [`PresignedRequest`] and [`EksToken`] hides the signature, the
//! session token and the token.
//!
//! # Example
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use aws_credential_types::Credentials;
//! use sts_client::presign::{PresignConfig, presign};
//! use sts_client::model::{GetCallerIdentity, GetCallerIdentityInput};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "doc");
//! let config = PresignConfig::new(Duration::from_secs(60))?
//!     .signing_time(UNIX_EPOCH + Duration::from_secs(1_440_938_160));
//! let url = presign::<GetCallerIdentity>(
//!     &GetCallerIdentityInput::default(),
//!     &creds,
//!     &"https://sts.amazonaws.com".parse()?,
//!     "us-east-1",
//!     &config,
//! )?;
//! assert!(url.uri().to_string().ends_with(
//!     "X-Amz-Signature=1d10ef2bc2bb1b02201752f1912e9eb7a5df0d0d7bd2cc98b1f5557b7a9254be"
//! ));
//! assert!(!format!("{url:?}").contains("1d10ef2b"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use sts_core::error::{Rule, ValidationError};
use sts_core::model::{GetCallerIdentity, GetCallerIdentityInput};
use sts_core::operation::Operation;
use sts_core::{Error, ErrorKind};
use sts_layers::sigv4::{SIGNING_NAME, SigningConfig, sign_request_with};

use crate::context;

/// The longest a SigV4 presigned URL can be valid: 7 days.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// The header that names the cluster in an EKS token.
pub const EKS_CLUSTER_HEADER: &str = "x-k8s-aws-id";
/// The prefix of an EKS token.
pub const EKS_TOKEN_PREFIX: &str = "k8s-aws-v1.";
/// How long the URL inside an EKS token is valid (what `aws eks get-token`
/// signs for).
pub const EKS_URL_EXPIRES_IN: Duration = Duration::from_secs(60);
/// How long `aws eks get-token` tells kubectl to keep a token: 14 minutes (the
/// API server accepts a token for 15).
pub const EKS_TOKEN_LIFETIME: Duration = Duration::from_secs(14 * 60);

/// How to presign.
#[derive(Debug, Clone)]
#[must_use]
pub struct PresignConfig {
    expires_in: Duration,
    signing_time: Option<SystemTime>,
    headers: HeaderMap,
}

impl PresignConfig {
    /// URLs valid for `expires_in` (1 second to 7 days).
    pub fn new(expires_in: Duration) -> Result<Self, Error> {
        if expires_in < Duration::from_secs(1) || expires_in > MAX_EXPIRES_IN {
            return Err(Error::new(
                ErrorKind::Validation,
                format!(
                    "expires_in must be from 1 s to 7 days (604800 s), got {} s",
                    expires_in.as_secs_f64()
                ),
            ));
        }
        Ok(Self {
            expires_in,
            signing_time: None,
            headers: HeaderMap::new(),
        })
    }

    /// Signs as of `time` instead of now (tests, or a corrected clock).
    pub fn signing_time(mut self, time: SystemTime) -> Self {
        self.signing_time = Some(time);
        self
    }

    /// Signs a header too: whoever uses the URL must send it with this value.
    pub fn signed_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// How long the URL is valid.
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }
}

/// A presigned request: a URL, and the headers that must go with it.
#[derive(Clone)]
pub struct PresignedRequest {
    uri: Uri,
    headers: HeaderMap,
    signed_at: SystemTime,
    expires_in: Duration,
}

impl PresignedRequest {
    /// The method: always `GET`.
    pub fn method(&self) -> &http::Method {
        &http::Method::GET
    }

    /// The full URL, signature included. A secret until it expires.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The signed headers other than `host` that the caller must send.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// When the URL stops working.
    pub fn expires_at(&self) -> SystemTime {
        self.signed_at + self.expires_in
    }

    /// An `http::Request` for it, with its headers and an empty body.
    pub fn to_http_request(&self) -> http::Request<bytes::Bytes> {
        let mut req = http::Request::new(bytes::Bytes::new());
        *req.uri_mut() = self.uri.clone();
        *req.headers_mut() = self.headers.clone();
        req
    }
}

impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedRequest")
            .field("uri", &redact_query(&self.uri))
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// The URL with the values of the signature and the session token replaced.
fn redact_query(uri: &Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.to_string();
    };
    let base = uri.to_string();
    let base = base.split_once('?').map_or(base.as_str(), |(b, _)| b);
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k == "X-Amz-Signature" || k == "X-Amz-Security-Token" => {
                format!("{k}=** redacted **")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

/// Presigns operation `O` with `input` for `endpoint` (`https://sts.eu-west-1.amazonaws.com`)
/// and `region`. The input is validated first; nothing is sent.
pub fn presign<O: Operation>(
    input: &O::Input,
    credentials: &Credentials,
    endpoint: &Uri,
    region: &str,
    config: &PresignConfig,
) -> Result<PresignedRequest, Error> {
    O::validate(input)?;
    let query = O::encode(input);
    let path = match endpoint.path() {
        "" => "/",
        path => path,
    };
    let uri = format!(
        "{}://{}{path}?{query}",
        endpoint.scheme_str().unwrap_or("https"),
        endpoint.authority().map_or("", |a| a.as_str()),
    );
    let uri: Uri = uri.parse().map_err(|e| {
        context::error(
            ErrorKind::Construction,
            format!("endpoint {endpoint} does not make a URL"),
            e,
        )
    })?;
    let mut request = http::Request::new(bytes::Bytes::new());
    *request.uri_mut() = uri;
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    let host = HeaderValue::from_str(&host).map_err(|e| {
        context::error(
            ErrorKind::Construction,
            "endpoint host is not a header value",
            e,
        )
    })?;
    request.headers_mut().insert(http::header::HOST, host);
    for (name, value) in &config.headers {
        request.headers_mut().insert(name, value.clone());
    }
    let signed_at = config.signing_time.unwrap_or_else(SystemTime::now);
    let signing = SigningConfig {
        region,
        service: SIGNING_NAME,
        time: signed_at,
        sign_session_token: true,
        content_sha256_header: false,
        expires_in: Some(config.expires_in),
    };
    sign_request_with(&mut request, credentials, &signing)?;
    let (mut parts, _) = request.into_parts();
    parts.headers.remove(http::header::HOST);
    Ok(PresignedRequest {
        uri: parts.uri,
        headers: parts.headers,
        signed_at,
        expires_in: config.expires_in,
    })
}

/// A bearer token for an EKS cluster's API server.
#[derive(Clone)]
pub struct EksToken {
    token: String,
    expires_at: SystemTime,
}

impl EksToken {
    /// The token: `k8s-aws-v1.` and the presigned URL in unpadded base64url.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// When kubectl should ask for a new one (14 minutes after signing).
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

impl fmt::Debug for EksToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EksToken")
            .field("token", &"** redacted **")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The EKS token for `cluster_name`: a `GetCallerIdentity` presigned for 60 s
/// with `x-k8s-aws-id: <cluster>` signed, as `aws eks get-token` makes it.
pub fn eks_token(
    cluster_name: &str,
    credentials: &Credentials,
    endpoint: &Uri,
    region: &str,
    signing_time: Option<SystemTime>,
) -> Result<EksToken, Error> {
    let cluster = HeaderValue::from_str(cluster_name)
        .ok()
        .filter(|_| !cluster_name.is_empty() && cluster_name.len() <= 100);
    let Some(cluster) = cluster else {
        let error = ValidationError::new(
            "EksToken",
            "cluster_name",
            Rule::Length {
                min: Some(1),
                max: Some(100),
            },
            format!("{cluster_name:?} (printable ASCII expected)"),
        );
        return Err(error.into());
    };
    let mut config = PresignConfig::new(EKS_URL_EXPIRES_IN)?
        .signed_header(HeaderName::from_static(EKS_CLUSTER_HEADER), cluster);
    if let Some(time) = signing_time {
        config = config.signing_time(time);
    }
    let url = presign::<GetCallerIdentity>(
        &GetCallerIdentityInput::default(),
        credentials,
        endpoint,
        region,
        &config,
    )?;
    let encoded = URL_SAFE_NO_PAD.encode(url.uri().to_string());
    Ok(EksToken {
        token: format!("{EKS_TOKEN_PREFIX}{encoded}"),
        expires_at: url.signed_at + EKS_TOKEN_LIFETIME,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
            None,
            "test",
        )
    }

    const T: u64 = 1_440_938_160;

    #[test]
    fn expiry_bounds_name_the_field() {
        for bad in [Duration::ZERO, MAX_EXPIRES_IN + Duration::from_secs(1)] {
            let err = PresignConfig::new(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Validation);
            assert!(format!("{err:#}").contains("expires_in must be from 1 s to 7 days"));
        }
        assert!(PresignConfig::new(MAX_EXPIRES_IN).is_ok());
    }

    #[test]
    fn session_tokens_are_signed_into_the_query_and_redacted() {
        let config = PresignConfig::new(Duration::from_secs(900))
            .unwrap()
            .signing_time(UNIX_EPOCH + Duration::from_secs(T));
        let url = presign::<GetCallerIdentity>(
            &GetCallerIdentityInput::default(),
            &creds(Some("TOKEN/with+chars")),
            &"https://sts.eu-west-1.amazonaws.com/".parse().unwrap(),
            "eu-west-1",
            &config,
        )
        .unwrap();
        let text = url.uri().to_string();
        assert!(
            text.starts_with(
                "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
            ),
            "{text}"
        );
        assert!(
            text.contains("X-Amz-Security-Token=TOKEN%2Fwith%2Bchars"),
            "{text}"
        );
        assert!(text.contains("X-Amz-Expires=900"), "{text}");
        assert!(
            text.contains(
                "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Feu-west-1%2Fsts%2Faws4_request"
            )
        );
        assert_eq!(url.expires_at(), UNIX_EPOCH + Duration::from_secs(T + 900));
        assert!(url.headers().is_empty());
        let debug = format!("{url:?}");
        assert!(
            !debug.contains("TOKEN") && debug.contains("X-Amz-Signature=** redacted **"),
            "{debug}"
        );
    }

    #[test]
    fn invalid_input_is_refused_before_signing() {
        let config = PresignConfig::new(Duration::from_secs(60)).unwrap();
        let err = presign::<sts_core::model::AssumeRole>(
            &sts_core::model::AssumeRoleInput::default(),
            &creds(None),
            &"https://sts.amazonaws.com".parse().unwrap(),
            "us-east-1",
            &config,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert_eq!(err.validation_error().unwrap().member(), "RoleArn");
    }

    #[test]
    fn eks_token_decodes_to_a_url_with_the_cluster_header_signed() {
        let token = eks_token(
            "my-cluster",
            &creds(None),
            &"https://sts.us-west-2.amazonaws.com".parse().unwrap(),
            "us-west-2",
            Some(UNIX_EPOCH + Duration::from_secs(T)),
        )
        .unwrap();
        let body = token.token().strip_prefix("k8s-aws-v1.").unwrap();
        assert!(!body.contains('=') && !body.contains('+') && !body.contains('/'));
        let url = String::from_utf8(URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap();
        assert!(
            url.starts_with(
                "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
            ),
            "{url}"
        );
        assert!(url.contains("X-Amz-Expires=60&"), "{url}");
        assert!(
            url.contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&"),
            "{url}"
        );
        assert_eq!(
            token.expires_at(),
            UNIX_EPOCH + Duration::from_secs(T + 14 * 60)
        );
        assert!(!format!("{token:?}").contains("k8s-aws-v1."));

        for bad in ["", "bad\ncluster"] {
            let err = eks_token(
                bad,
                &creds(None),
                &"https://sts.amazonaws.com".parse().unwrap(),
                "us-east-1",
                None,
            )
            .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Validation, "{bad:?}");
            assert_eq!(err.validation_error().unwrap().member(), "cluster_name");
        }
    }
}
