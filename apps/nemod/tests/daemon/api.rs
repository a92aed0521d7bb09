//! Malformed requests get a 4xx with a JSON error and never crash the daemon; a second daemon
//! on the same state dir is refused. The daemon runs in-process here (offline backend).

use std::path::Path;
use std::time::Duration;

use nemo_daemon_client::wire::{ErrorBody, ErrorKind, Health};
use nemo_daemon_client::{ClientError, DaemonClient, socket_path};
use nemod::{BackendChoice, DaemonConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::sync::oneshot;

/// Sends raw bytes, returns the status code and the body.
async fn raw(socket: &Path, request: &[u8]) -> (u16, String) {
    let mut stream = UnixStream::connect(socket).await.unwrap();
    // The daemon may answer (413) before it has read the whole body and close: ignore a
    // broken pipe on our side.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_owned());
    (status, body)
}

fn post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: nemod\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn json_error(status: u16, body: &str, kind: ErrorKind) {
    let error: ErrorBody =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("HTTP {status}: not a JSON error ({e}): {body}"));
    assert_eq!(error.error.kind, kind, "{body}");
    assert!(!error.error.message.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_a_json_4xx_and_the_daemon_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (stop, stopped) = oneshot::channel::<()>();
    let daemon = tokio::spawn(nemod::run(DaemonConfig::new(&state, BackendChoice::Offline), async {
        let _ = stopped.await;
    }));
    let socket = socket_path(&state);
    let client = DaemonClient::new(&socket);
    for _ in 0..200 {
        if client.get::<Health>("/v1/health").await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let (status, body) = raw(&socket, &post("/v1/exports", b"{not json")).await;
    assert_eq!(status, 400);
    json_error(status, &body, ErrorKind::BadRequest);

    let (status, body) = raw(&socket, &post("/v1/exports", br#"{"output": 42}"#)).await;
    assert_eq!(status, 400, "wrong shape");
    json_error(status, &body, ErrorKind::BadRequest);

    let (status, body) = raw(&socket, &post("/v1/exports", br#"{"output": "relative.mp4"}"#)).await;
    assert_eq!(status, 400, "relative output");
    json_error(status, &body, ErrorKind::BadRequest);

    let (status, body) = raw(&socket, b"GET /v1/nope HTTP/1.1\r\nHost: nemod\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 404);
    json_error(status, &body, ErrorKind::NotFound);

    let (status, body) = raw(&socket, b"DELETE /v1/jobs HTTP/1.1\r\nHost: nemod\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 405);
    json_error(status, &body, ErrorKind::BadRequest);

    let huge = vec![b' '; 2 << 20];
    let (status, body) = raw(&socket, &post("/v1/chat", &huge)).await;
    assert_eq!(status, 413, "declared too large");
    json_error(status, &body, ErrorKind::TooLarge);

    // Chunked, so the length is only known while reading.
    let mut chunked =
        b"POST /v1/chat HTTP/1.1\r\nHost: nemod\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..20 {
        chunked.extend_from_slice(format!("{:x}\r\n", 100_000).as_bytes());
        chunked.extend_from_slice(&vec![b' '; 100_000]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, body) = raw(&socket, &chunked).await;
    assert_eq!(status, 413, "found too large while reading");
    json_error(status, &body, ErrorKind::TooLarge);

    let (status, _) = raw(&socket, b"this is not http\r\n\r\n").await;
    assert!(status == 0 || (400..500).contains(&status), "garbage gets a 4xx or a closed connection");

    let error = client.get::<Value>("/v1/jobs/render_1").await.unwrap_err();
    assert!(matches!(error, ClientError::Refused { status: 404, .. }), "{error:?}");
    let error = client.post::<_, Value>("/v1/exports", &json!({"output": "/tmp/x.mp4"})).await.unwrap_err();
    assert!(
        matches!(error, ClientError::Refused { status: 404, ref detail } if detail.exit == 1),
        "no project yet: {error:?}"
    );

    let health: Health = client.get("/v1/health").await.unwrap();
    assert!(health.ok && health.backend == "offline", "still serving");

    // One daemon per state dir.
    let second = nemod::run(DaemonConfig::new(&state, BackendChoice::Offline), async {}).await;
    assert!(second.unwrap_err().to_string().contains("another nemod"));

    stop.send(()).unwrap();
    daemon.await.unwrap().unwrap();
    assert!(!socket.exists());
}
