//! Endpoint resolution as a tower layer.
//!
//! The endpoint is resolved once, when the layer is built, with the STS rule set
//! of [`sts_core::endpoint`]: resolution errors (no region, FIPS with a custom
//! endpoint, ...) surface at construction, before any request. Each request then
//! gets the endpoint's URI and a [`SigningRegion`] extension for the signing layer.
//!
//! [`params_from_env`] reads the settings users know: `AWS_ENDPOINT_URL_STS`,
//! `AWS_ENDPOINT_URL` (both ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is
//! true), `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT` and
//! `AWS_STS_REGIONAL_ENDPOINTS` (`regional`, the default, or `legacy`).
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

use crate::settings::{SettingError, parse_bool};
use crate::sigv4::SigningRegion;

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
        let endpoint = resolve(params)
            .map_err(|e| sts_core::Error::new(sts_core::ErrorKind::Construction, e))?;
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

/// Endpoint parameters for `region` from the `AWS_*` settings, read through
/// `env` (pass [`process_env`](crate::settings::process_env) for the real
/// environment).
pub fn params_from_env(
    region: Option<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<EndpointParams, SettingError> {
    let mut params = EndpointParams {
        region,
        ..EndpointParams::default()
    };
    let flag = |name: &str| env(name).map(|v| parse_bool(name, &v)).transpose();
    if let Some(on) = flag("AWS_USE_FIPS_ENDPOINT")? {
        params.use_fips = on;
    }
    if let Some(on) = flag("AWS_USE_DUALSTACK_ENDPOINT")? {
        params.use_dual_stack = on;
    }
    if let Some(mode) = env("AWS_STS_REGIONAL_ENDPOINTS") {
        params.use_global_endpoint = match mode.trim() {
            m if m.eq_ignore_ascii_case("legacy") => true,
            m if m.eq_ignore_ascii_case("regional") => false,
            _ => {
                return Err(SettingError::new(
                    "AWS_STS_REGIONAL_ENDPOINTS",
                    "regional or legacy",
                    mode,
                ));
            }
        };
    }
    if !flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.unwrap_or(false) {
        params.endpoint = env("AWS_ENDPOINT_URL_STS").or_else(|| env("AWS_ENDPOINT_URL"));
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        let map: HashMap<_, _> = vars.iter().copied().collect();
        move |k| map.get(k).map(|v| (*v).to_owned())
    }

    fn url(region: &str, vars: &[(&str, &str)]) -> String {
        let params = params_from_env(Some(region.into()), env(vars)).unwrap();
        ResolveEndpointLayer::new(&params)
            .unwrap()
            .uri()
            .to_string()
    }

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
    fn environment_settings_reach_the_endpoint() {
        let table: &[(&str, &[(&str, &str)], &str)] = &[
            ("us-west-2", &[], "https://sts.us-west-2.amazonaws.com/"),
            (
                "us-west-2",
                &[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")],
                "https://sts.amazonaws.com/",
            ),
            (
                "us-west-2",
                &[("AWS_STS_REGIONAL_ENDPOINTS", "Regional")],
                "https://sts.us-west-2.amazonaws.com/",
            ),
            // Not one of the 16 legacy regions: stays regional.
            (
                "ap-east-1",
                &[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")],
                "https://sts.ap-east-1.amazonaws.com/",
            ),
            (
                "us-east-2",
                &[("AWS_USE_FIPS_ENDPOINT", "TRUE")],
                "https://sts-fips.us-east-2.amazonaws.com/",
            ),
            (
                "eu-west-1",
                &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
                "https://sts.eu-west-1.api.aws/",
            ),
            (
                "eu-west-1",
                &[
                    ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
                    ("AWS_ENDPOINT_URL_STS", "http://localhost:5000/sts"),
                ],
                "http://localhost:5000/sts",
            ),
            (
                "eu-west-1",
                &[("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")],
                "http://127.0.0.1:4566/",
            ),
            (
                "eu-west-1",
                &[
                    ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
                    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
                ],
                "https://sts.eu-west-1.amazonaws.com/",
            ),
            (
                "cn-north-1",
                &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
                "https://sts.cn-north-1.api.amazonwebservices.com.cn/",
            ),
        ];
        for (region, vars, expected) in table {
            assert_eq!(url(region, vars), *expected, "{region} {vars:?}");
        }
    }

    #[test]
    fn bad_settings_name_the_variable_and_the_value() {
        let err = params_from_env(None, env(&[("AWS_USE_FIPS_ENDPOINT", "yes")])).unwrap_err();
        assert_eq!(err.setting(), "AWS_USE_FIPS_ENDPOINT");
        assert_eq!(err.given(), "yes");
        assert_eq!(
            err.to_string(),
            "AWS_USE_FIPS_ENDPOINT must be true or false, got \"yes\""
        );
        let err =
            params_from_env(None, env(&[("AWS_STS_REGIONAL_ENDPOINTS", "global")])).unwrap_err();
        assert_eq!(err.rule(), "regional or legacy");
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
