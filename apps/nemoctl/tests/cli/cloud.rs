//! The fake NemoVideo served over HTTP for one test: a [`FakeBackend`] on the system clock
//! behind a [`RunningServer`] on `127.0.0.1:0`, on a small multi-threaded runtime the harness
//! owns; optionally behind a recording proxy that keeps the head of every request, so a test
//! can check the URLs and headers the client really sent.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use nemo_core::error::{ApiError, Refusal};
use nemo_fake::{Call, Endpoint, FakeBackend, FakeConfig, Fault};
use nemo_fake_cloud::{FakeCloud, FakeCloudOptions, RunningServer};
use nemo_system::SystemClock;

/// A running fake cloud. Dropping it stops the server.
pub struct Cloud {
    fake: Arc<FakeBackend>,
    server: Option<RunningServer>,
    proxy: Option<Proxy>,
    runtime: tokio::runtime::Runtime,
    _storage: tempfile::TempDir,
}

/// The fake's settings for CLI tests: renders finish in a second, so the first poll (2 s)
/// finds them done.
pub fn quick() -> FakeConfig {
    FakeConfig { render_duration: Duration::from_secs(1), ..FakeConfig::default() }
}

impl Cloud {
    /// Starts a fake cloud with `config`; with `record`, behind the recording proxy.
    pub fn start(config: FakeConfig, record: bool) -> Self {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a runtime");
        let storage = tempfile::tempdir().expect("a storage folder");
        let fake = Arc::new(FakeBackend::new(Arc::new(SystemClock), config));
        let cloud = Arc::new(FakeCloud::new(fake.clone(), FakeCloudOptions::new(storage.path())));
        let server = runtime.block_on(RunningServer::spawn(cloud)).expect("the fake cloud starts");
        let proxy = record.then(|| Proxy::start(server.addr.to_string()));
        Self { fake, server: Some(server), proxy, runtime, _storage: storage }
    }

    /// The base URL clients use (the proxy's when recording).
    pub fn url(&self) -> String {
        match &self.proxy {
            Some(proxy) => proxy.url.clone(),
            None => self.server.as_ref().expect("running").base_url(),
        }
    }

    /// Every call that reached the fake.
    pub fn calls(&self) -> Vec<Call> {
        self.fake.calls()
    }

    /// The calls to one endpoint.
    pub fn calls_to(&self, endpoint: Endpoint) -> Vec<Call> {
        self.fake.calls_to(endpoint)
    }

    /// Queues a fault for the next call to `endpoint`.
    pub fn inject(&self, endpoint: Endpoint, fault: Fault) {
        self.fake.inject(endpoint, fault);
    }

    /// The head (request line and headers) of every request the proxy forwarded.
    pub fn request_heads(&self) -> Vec<Vec<String>> {
        self.proxy.as_ref().expect("started with record").heads()
    }
}

impl Drop for Cloud {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(server.stop());
        }
    }
}

/// A refusal the way the service sends it: `status`, body `code`, `Retry-After`.
pub fn refusal(status: u16, code: Option<i64>, message: &str, retry_after: Option<Duration>) -> Fault {
    Fault::Fail(ApiError::Refused(Refusal { status, code, message: message.into(), retry_after }))
}

/// A loopback URL where nothing listens: a port bound, then closed.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("its address");
    drop(listener);
    format!("http://{addr}")
}

/// What a client sent on one connection.
type Sent = Arc<Mutex<Vec<u8>>>;

/// A byte-for-byte TCP relay in front of the server that keeps what clients sent.
struct Proxy {
    url: String,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl Proxy {
    fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a proxy port");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
        let log = sent.clone();
        // The accept loop lives as long as the test process; each connection ends with its
        // client or its server.
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                let bytes = Arc::new(Mutex::new(Vec::new()));
                log.lock().unwrap().push(bytes.clone());
                relay(client.try_clone().unwrap(), server.try_clone().unwrap(), Some(bytes));
                relay(server, client, None);
            }
        });
        Self { url, sent }
    }

    fn heads(&self) -> Vec<Vec<String>> {
        let mut heads = Vec::new();
        for connection in self.sent.lock().unwrap().iter() {
            let text = String::from_utf8_lossy(&connection.lock().unwrap()).into_owned();
            let mut head: Option<Vec<String>> = None;
            for line in text.split("\r\n") {
                match head.as_mut() {
                    None if is_request_line(line) => head = Some(vec![line.to_owned()]),
                    None => {}
                    Some(lines) if line.is_empty() => heads.push(std::mem::take(lines)),
                    Some(lines) => lines.push(line.to_owned()),
                }
                if head.as_ref().is_some_and(Vec::is_empty) {
                    head = None;
                }
            }
        }
        heads
    }
}

fn is_request_line(line: &str) -> bool {
    ["GET ", "POST ", "PUT ", "DELETE ", "HEAD "].iter().any(|m| line.starts_with(m)) && line.ends_with(" HTTP/1.1")
}

/// Copies `from` to `to` on a thread, keeping a copy when asked; closes `to`'s write half at
/// the end.
fn relay(mut from: TcpStream, mut to: TcpStream, keep: Option<Sent>) {
    thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Some(keep) = &keep {
                        keep.lock().unwrap().extend_from_slice(&buffer[..n]);
                    }
                    if to.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
