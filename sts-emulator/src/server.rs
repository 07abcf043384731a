//! The emulator served over HTTP on a loopback address (HTTP/1.1 and h2c).

use std::io;
use std::net::SocketAddr;

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::Emulator;

/// The default most connections served at once; past it, new ones wait in
/// the listen backlog until one closes (see [`ServerLimits`]).
pub const MAX_CONNECTIONS: usize = 1024;
/// How long a client may take to send a request's headers (HTTP/1.1), and how
/// long an HTTP/2 connection may stay silent before it is pinged and closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest pause after an accept error (too many open files, ...); the
/// first is 10 ms, doubling up to this.
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// The bounds a server puts on its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Connections served at once (default [`MAX_CONNECTIONS`], 1,024).
    pub max_connections: usize,
    /// The longest a client may take to send a request's headers (default
    /// [`HEADER_READ_TIMEOUT`], 10 s).
    pub header_read_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: MAX_CONNECTIONS,
            header_read_timeout: HEADER_READ_TIMEOUT,
        }
    }
}

impl ServerLimits {
    /// At most `n` connections at once (at least 1).
    #[must_use]
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Headers must arrive within `timeout`.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }
}

async fn accept_loop(listener: TcpListener, service: Emulator, limits: ServerLimits) {
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let mut connections = tokio::task::JoinSet::new();
    let mut backoff = Duration::from_millis(10);
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                backoff = Duration::from_millis(10);
                stream
            }
            Err(_) => {
                // EMFILE and friends: wait rather than spin on the error.
                drop(permit);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_ACCEPT_BACKOFF);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(service.clone());
        connections.spawn(async move {
            let _permit = permit;
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            builder
                .http2()
                .timer(TokioTimer::new())
                .keep_alive_interval(limits.header_read_timeout)
                .keep_alive_timeout(limits.header_read_timeout);
            // Errors here are the client going away, a timeout or an
            // injected fault closing the connection: nothing to report.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

/// A running emulator server. Dropping it (or [`shutdown`](Self::shutdown))
/// stops accepting connections and closes the open ones.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use sts_emulator::{Emulator, EmulatorServer};
///
/// let server = EmulatorServer::start(Emulator::new(), 0).await?;
/// assert!(server.endpoint_url().starts_with("http://127.0.0.1:"));
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct EmulatorServer {
    addr: SocketAddr,
    emulator: Emulator,
    task: JoinHandle<()>,
}

impl EmulatorServer {
    /// Serves `emulator` on `127.0.0.1:port` (0: any free port). Needs a tokio
    /// runtime.
    pub async fn start(emulator: Emulator, port: u16) -> io::Result<Self> {
        Self::bind(emulator, SocketAddr::from(([127, 0, 0, 1], port))).await
    }

    /// Serves `emulator` on `addr`. The emulator accepts anyone who holds
    /// its keys: keep it on loopback.
    pub async fn bind(emulator: Emulator, addr: SocketAddr) -> io::Result<Self> {
        Self::bind_with(emulator, addr, ServerLimits::default()).await
    }

    /// [`bind`](Self::bind) with other [`ServerLimits`].
    pub async fn bind_with(
        emulator: Emulator,
        addr: SocketAddr,
        limits: ServerLimits,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let service = emulator.clone();
        let task = tokio::spawn(accept_loop(listener, service, limits));
        Ok(Self {
            addr,
            emulator,
            task,
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, for `endpoint_url` settings.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The emulator it serves (shares state with the server).
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Stops the server and waits for it to end.
    pub async fn shutdown(self) {
        self.task.abort();
        let _ = (&mut { self }.task).await;
    }
}

impl Drop for EmulatorServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
