//! The tokens the unsigned operations accept: OIDC JWTs and SAML assertions.
//!
//! The emulator reads their claims and checks issuer, audience and expiry
//! against the configuration; it does not verify the identity provider's
//! signature (it has no provider keys), which is documented on the crate.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Value, json};

/// The claims of a JWT the emulator cares about.
#[derive(Debug)]
pub(crate) struct JwtClaims {
    pub(crate) issuer: String,
    pub(crate) subject: String,
    pub(crate) audiences: Vec<String>,
    pub(crate) expires: Option<SystemTime>,
}

/// Reads a JWT's payload (`header.payload.signature`, base64url JSON).
pub(crate) fn parse_jwt(token: &str) -> Result<JwtClaims, String> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(format!(
            "a JWT has 3 dot-separated parts; this token has {}",
            parts.len()
        ));
    }
    let payload = URL_SAFE_NO_PAD
        .decode(parts[1].trim_end_matches('='))
        .map_err(|_| "the JWT payload is not base64url".to_owned())?;
    let claims: Value =
        serde_json::from_slice(&payload).map_err(|_| "the JWT payload is not JSON".to_owned())?;
    let string = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let issuer = string("iss").ok_or("the JWT has no iss claim")?;
    let subject = string("sub").ok_or("the JWT has no sub claim")?;
    let audiences = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => return Err("the JWT has no aud claim".to_owned()),
    };
    // `exp` is the caller's number: any u64 (or a float, a string) must give
    // an error, never an overflowing time.
    let expires = match claims.get("exp") {
        None => None,
        Some(exp) => Some(
            exp.as_u64()
                .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
                .filter(|t| sts_core::check::timestamp_in_range(*t))
                .ok_or("the JWT's exp claim is not a time in 1970..=9999 in seconds")?,
        ),
    };
    Ok(JwtClaims {
        issuer,
        subject,
        audiences,
        expires,
    })
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The claims of a JWT the emulator issues.
pub(crate) struct Jwt<'a> {
    pub(crate) algorithm: &'a str,
    pub(crate) issuer: &'a str,
    pub(crate) subject: &'a str,
    pub(crate) audiences: &'a [String],
    pub(crate) issued: SystemTime,
    pub(crate) expires: SystemTime,
    pub(crate) extra: &'a [(String, String)],
}

impl Jwt<'_> {
    /// The token, "signed" with an HMAC of the emulator's key (enough for
    /// tokens that only the emulator reads back).
    pub(crate) fn sign(&self, key: &[u8]) -> String {
        let header = json!({ "alg": self.algorithm, "typ": "JWT", "kid": "sts-emulator" });
        let aud = match self.audiences {
            [one] => json!(one),
            many => json!(many),
        };
        let mut claims = json!({
            "iss": self.issuer,
            "sub": self.subject,
            "aud": aud,
            "iat": unix(self.issued),
            "exp": unix(self.expires),
        });
        for (k, v) in self.extra {
            claims[k.as_str()] = json!(v);
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mac = aws_sigv4::sign::v4::calculate_signature(key, signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac))
    }
}

/// What the emulator reads from a SAML response.
#[derive(Debug, Default)]
pub(crate) struct SamlClaims {
    pub(crate) issuer: Option<String>,
    pub(crate) subject: Option<String>,
    pub(crate) subject_format: Option<String>,
    pub(crate) audience: Option<String>,
    pub(crate) not_on_or_after: Option<SystemTime>,
    pub(crate) session_name: Option<String>,
    /// `role_arn,provider_arn` pairs of the Role attribute.
    pub(crate) roles: Vec<String>,
    pub(crate) session_duration: Option<i32>,
}

const ATTR_ROLE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
const ATTR_SESSION_NAME: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
const ATTR_DURATION: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";

/// Decodes a base64 SAML response and reads its claims.
pub(crate) fn parse_saml(assertion: &str) -> Result<SamlClaims, String> {
    let xml = STANDARD
        .decode(assertion.trim())
        .map_err(|_| "the SAML assertion is not base64".to_owned())?;
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut claims = SamlClaims::default();
    let mut path: Vec<String> = Vec::new();
    let mut attribute: Option<String> = None;
    let mut buf = Vec::new();
    let mut saw_root = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("the SAML assertion is not XML: {e}"))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                saw_root = true;
                let name = e.local_name().as_ref().to_owned();
                for a in e.attributes().flatten() {
                    let key = a.key.local_name().as_ref().to_owned();
                    let value = a.value.to_string();
                    match (name.as_str(), key.as_str()) {
                        ("NameID", "Format") => claims.subject_format = Some(value),
                        ("Attribute", "Name") => attribute = Some(value),
                        ("Conditions" | "SubjectConfirmationData", "NotOnOrAfter") => {
                            if let Ok(t) = sts_core::xml::parse_timestamp(&value) {
                                claims.not_on_or_after = Some(
                                    claims
                                        .not_on_or_after
                                        .map_or(t, |old: SystemTime| old.min(t)),
                                );
                            }
                        }
                        _ => {}
                    }
                }
                path.push(name);
            }
            Event::End(_) if path.pop().as_deref() == Some("Attribute") => attribute = None,
            Event::Text(t) => {
                let text = t.xml10_content().trim().to_owned();
                if text.is_empty() {
                    continue;
                }
                match path.last().map(String::as_str) {
                    Some("Issuer") if claims.issuer.is_none() => claims.issuer = Some(text),
                    Some("NameID") => claims.subject = Some(text),
                    Some("Audience") => claims.audience = Some(text),
                    Some("AttributeValue") => match attribute.as_deref() {
                        Some(ATTR_ROLE) => claims.roles.push(text),
                        Some(ATTR_SESSION_NAME) => claims.session_name = Some(text),
                        Some(ATTR_DURATION) => claims.session_duration = text.parse().ok(),
                        _ => {}
                    },
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err("the SAML assertion is empty".to_owned());
    }
    Ok(claims)
}

/// A base64 SAML response for `role_arn` via `provider_arn`, as an identity
/// provider would send it (unsigned).
pub(crate) fn make_saml(
    issuer: &str,
    subject: &str,
    session_name: &str,
    role_arn: &str,
    provider_arn: &str,
    not_on_or_after: SystemTime,
) -> String {
    let until = sts_core::xml::format_timestamp(not_on_or_after);
    let xml = format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0">
<saml:Issuer>{issuer}</saml:Issuer>
<saml:Assertion ID="_a1" Version="2.0">
<saml:Issuer>{issuer}</saml:Issuer>
<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{subject}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation></saml:Subject>
<saml:Conditions NotOnOrAfter="{until}"><saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions>
<saml:AttributeStatement>
<saml:Attribute Name="{ATTR_ROLE}"><saml:AttributeValue>{role_arn},{provider_arn}</saml:AttributeValue></saml:Attribute>
<saml:Attribute Name="{ATTR_SESSION_NAME}"><saml:AttributeValue>{session_name}</saml:AttributeValue></saml:Attribute>
</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>"#
    );
    STANDARD.encode(xml)
}
