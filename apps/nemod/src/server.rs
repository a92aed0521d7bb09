//! The accept loop (mini-redis style: ready listeners and a shutdown future in): the Unix
//! socket always, TCP only when asked. Each connection is served by hyper's HTTP/1 server;
//! on shutdown no new connection is taken, requests in flight get a short grace period, and
//! streams still open after it are cut.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::api::{Caller, handle};
use crate::daemon::Daemon;
use crate::peer::{peer_allowed, peer_uid};

/// How long requests in flight may run on after shutdown was asked for.
const GRACE: Duration = Duration::from_secs(3);

/// Where the daemon listens.
pub struct Listeners {
    /// The Unix socket (mode 0600).
    pub unix: UnixListener,
    /// The daemon's own uid: the only peer uid served on the socket.
    pub own_uid: u32,
    /// `--listen`, when given.
    pub tcp: Option<TcpListener>,
}

/// Serves the API until `shutdown` completes; then closes gracefully.
pub async fn serve(listeners: Listeners, daemon: Arc<Daemon>, shutdown: impl Future<Output = ()>) {
    let Listeners { unix, own_uid, tcp } = listeners;
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = unix.accept() => match accepted {
                Ok((stream, _)) => {
                    let peer = peer_uid(&stream);
                    let caller = if peer_allowed(own_uid, peer) { Caller::Trusted } else { Caller::Stranger };
                    if caller == Caller::Stranger {
                        tracing::warn!(?peer, "refused a connection from another user");
                    }
                    connections.spawn(connection(TokioIo::new(stream), Arc::clone(&daemon), caller, stopping.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            accepted = accept_tcp(tcp.as_ref()) => match accepted {
                Ok(stream) => {
                    connections.spawn(connection(TokioIo::new(stream), Arc::clone(&daemon), Caller::NeedsToken, stopping.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(unix);
    drop(tcp);
    // Every connection task holds a receiver, so this cannot fail while any runs.
    let _ = stop.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(GRACE, drained).await.is_err() {
        connections.shutdown().await;
    }
}

/// The next TCP connection; never, without a TCP listener.
async fn accept_tcp(tcp: Option<&TcpListener>) -> std::io::Result<tokio::net::TcpStream> {
    match tcp {
        Some(listener) => listener.accept().await.map(|(stream, _)| stream),
        None => std::future::pending().await,
    }
}

/// Serves one connection; on shutdown, finishes the request in flight and closes.
async fn connection<I>(io: TokioIo<I>, daemon: Arc<Daemon>, caller: Caller, mut stopping: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| handle(Arc::clone(&daemon), caller, request));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        // A connection error (a client gone, a malformed request) ends just this connection.
        _ = conn.as_mut() => return,
        _ = stopping.wait_for(|stop| *stop) => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}
