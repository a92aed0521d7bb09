//! The accept loop (mini-redis style: a ready listener and a shutdown future) and
//! [`RunningServer`], the handle tests and `nemod` use. Shutdown is graceful: stop accepting,
//! let requests in flight finish for a bounded time, then cut what is left.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::{FakeCloud, handlers};

/// How long requests in flight may run on after shutdown was asked for (a chat stream can
/// last minutes; it is cut after this).
const GRACE: Duration = Duration::from_secs(5);

/// Serves `cloud` on `listener` until `shutdown` completes, then shuts down gracefully.
///
/// # Errors
/// None today: accept errors (too many open files, a reset before accept) are waited out.
pub async fn serve(listener: TcpListener, cloud: Arc<FakeCloud>, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let bound = listener.local_addr()?;
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let local = stream.local_addr().unwrap_or(bound);
                    connections.spawn(connection(TokioIo::new(stream), Arc::clone(&cloud), local, stopping.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    // Every connection task holds a receiver, so this cannot fail while any runs.
    let _ = stop.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(GRACE, drained).await.is_err() {
        connections.shutdown().await;
    }
    Ok(())
}

/// Serves one connection; on shutdown, finishes the request in flight and closes.
async fn connection(
    io: TokioIo<tokio::net::TcpStream>,
    cloud: Arc<FakeCloud>,
    local: SocketAddr,
    mut stopping: watch::Receiver<bool>,
) {
    let service = service_fn(move |request| handlers::handle(Arc::clone(&cloud), request, local));
    let conn = http1::Builder::new().timer(TokioTimer::new()).serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        // A connection error (a client gone, an aborted request) ends just this connection.
        _ = conn.as_mut() => return,
        _ = stopping.wait_for(|stop| *stop) => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

/// A fake cloud serving on `127.0.0.1:<free port>` on a tokio task.
#[derive(Debug)]
pub struct RunningServer {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl RunningServer {
    /// Binds `127.0.0.1:0` and serves `cloud` on a new task of the current runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn spawn(cloud: Arc<FakeCloud>) -> io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, cloud, async {
            // A dropped sender stops the server too.
            let _ = stopped.await;
        }));
        Ok(Self { addr, stop: Some(stop), task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shuts down gracefully and waits for it.
    ///
    /// # Errors
    /// When the server task failed or panicked.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

/// Dropping the handle asks the server to stop (without waiting for it).
impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
