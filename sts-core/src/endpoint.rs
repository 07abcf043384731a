//! The STS endpoint rules: region, FIPS, dual-stack, the global endpoint and a
//! custom endpoint to a URL and a signing region.
//!
//! A transcription of the official rule set (`endpoint-rule-set-1.json`) and its
//! partition table (`partitions.json`): 8 partitions, the `aws-global` region,
//! the legacy global endpoint for the 16 legacy regions when
//! `use_global_endpoint` is set (`AWS_STS_REGIONAL_ENDPOINTS=legacy`), and the
//! configuration errors. The official 69 test cases run in CI against it.
//!
//! # Example
//!
//! ```
//! use sts_core::endpoint::{EndpointParams, resolve};
//!
//! let e = resolve(&EndpointParams::new("eu-west-1"))?;
//! assert_eq!(e.url, "https://sts.eu-west-1.amazonaws.com");
//! assert_eq!(e.signing_region, "eu-west-1");
//!
//! let legacy = resolve(&EndpointParams::new("eu-west-1").use_global_endpoint(true))?;
//! assert_eq!((legacy.url.as_str(), legacy.signing_region.as_str()), ("https://sts.amazonaws.com", "us-east-1"));
//!
//! let fips = resolve(&EndpointParams::new("us-gov-west-1").use_fips(true))?;
//! assert_eq!(fips.url, "https://sts.us-gov-west-1.amazonaws.com");
//!
//! let err = resolve(&EndpointParams::default().endpoint("https://x.example").use_fips(true)).unwrap_err();
//! assert_eq!(err.to_string(), "Invalid Configuration: FIPS and custom endpoint are not supported");
//! # Ok::<(), sts_core::endpoint::EndpointError>(())
//! ```

use std::fmt;

/// The inputs of endpoint resolution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct EndpointParams {
    /// The region (`us-east-1`, `aws-global`, ...).
    pub region: Option<String>,
    /// Use the FIPS endpoint.
    pub use_fips: bool,
    /// Use the dual-stack (IPv4 and IPv6) endpoint.
    pub use_dual_stack: bool,
    /// Send the 16 legacy regions to `sts.amazonaws.com` (the `legacy` setting of
    /// `AWS_STS_REGIONAL_ENDPOINTS`).
    pub use_global_endpoint: bool,
    /// A custom endpoint URL, used as is.
    pub endpoint: Option<String>,
}

impl EndpointParams {
    /// Parameters for `region`, everything else off.
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: Some(region.into()),
            ..Self::default()
        }
    }

    /// Sets [`use_fips`](Self::use_fips).
    pub fn use_fips(mut self, on: bool) -> Self {
        self.use_fips = on;
        self
    }

    /// Sets [`use_dual_stack`](Self::use_dual_stack).
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.use_dual_stack = on;
        self
    }

    /// Sets [`use_global_endpoint`](Self::use_global_endpoint).
    pub fn use_global_endpoint(mut self, on: bool) -> Self {
        self.use_global_endpoint = on;
        self
    }

    /// Sets a custom endpoint URL.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The URL to send requests to (no trailing slash, as the rules write it).
    pub url: String,
    /// The region to sign for (`us-east-1` for the global endpoint).
    pub signing_region: String,
    /// The signing name: always `sts`.
    pub signing_name: &'static str,
}

/// The configuration cannot be resolved to an endpoint (the rule set's error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    message: std::borrow::Cow<'static, str>,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EndpointError {}

impl crate::error::Classify for EndpointError {
    fn error_kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::Construction
    }
}

/// One partition of `partitions.json`.
#[derive(Debug)]
struct Partition {
    name: &'static str,
    /// `^(<prefix>)\-\w+\-\d+$` for each prefix.
    region_prefixes: &'static [&'static str],
    regions: &'static [&'static str],
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    supports_fips: bool,
    supports_dual_stack: bool,
}

static PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws",
        region_prefixes: &[
            "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-",
        ],
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-cn",
        region_prefixes: &["cn-"],
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-eusc",
        region_prefixes: &["eusc-de-"],
        regions: &["eusc-de-east-1"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-iso",
        region_prefixes: &["us-iso-"],
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-iso-b",
        region_prefixes: &["us-isob-"],
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-iso-e",
        region_prefixes: &["eu-isoe-"],
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-iso-f",
        region_prefixes: &["us-isof-"],
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        name: "aws-us-gov",
        region_prefixes: &["us-gov-"],
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
    },
];

/// The regions that go to `sts.amazonaws.com` when the global endpoint is on.
const LEGACY_GLOBAL_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

const GLOBAL_URL: &str = "https://sts.amazonaws.com";

/// `<prefix>\w+\-\d+` with nothing after.
fn matches_region_pattern(region: &str, prefix: &str) -> bool {
    let Some(rest) = region.strip_prefix(prefix) else {
        return false;
    };
    let Some((word, digits)) = rest.split_once('-') else {
        return false;
    };
    !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The rule set's `aws.partition`: an exact region match, then a pattern match,
/// then the `aws` partition.
fn partition(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| {
            PARTITIONS.iter().find(|p| {
                p.region_prefixes
                    .iter()
                    .any(|pre| matches_region_pattern(region, pre))
            })
        })
        .unwrap_or(&PARTITIONS[0])
}

fn error(message: &'static str) -> EndpointError {
    EndpointError {
        message: message.into(),
    }
}

/// Resolves the endpoint for `params`, following the STS rule set rule by rule.
pub fn resolve(params: &EndpointParams) -> Result<Endpoint, EndpointError> {
    let at = |url: String, signing_region: &str| Endpoint {
        url,
        signing_region: signing_region.to_owned(),
        signing_name: "sts",
    };
    let region = params.region.as_deref();
    // Before every rule: the region goes into a host name and a credential
    // scope, so it must be a host label (`us-east-1.amazonaws.com@evil.example#`
    // would otherwise make the URL's host `evil.example`).
    if let Some(region) = region
        && let Err(e) = crate::check::region(region)
    {
        return Err(EndpointError {
            message: format!("Invalid Configuration: {e}").into(),
        });
    }

    // Rule 1: the legacy global endpoint.
    if params.use_global_endpoint
        && params.endpoint.is_none()
        && !params.use_fips
        && !params.use_dual_stack
        && let Some(region) = region
    {
        if LEGACY_GLOBAL_REGIONS.contains(&region) {
            return Ok(at(GLOBAL_URL.to_owned(), "us-east-1"));
        }
        return Ok(at(
            format!("https://sts.{region}.{}", partition(region).dns_suffix),
            region,
        ));
    }

    // Rule 2: a custom endpoint.
    if let Some(url) = &params.endpoint {
        if params.use_fips {
            return Err(error(
                "Invalid Configuration: FIPS and custom endpoint are not supported",
            ));
        }
        if params.use_dual_stack {
            return Err(error(
                "Invalid Configuration: Dualstack and custom endpoint are not supported",
            ));
        }
        return Ok(at(url.clone(), region.unwrap_or("")));
    }

    // Rule 3: the region.
    let Some(region) = region else {
        return Err(error("Invalid Configuration: Missing Region"));
    };
    let p = partition(region);
    match (params.use_fips, params.use_dual_stack) {
        (true, true) => {
            if p.supports_fips && p.supports_dual_stack {
                return Ok(at(
                    format!("https://sts-fips.{region}.{}", p.dual_stack_dns_suffix),
                    region,
                ));
            }
            Err(error(
                "FIPS and DualStack are enabled, but this partition does not support one or both",
            ))
        }
        (true, false) => {
            if !p.supports_fips {
                return Err(error(
                    "FIPS is enabled but this partition does not support FIPS",
                ));
            }
            if p.name == "aws-us-gov" {
                return Ok(at(format!("https://sts.{region}.amazonaws.com"), region));
            }
            Ok(at(
                format!("https://sts-fips.{region}.{}", p.dns_suffix),
                region,
            ))
        }
        (false, true) => {
            if !p.supports_dual_stack {
                return Err(error(
                    "DualStack is enabled but this partition does not support DualStack",
                ));
            }
            Ok(at(
                format!("https://sts.{region}.{}", p.dual_stack_dns_suffix),
                region,
            ))
        }
        (false, false) if region == "aws-global" => Ok(at(GLOBAL_URL.to_owned(), "us-east-1")),
        (false, false) => Ok(at(format!("https://sts.{region}.{}", p.dns_suffix), region)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The project's own table: one case per branch of the rules.
    #[test]
    fn table() {
        let p = EndpointParams::new;
        let cases: &[(EndpointParams, Result<(&str, &str), &str>)] = &[
            (
                p("us-west-2"),
                Ok(("https://sts.us-west-2.amazonaws.com", "us-west-2")),
            ),
            (
                p("us-east-1"),
                Ok(("https://sts.us-east-1.amazonaws.com", "us-east-1")),
            ),
            (
                p("aws-global"),
                Ok(("https://sts.amazonaws.com", "us-east-1")),
            ),
            (
                p("us-west-2").use_global_endpoint(true),
                Ok(("https://sts.amazonaws.com", "us-east-1")),
            ),
            (
                p("ap-east-1").use_global_endpoint(true),
                Ok(("https://sts.ap-east-1.amazonaws.com", "ap-east-1")),
            ),
            (
                p("cn-north-1").use_global_endpoint(true),
                Ok(("https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1")),
            ),
            (
                p("us-west-2").use_global_endpoint(true).use_fips(true),
                Ok(("https://sts-fips.us-west-2.amazonaws.com", "us-west-2")),
            ),
            (
                p("eu-west-1").use_fips(true).use_dual_stack(true),
                Ok(("https://sts-fips.eu-west-1.api.aws", "eu-west-1")),
            ),
            (
                p("eu-west-1").use_dual_stack(true),
                Ok(("https://sts.eu-west-1.api.aws", "eu-west-1")),
            ),
            (
                p("us-gov-east-1").use_fips(true),
                Ok(("https://sts.us-gov-east-1.amazonaws.com", "us-gov-east-1")),
            ),
            (
                p("eusc-de-east-1"),
                Ok(("https://sts.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1")),
            ),
            (
                p("eusc-de-west-9").use_fips(true),
                Ok((
                    "https://sts-fips.eusc-de-west-9.amazonaws.eu",
                    "eusc-de-west-9",
                )),
            ),
            (
                p("us-isob-east-1"),
                Ok(("https://sts.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1")),
            ),
            (
                p("us-isof-south-1").use_dual_stack(true),
                Ok((
                    "https://sts.us-isof-south-1.api.aws.hci.ic.gov",
                    "us-isof-south-1",
                )),
            ),
            (
                p("mars-west-1"),
                Ok(("https://sts.mars-west-1.amazonaws.com", "mars-west-1")),
            ),
            (
                p("us-east-1").endpoint("http://127.0.0.1:4566"),
                Ok(("http://127.0.0.1:4566", "us-east-1")),
            ),
            (
                p("us-east-1").endpoint("https://x").use_dual_stack(true),
                Err("Invalid Configuration: Dualstack and custom endpoint are not supported"),
            ),
            (
                EndpointParams::default(),
                Err("Invalid Configuration: Missing Region"),
            ),
            (
                EndpointParams::default().use_global_endpoint(true),
                Err("Invalid Configuration: Missing Region"),
            ),
        ];
        for (params, expected) in cases {
            let got = resolve(params).map_err(|e| e.to_string());
            let got = got
                .as_ref()
                .map(|e| (e.url.as_str(), e.signing_region.as_str()))
                .map_err(String::as_str);
            assert_eq!(got, *expected, "{params:?}");
        }
    }

    #[test]
    fn endpoint_errors_are_classified_as_construction_when_wrapped() {
        let err = crate::Error::classified(resolve(&EndpointParams::default()).unwrap_err());
        assert_eq!(err.kind(), crate::ErrorKind::Construction);
        // Through a box, the classification travels with the `Error`.
        let boxed: crate::error::BoxError = Box::new(err);
        assert_eq!(
            crate::Error::from_boxed(boxed).kind(),
            crate::ErrorKind::Construction
        );
    }

    #[test]
    fn regions_that_are_not_host_labels_never_reach_a_url() {
        for region in [
            "us-east-1.amazonaws.com@evil.example#",
            "us-east-1/x",
            "us east",
            "a\nb",
            "",
        ] {
            for params in [
                EndpointParams::new(region),
                EndpointParams::new(region).use_global_endpoint(true),
                EndpointParams::new(region).endpoint("https://sts.example.com"),
            ] {
                let err = resolve(&params).unwrap_err().to_string();
                assert!(err.contains("host label"), "{region:?}: {err}");
            }
        }
    }

    #[test]
    fn region_patterns() {
        assert_eq!(partition("us-gov-west-1").name, "aws-us-gov");
        assert_eq!(partition("us-iso-west-7").name, "aws-iso");
        assert_eq!(partition("us-west-7").name, "aws");
        assert_eq!(partition("cn-south-9").name, "aws-cn");
        assert_eq!(partition("eu-isoe-north-2").name, "aws-iso-e");
        assert!(!matches_region_pattern("us-west-", "us-"));
        assert!(!matches_region_pattern("us-west-1a", "us-"));
    }
}
