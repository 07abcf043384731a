//! A small STS-shaped HTTP server on 127.0.0.1 (hyper, HTTP/1.1 and HTTP/2,
//! optionally TLS) that records what it receives, and a CONNECT proxy.
//! Shared by the loopback tests and the client benchmark.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: http::Method,
    pub uri: http::Uri,
    pub version: http::Version,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    /// The form parameter `name` of the body (or of the query string of a
    /// GET), percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        let form = if self.method == http::Method::GET {
            self.uri.query().unwrap_or("")
        } else {
            std::str::from_utf8(&self.body).ok()?
        };
        form.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| {
                percent_encoding::percent_decode_str(v)
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    }
}

pub type Handler = Arc<dyn Fn(&Recorded) -> http::Response<Bytes> + Send + Sync>;

#[derive(Clone, Default)]
pub struct Stats {
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    pub connections: Arc<AtomicUsize>,
    in_flight: Arc<AtomicUsize>,
    pub max_in_flight: Arc<AtomicUsize>,
}

impl Stats {
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub stats: Stats,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone, Default)]
pub struct Options {
    /// Wait this long before answering each request.
    pub delay: Option<Duration>,
    /// Serve TLS with this configuration.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Keep no record of requests (for the benchmark).
    pub no_record: bool,
}

impl TestServer {
    pub async fn start(handler: Handler) -> Self {
        Self::start_with(handler, Options::default()).await
    }

    pub async fn start_with(handler: Handler, options: Options) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stats = Stats::default();
        let task_stats = stats.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                task_stats.connections.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                let stats = task_stats.clone();
                let options = options.clone();
                tokio::spawn(async move {
                    let tls = options.tls.clone();
                    let service = hyper::service::service_fn(move |req| {
                        serve(req, handler.clone(), stats.clone(), options.clone())
                    });
                    let builder =
                        hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    match tls {
                        None => {
                            let _ = builder
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        }
                        Some(config) => {
                            let acceptor = tokio_rustls::TlsAcceptor::from(config);
                            let Ok(tls) = acceptor.accept(stream).await else {
                                return;
                            };
                            let _ = builder.serve_connection(TokioIo::new(tls), service).await;
                        }
                    }
                });
            }
        });
        Self { addr, stats, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn serve(
    req: http::Request<hyper::body::Incoming>,
    handler: Handler,
    stats: Stats,
    options: Options,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let recorded = Recorded {
        method: parts.method,
        uri: parts.uri,
        version: parts.version,
        headers: parts.headers,
        body,
    };
    if let Some(delay) = options.delay {
        tokio::time::sleep(delay).await;
    }
    let response = handler(&recorded);
    if !options.no_record {
        stats.requests.lock().unwrap().push(recorded);
    }
    stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    Ok(response.map(Full::new))
}

const CREDENTIALS: &str = "<Credentials><AccessKeyId>ASIAEXAMPLEISSUED</AccessKeyId>\
    <SecretAccessKey>issued-secret</SecretAccessKey><SessionToken>issued-token</SessionToken>\
    <Expiration>2030-01-02T03:04:05Z</Expiration></Credentials>";

/// The `<...Result>` body this server answers `action` with.
pub fn result_for(action: &str) -> String {
    let assumed = "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\
        <Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn></AssumedRoleUser>";
    match action {
        "AssumeRole" => format!("{CREDENTIALS}{assumed}<PackedPolicySize>6</PackedPolicySize>"),
        "AssumeRoleWithSAML" => format!(
            "{CREDENTIALS}{assumed}<Subject>alice</Subject><SubjectType>persistent</SubjectType>\
             <Issuer>https://idp.example/</Issuer><Audience>https://signin.aws.amazon.com/saml</Audience>\
             <NameQualifier>nq</NameQualifier>"
        ),
        "AssumeRoleWithWebIdentity" => format!(
            "{CREDENTIALS}{assumed}<SubjectFromWebIdentityToken>sub-1</SubjectFromWebIdentityToken>\
             <Provider>accounts.example.com</Provider><Audience>client-1</Audience>"
        ),
        "AssumeRoot" => format!("{CREDENTIALS}<SourceIdentity>admin</SourceIdentity>"),
        "DecodeAuthorizationMessage" => {
            "<DecodedMessage>{\"allowed\":false}</DecodedMessage>".to_owned()
        }
        "GetAccessKeyInfo" => "<Account>111122223333</Account>".to_owned(),
        "GetCallerIdentity" => "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
            <Arn>arn:aws:iam::123456789012:user/alice</Arn>"
            .to_owned(),
        "GetDelegatedAccessToken" => format!(
            "{CREDENTIALS}<AssumedPrincipal>arn:aws:iam::123456789012:role/delegate</AssumedPrincipal>"
        ),
        "GetFederationToken" => format!(
            "{CREDENTIALS}<FederatedUser><FederatedUserId>123456789012:Bob</FederatedUserId>\
             <Arn>arn:aws:sts::123456789012:federated-user/Bob</Arn></FederatedUser>"
        ),
        "GetSessionToken" => CREDENTIALS.to_owned(),
        "GetWebIdentityToken" => {
            "<WebIdentityToken>eyJhbGciOiJSUzI1NiJ9.e30.c2ln</WebIdentityToken>\
            <Expiration>2030-01-02T03:04:05Z</Expiration>"
                .to_owned()
        }
        _ => String::new(),
    }
}

/// Answers every STS action with a filled-in result; unknown actions with
/// STS's InvalidAction error.
pub fn sts_handler() -> Handler {
    Arc::new(|req: &Recorded| {
        let action = req.param("Action").unwrap_or_default();
        let result = result_for(&action);
        if result.is_empty() {
            let body = format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
                 <Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation \
                 {action}</Message></Error><RequestId>req-error</RequestId></ErrorResponse>"
            );
            let mut resp = http::Response::new(Bytes::from(body));
            *resp.status_mut() = http::StatusCode::BAD_REQUEST;
            return resp;
        }
        let body = format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>req-{action}</RequestId></ResponseMetadata>\
             </{action}Response>"
        );
        let mut resp = http::Response::new(Bytes::from(body));
        resp.headers_mut()
            .insert("content-type", http::HeaderValue::from_static("text/xml"));
        resp.headers_mut().insert(
            "x-amzn-requestid",
            http::HeaderValue::from_str(&format!("req-{action}")).unwrap(),
        );
        resp
    })
}

/// The self-signed certificate for `localhost` / 127.0.0.1 in tests/data.
pub fn tls_pair() -> (
    rustls::pki_types::CertificateDer<'static>,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    use rustls::pki_types::pem::PemObject;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let cert =
        rustls::pki_types::CertificateDer::from_pem_file(format!("{dir}/localhost.crt")).unwrap();
    let key =
        rustls::pki_types::PrivateKeyDer::from_pem_file(format!("{dir}/localhost.key")).unwrap();
    (cert, key)
}

/// A server TLS configuration offering h2 and http/1.1.
pub fn server_tls() -> Arc<rustls::ServerConfig> {
    let (cert, key) = tls_pair();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Arc::new(config)
}

/// A client TLS configuration trusting only the test certificate.
pub fn client_tls() -> rustls::ClientConfig {
    let (cert, _) = tls_pair();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// A CONNECT proxy on 127.0.0.1 that records each CONNECT request head.
pub struct ConnectProxy {
    pub addr: SocketAddr,
    pub heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ConnectProxy {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = heads.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let log = log.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if client.read_exact(&mut byte).await.is_err() || head.len() > 8192 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    log.lock().unwrap().push(head.clone());
                    let target = head
                        .strip_prefix("CONNECT ")
                        .and_then(|rest| rest.split_whitespace().next())
                        .unwrap_or("")
                        .to_owned();
                    let Ok(mut upstream) = TcpStream::connect(&target).await else {
                        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                        return;
                    };
                    if client
                        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                });
            }
        });
        Self { addr, heads, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}
