//! A hostile server: the client driven through an in-memory transport whose
//! answers are generated (status, `Date`, `Retry-After`, `x-amz-retry-after`,
//! `Content-Length`, and bodies from the fuzz seeds, mutated, or with mutated
//! credential values). Whatever comes back: no panic, at most the configured
//! attempts, bounded time on the paused clock, and the next good answer
//! still works with a sane signing time (nothing the server said moved the
//! clock out of bounds). Credentials that reach a cached provider can sign.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use bytes::Bytes;
use http_body_util::Full;
use proptest::prelude::*;
use sts_client::StsClient;
use sts_client::credentials::AssumeRoleProvider;
use sts_core::model::*;
use sts_layers::timeout::DEFAULT_OPERATION_TIMEOUT;

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";

/// What the hostile server sends.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    date: Option<String>,
    retry_after: Option<String>,
    amz_retry_after: Option<String>,
    content_length: Option<String>,
    body: Vec<u8>,
}

fn seeds() -> Vec<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    let mut out = Vec::new();
    for dir in ["decode_response", "error_response"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            out.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    assert!(out.len() >= 9, "the fuzz seeds are where they should be");
    out
}

/// An AssumeRole answer whose credential values are the hostile ones.
fn credentials_body(key: &str, secret: &str, token: &str, expiration: &str) -> Vec<u8> {
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
         <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn>\
         </AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
         </AssumeRoleResponse>"
    )
    .into_bytes()
}

fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ASIAEXAMPLE".to_owned()),
        Just("ASIA&#10;X".to_owned()),
        Just("ASIA X".to_owned()),
        Just("&#13;&#10;x-evil: 1".to_owned()),
        Just("&#0;".to_owned()),
        Just(String::new()),
        Just("é".repeat(100)),
        Just("A".repeat(20_000)),
        "[ -~]{0,40}",
    ]
}

fn hostile_time() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2031-01-01T00:00:00Z".to_owned()),
        Just("9999-12-31T23:59:59-23:59".to_owned()),
        Just("9999-12-31T23:59:59Z".to_owned()),
        Just("1969-12-31T23:59:59Z".to_owned()),
        Just("0000-01-01T00:00:00+23:59".to_owned()),
        Just("+275760-09-13T00:00:00Z".to_owned()),
        Just("2031-02-30T00:00:00Z".to_owned()),
        "[0-9T:Z+-]{0,30}",
    ]
}

fn body(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    let mutated = (
        0..n,
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        proptest::option::of(any::<prop::sample::Index>()),
    )
        .prop_map(move |(i, flips, cut)| {
            let mut b = seeds[i].clone();
            if !b.is_empty() {
                for (at, byte) in flips {
                    let at = at.index(b.len());
                    b[at] = byte;
                }
                if let Some(cut) = cut {
                    b.truncate(cut.index(b.len()));
                }
            }
            b
        });
    let credentials = (
        hostile_value(),
        hostile_value(),
        hostile_value(),
        hostile_time(),
    )
        .prop_map(|(k, s, t, e)| credentials_body(&k, &s, &t, &e));
    let skew_codes = prop_oneof![
        Just("RequestTimeTooSkewed"),
        Just("SignatureDoesNotMatch"),
        Just("RequestExpired"),
        Just("Throttling"),
    ]
    .prop_map(|code| {
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message>\
             </Error><RequestId>r</RequestId></ErrorResponse>"
        )
        .into_bytes()
    });
    prop_oneof![
        mutated,
        credentials,
        skew_codes,
        proptest::collection::vec(any::<u8>(), 0..200)
    ]
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_owned()),
        Just("Thu, 01 Jan 1970 00:00:00 GMT".to_owned()),
        (-200_000i64..200_000).prop_map(|minutes| {
            let now = SystemTime::now();
            let off = Duration::from_secs(minutes.unsigned_abs() * 60);
            let t = if minutes >= 0 { now + off } else { now - off };
            httpdate::fmt_http_date(t)
        }),
        "[ -~]{0,40}",
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        Just("18446744073709551616".to_owned()),
        Just("-1".to_owned()),
        (0u64..5).prop_map(|n| n.to_string()),
        "[ -~]{0,12}",
    ]
}

fn answer(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Answer> {
    (
        prop_oneof![
            Just(200u16),
            Just(400),
            Just(403),
            Just(429),
            Just(500),
            Just(503),
            100u16..600
        ],
        proptest::option::of(date()),
        proptest::option::of(number()),
        proptest::option::of(number()),
        proptest::option::of(number()),
        body(seeds),
    )
        .prop_map(
            |(status, date, retry_after, amz_retry_after, content_length, body)| Answer {
                status,
                date,
                retry_after,
                amz_retry_after,
                content_length,
                body,
            },
        )
}

/// The transport: the hostile answer until `good` is set, then a plain
/// GetCallerIdentity answer. Records each attempt's `x-amz-date`.
#[derive(Clone)]
struct Hostile {
    answer: Arc<Answer>,
    good: Arc<AtomicBool>,
    attempts: Arc<AtomicUsize>,
    dates: Arc<Mutex<Vec<String>>>,
}

impl Hostile {
    fn respond(&self, req: &http::Request<Full<Bytes>>) -> http::Response<Full<Bytes>> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if let Some(d) = req
            .headers()
            .get("x-amz-date")
            .and_then(|v| v.to_str().ok())
        {
            self.dates.lock().unwrap().push(d.to_owned());
        }
        if self.good.load(Ordering::SeqCst) {
            let body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>\
                        </GetCallerIdentityResult></GetCallerIdentityResponse>";
            return http::Response::new(Full::new(Bytes::from(body)));
        }
        let a = &self.answer;
        let mut builder = http::Response::builder().status(a.status);
        for (name, value) in [
            ("date", &a.date),
            ("retry-after", &a.retry_after),
            ("x-amz-retry-after", &a.amz_retry_after),
            ("content-length", &a.content_length),
        ] {
            if let Some(value) = value
                && let Ok(v) = http::HeaderValue::from_str(value)
            {
                builder = builder.header(name, v);
            }
        }
        builder
            .body(Full::new(Bytes::from(a.body.clone())))
            .unwrap_or_else(|_| http::Response::new(Full::new(Bytes::new())))
    }
}

fn year_of_amz_date(d: &str) -> i32 {
    d.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

fn run_case(answer: Answer) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async move {
        let hostile = Hostile {
            answer: Arc::new(answer),
            good: Arc::new(AtomicBool::new(false)),
            attempts: Arc::new(AtomicUsize::new(0)),
            dates: Arc::new(Mutex::new(Vec::new())),
        };
        let transport = {
            let hostile = hostile.clone();
            tower::service_fn(move |req: http::Request<Full<Bytes>>| {
                let response = hostile.respond(&req);
                async move { Ok::<_, std::convert::Infallible>(response) }
            })
        };
        let builder = StsClient::builder()
            .region("us-east-1")
            .transport(transport)
            .credentials(Credentials::new("AKIDEXAMPLE", "secret", None, None, "t"));
        let client = builder.clone().build().unwrap();

        // 1. A plain call: whatever the answer, a result in bounded time.
        let started = tokio::time::Instant::now();
        let input = AssumeRoleInput::builder()
            .role_arn(ROLE)
            .role_session_name("hostile")
            .build()
            .unwrap();
        let _ = client.assume_role(input).await;
        prop_assert!(started.elapsed() <= DEFAULT_OPERATION_TIMEOUT + Duration::from_millis(1));
        prop_assert!(hostile.attempts.load(Ordering::SeqCst) <= 3);

        // 2. A cached provider: credentials it hands out can sign.
        let provider = AssumeRoleProvider::builder(ROLE)
            .client(builder.clone())
            .build(Credentials::new("AKIDEXAMPLE", "secret", None, None, "t"))
            .unwrap()
            .cached();
        if let Ok(c) = provider.credentials().await {
            prop_assert!(sts_core::check::credentials(&c).is_ok());
        }

        // 3. The next good answer still works, signed at a sane time.
        hostile.good.store(true, Ordering::SeqCst);
        hostile.dates.lock().unwrap().clear();
        let out = client.get_caller_identity().await;
        prop_assert!(out.is_ok(), "{:?}", out.err());
        let dates = hostile.dates.lock().unwrap().clone();
        let now_year = year_of_amz_date(&httpdate_year());
        for d in dates {
            let year = year_of_amz_date(&d);
            prop_assert!(
                (now_year - 1..=now_year + 1).contains(&year),
                "signed at {d}"
            );
        }
        Ok(())
    })
}

/// This year, as the first four characters of a string.
fn httpdate_year() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // Days from the epoch to a civil year, good enough for ±1 year.
    let year = 1970 + secs / 31_556_952;
    format!("{year:04}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_answer_panics_hangs_or_poisons_the_client(a in answer(seeds())) {
        run_case(a)?;
    }
}

/// The examples of the issue, one by one.
#[test]
fn the_examples_as_regressions() {
    let skew = |date: &str| Answer {
        status: 403,
        date: Some(date.to_owned()),
        retry_after: None,
        amz_retry_after: None,
        content_length: None,
        body: b"<ErrorResponse><Error><Type>Sender</Type><Code>RequestTimeTooSkewed</Code>\
                <Message>skewed</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            .to_vec(),
    };
    run_case(skew("Fri, 31 Dec 9999 23:59:59 GMT")).unwrap();
    run_case(skew("Thu, 01 Jan 1970 00:00:00 GMT")).unwrap();
    let creds = |key: &str, token: &str, expiration: &str| Answer {
        status: 200,
        date: None,
        retry_after: None,
        amz_retry_after: None,
        content_length: None,
        body: credentials_body(key, "secret", token, expiration),
    };
    run_case(creds("ASIA&#10;X", "token", "2031-01-01T00:00:00Z")).unwrap();
    run_case(creds("ASIAX", "to ken", "2031-01-01T00:00:00Z")).unwrap();
    run_case(creds("ASIAX", "token", "9999-12-31T23:59:59-23:59")).unwrap();
    let huge_retry = Answer {
        status: 503,
        date: None,
        retry_after: Some(u64::MAX.to_string()),
        amz_retry_after: Some(u64::MAX.to_string()),
        content_length: Some("18446744073709551615".to_owned()),
        body: Vec::new(),
    };
    run_case(huge_retry).unwrap();
}
