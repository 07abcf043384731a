//! The emulator served over HTTP on a loopback address (HTTP/1.1 and h2c).

use std::io;
use std::net::SocketAddr;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::Emulator;

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
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let service = emulator.clone();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(service.clone());
                connections.spawn(async move {
                    let builder = auto::Builder::new(TokioExecutor::new());
                    // Errors here are the client going away or an injected
                    // fault closing the connection: nothing to report.
                    let _ = builder
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
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
