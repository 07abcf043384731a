//! Endpoint resolution as a tower layer.
//!
//! The endpoint is resolved once, when the layer is built, with the STS rule set
//! of [`sts_core::endpoint`]: resolution errors (no region, FIPS with a custom
//! endpoint, ...) surface at construction, before any request. Each request then
//! gets the endpoint's URI and a [`SigningRegion`] extension for the signing layer.
//!
//! The layer takes plain [`EndpointParams`]; `sts_client::config` reads them
//! from the settings users know (`AWS_ENDPOINT_URL_STS`, `AWS_USE_FIPS_ENDPOINT`,
//! ...).
//!
//! # Example
//!
//! ```
//! use sts_core::endpoint::EndpointParams;
//! use sts_layers::endpoint::ResolveEndpointLayer;
//!
//! let layer = ResolveEndpointLayer::new(&EndpointParams::new("eu-west-1").use_fips(true))?;
//! assert_eq!(layer.uri().to_string(), "https://sts-fips.eu-west-1.amazonaws.com/");
//! assert_eq!(layer.signing_region().as_str(), "eu-west-1");
//!
//! let err = ResolveEndpointLayer::new(&EndpointParams::default()).unwrap_err();
//! assert_eq!(err.kind(), sts_core::ErrorKind::Construction);
//! # Ok::<(), sts_core::Error>(())
//! ```

use std::task::{Context, Poll};

use bytes::Bytes;
use sts_core::endpoint::{Endpoint, EndpointParams, resolve};
use tower::{Layer, Service};

use crate::settings::SettingError;
use crate::shared::SigningRegion;

/// Sets each request's URI and signing region to the resolved endpoint's.
#[derive(Debug, Clone)]
pub struct ResolveEndpoint<S> {
    inner: S,
    endpoint: ResolveEndpointLayer,
}

impl<S> ResolveEndpoint<S> {
    crate::inner_service_accessors!();
}

impl<S> Service<http::Request<Bytes>> for ResolveEndpoint<S>
where
    S: Service<http::Request<Bytes>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: http::Request<Bytes>) -> Self::Future {
        *req.uri_mut() = self.endpoint.uri.clone();
        req.extensions_mut()
            .insert(self.endpoint.signing_region.clone());
        self.inner.call(req)
    }
}

/// Applies [`ResolveEndpoint`] with an endpoint resolved at construction.
#[derive(Debug, Clone)]
pub struct ResolveEndpointLayer {
    uri: http::Uri,
    signing_region: SigningRegion,
}

impl ResolveEndpointLayer {
    /// Resolves `params` with the STS rule set.
    pub fn new(params: &EndpointParams) -> Result<Self, sts_core::Error> {
        let endpoint = resolve(params).map_err(sts_core::Error::classified)?;
        Self::from_endpoint(&endpoint)
    }

    /// Uses an endpoint resolved elsewhere.
    pub fn from_endpoint(endpoint: &Endpoint) -> Result<Self, sts_core::Error> {
        Ok(Self {
            uri: endpoint_uri(&endpoint.url)?,
            signing_region: SigningRegion::new(endpoint.signing_region.as_str()),
        })
    }

    /// The URI every request is sent to.
    pub fn uri(&self) -> &http::Uri {
        &self.uri
    }

    /// The region requests are signed for.
    pub fn signing_region(&self) -> &SigningRegion {
        &self.signing_region
    }
}

impl<S> Layer<S> for ResolveEndpointLayer {
    type Service = ResolveEndpoint<S>;

    fn layer(&self, inner: S) -> ResolveEndpoint<S> {
        ResolveEndpoint {
            inner,
            endpoint: self.clone(),
        }
    }
}

fn endpoint_uri(url: &str) -> Result<http::Uri, sts_core::Error> {
    let shown = redact_user_info(url);
    let refuse = |rule: &'static str| SettingError::new("endpoint URL", rule, shown.clone());
    const FORM: &str = "http(s)://host[:port][/path]";
    if url.contains('#') {
        return Err(refuse("http(s)://host[:port][/path] without a #fragment").into());
    }
    let uri: http::Uri = url.parse().map_err(|_| refuse(FORM))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let Some(authority) = uri.authority().filter(|_| scheme_ok) else {
        return Err(refuse(FORM).into());
    };
    if authority.as_str().contains('@') {
        return Err(
            refuse("http(s)://host[:port][/path] without user info (user:password@)").into(),
        );
    }
    if uri.query().is_some() {
        return Err(refuse("http(s)://host[:port][/path] without a ?query").into());
    }
    if uri.scheme_str() == Some("http") && !is_loopback(authority.host()) {
        tracing::warn!(
            endpoint = %uri,
            "the STS endpoint is plain http:// to a host that is not loopback: requests, \
             signatures and credentials in answers cross the network unencrypted"
        );
    }
    if uri.path().is_empty() || uri.path() == "/" {
        let mut parts = uri.into_parts();
        parts.path_and_query = Some(http::uri::PathAndQuery::from_static("/"));
        return http::Uri::from_parts(parts).map_err(|_| refuse(FORM).into());
    }
    Ok(uri)
}

/// `localhost`, `127.0.0.0/8`, `::1`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `https://***@host/` for `https://user:password@host/`: a password never
/// reaches an error message.
fn redact_user_info(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_with_user_info_fragment_or_query_are_refused() {
        for (url, rule) in [
            ("https://user:hunter2@sts.example.com/", "user info"),
            ("https://sts.example.com/#x", "fragment"),
            ("https://sts.example.com#", "fragment"),
            ("https://sts.example.com/?a=b", "query"),
            ("ftp://sts.example.com/", "http(s)://"),
            ("sts.example.com", "http(s)://"),
        ] {
            let err = ResolveEndpointLayer::new(&EndpointParams::new("us-east-1").endpoint(url))
                .unwrap_err();
            let text = format!("{err:#}");
            assert!(text.contains(rule), "{url}: {text}");
            assert!(!text.contains("hunter2"), "{text}");
        }
        assert_eq!(redact_user_info("http://a:b@h:1/p@q"), "http://***@h:1/p@q");
        assert!(is_loopback("127.0.0.1") && is_loopback("[::1]") && is_loopback("LOCALHOST"));
        assert!(!is_loopback("sts.example.com") && !is_loopback("10.0.0.1"));
    }

    #[test]
    fn resolution_errors_surface_at_construction() {
        let fips_custom = EndpointParams::new("us-east-1")
            .use_fips(true)
            .endpoint("https://example.com");
        let err = ResolveEndpointLayer::new(&fips_custom).unwrap_err();
        assert_eq!(err.kind(), sts_core::ErrorKind::Construction);
        let err = ResolveEndpointLayer::new(&EndpointParams::new("us-east-1").endpoint("ftp://x"))
            .unwrap_err();
        assert!(format!("{err:#}").contains("ftp://x"), "{err:#}");
    }

    #[test]
    fn requests_get_the_uri_and_signing_region() {
        use tower::ServiceExt;
        let layer = ResolveEndpointLayer::new(&EndpointParams::new("aws-global")).unwrap();
        let svc = layer.layer(tower::service_fn(|req: http::Request<Bytes>| async move {
            Ok::<_, std::convert::Infallible>((
                req.uri().to_string(),
                req.extensions().get::<SigningRegion>().cloned(),
            ))
        }));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (uri, region) = rt
            .block_on(svc.oneshot(http::Request::new(Bytes::new())))
            .unwrap();
        assert_eq!(uri, "https://sts.amazonaws.com/");
        assert_eq!(region.unwrap().as_str(), "us-east-1");
    }
}
