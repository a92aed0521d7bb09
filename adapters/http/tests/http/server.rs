//! A tiny scripted HTTP server: each connection takes the next canned answer, and the raw
//! request (method, path, headers, body) is recorded. A request with no answer left gets a
//! loud 599, so an unexpected call fails the test.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nemo_core::attribution::{Attribution, profile};
use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::time::Timestamp;
use nemo_fake::ManualClock;
use nemo_http::{HttpBackend, HttpConfig, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with one connection.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Writes these bytes, then closes.
    Raw(Vec<u8>),
    /// Writes each piece with a pause between, then closes.
    Slow(Vec<Vec<u8>>),
    /// Writes these bytes (maybe nothing), then keeps the connection open and silent.
    Stall(Vec<u8>),
    /// Serves this file as a range-aware server does: `Range: bytes=N-` gets a `206` from N
    /// (or a `416` past the end) unless an `If-Range` names another ETag; else a `200`.
    File { body: Vec<u8>, etag: Option<&'static str> },
}

/// A recorded request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub async fn start(answers: Vec<Answer>) -> Self {
        Self::start_with(|_| answers).await
    }

    /// A server whose answers are made knowing its own URL (for redirects to itself).
    pub async fn start_with(answers: impl FnOnce(&str) -> Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let answers = answers(&url);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(VecDeque::from(answers)));
        let recorded = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let recorded = recorded.clone();
                let answers = answers.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else { return };
                    recorded.lock().unwrap().push(request.clone());
                    let answer = answers.lock().unwrap().pop_front();
                    let answer = answer.unwrap_or_else(|| Answer::Raw(http(599, &[], b"unexpected request")));
                    match answer {
                        Answer::File { body, etag } => {
                            let _ = socket.write_all(&serve_file(&request, &body, etag)).await;
                        }
                        Answer::Raw(bytes) => {
                            let _ = socket.write_all(&bytes).await;
                        }
                        Answer::Slow(pieces) => {
                            for piece in pieces {
                                let _ = socket.write_all(&piece).await;
                                let _ = socket.flush().await;
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                        }
                        Answer::Stall(bytes) => {
                            let _ = socket.write_all(&bytes).await;
                            tokio::time::sleep(Duration::from_secs(30)).await;
                        }
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self { url, requests }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Request> {
    let mut data = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let find = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut body = data[head_end..].to_vec();
    if let Some(length) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        while body.len() < length {
            let n = socket.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&buf[..n]);
        }
    } else if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        while !body.ends_with(b"0\r\n\r\n") {
            let n = socket.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&buf[..n]);
        }
        body = dechunk(&body);
    }
    Some(Request { method, path, headers, body })
}

/// The reply of a range-aware file server to `request`.
fn serve_file(request: &Request, body: &[u8], etag: Option<&str>) -> Vec<u8> {
    let start = request.header("range").and_then(|r| r.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok());
    let same_file = request.header("if-range").is_none_or(|tag| Some(tag) == etag);
    let mut headers = etag.map(|tag| vec![("etag", tag.to_owned())]).unwrap_or_default();
    match start.filter(|_| same_file) {
        Some(start) if start >= body.len() => {
            headers.push(("content-range", format!("bytes */{}", body.len())));
            http(416, &pairs(&headers), b"")
        }
        Some(start) => {
            headers.push(("content-range", format!("bytes {start}-{}/{}", body.len() - 1, body.len())));
            http(206, &pairs(&headers), &body[start..])
        }
        None => http(200, &pairs(&headers), body),
    }
}

fn pairs<'a>(headers: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    headers.iter().map(|(name, value)| (*name, value.as_str())).collect()
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..i]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[i + 2..i + 2 + size]);
        data = &data[i + 2 + size + 2..];
    }
    out
}

/// A complete response with `Content-Length` and `Connection: close`.
pub fn http(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A JSON response.
pub fn json(status: u16, body: &str) -> Answer {
    Answer::Raw(http(status, &[("content-type", "application/json")], body.as_bytes()))
}

/// The headers of an event stream whose body ends when the connection closes.
pub fn sse_head() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n".to_vec()
}

pub struct Harness {
    pub server: Server,
    pub backend: HttpBackend,
    pub clock: Arc<ManualClock>,
    /// This test's own folder for files, removed on drop.
    dir: tempfile::TempDir,
}

impl Harness {
    /// A path in this test's own folder.
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }
}

pub async fn harness(answers: Vec<Answer>) -> Harness {
    harness_with(answers, |_| {}).await
}

pub async fn harness_with(answers: Vec<Answer>, tweak: impl FnOnce(&mut HttpConfig)) -> Harness {
    let server = Server::start(answers).await;
    let attribution = Attribution::new(profile("nemo-video").unwrap(), "clawhub".into());
    let mut config = HttpConfig::new(format!("{}/", server.url), attribution);
    config.retry = RetryPolicy::none();
    config.idle_timeout = Duration::from_secs(5);
    tweak(&mut config);
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_ms(1_700_000_000_000)));
    let backend = HttpBackend::new(config, clock.clone()).unwrap();
    Harness { server, backend, clock, dir: tempfile::tempdir().unwrap() }
}

pub const TOKEN: &str = "nmv_usr_s3cret";

pub fn token() -> nemo_core::ids::Token {
    nemo_core::ids::Token::new(TOKEN).unwrap()
}

pub fn sid() -> nemo_core::ids::SessionId {
    nemo_core::ids::SessionId::parse("7301234567890123456").unwrap()
}

/// Records progress events.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<ProgressEvent>>);

impl Progress for Recorder {
    fn report(&self, event: ProgressEvent) {
        self.0.lock().unwrap().push(event);
    }
}
