//! Chat turns over the wire: SSE framing with keep-alives and CRLF, cuts and silence as one
//! final `MaybeSent` item, a JSON refusal instead of a stream.

use std::time::Duration;

use futures::StreamExt;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::{ApiError, ErrorCode};
use nemo_core::ports::Backend;

use crate::server::{Answer, harness, harness_with, json, sid, sse_head, token};

async fn turn(answer: Answer, idle: Duration) -> Vec<Result<ChatEvent, ApiError>> {
    let h = harness_with(vec![answer], |c| c.idle_timeout = idle).await;
    let stream = h.backend.send_message(&token(), &sid(), "add a title").await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), stream.collect()).await.unwrap()
}

#[tokio::test]
async fn events_stream_with_keep_alives_and_crlf() {
    let body = concat!(
        ": keep-alive\r\n\r\n",
        "data: {\"content\":{\"parts\":[{\"text\":\"Adding caf\u{e9} \"}]},\"partial\":true}\r\n\r\n",
        "data:\r\n\r\n",
        "data: {\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"add_title\",\"args\":{}}}]}}\r\n\r\n",
        "data: {\"type\":\"text\",\r\ndata: \"content\":\"done\"}\r\n\r\n",
        "data: {\"error\":\"RuntimeError: x\"}",
    )
    .as_bytes();
    // Split inside the multi-byte é and inside CRLFs.
    let split = body.iter().position(|&b| b == 0xC3).unwrap() + 1;
    let pieces =
        vec![sse_head(), body[..split].to_vec(), body[split..split + 30].to_vec(), body[split + 30..].to_vec()];
    let events = turn(Answer::Slow(pieces), Duration::from_secs(5)).await;
    assert_eq!(
        events,
        [
            Ok(ChatEvent::Heartbeat),
            Ok(ChatEvent::Text { text: "Adding café ".into(), partial: true }),
            Ok(ChatEvent::Heartbeat),
            Ok(ChatEvent::ToolCall { name: "add_title".into(), args: serde_json::json!({}) }),
            Ok(ChatEvent::Text { text: "done".into(), partial: true }),
            Ok(ChatEvent::RunError { message: "RuntimeError: x".into() }),
        ]
    );
}

#[tokio::test]
async fn a_stream_cut_mid_chunk_ends_with_maybe_sent() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
    let chunk = b"data: {\"type\":\"heartbeat\"}\n\n";
    let mut bytes = head.to_vec();
    bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
    bytes.extend_from_slice(chunk);
    bytes.extend_from_slice(b"\r\n40\r\ndata: {\"type\":\"te"); // the next chunk is cut
    let events = turn(Answer::Raw(bytes), Duration::from_secs(5)).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0], Ok(ChatEvent::Heartbeat));
    assert!(matches!(events[1], Err(ApiError::MaybeSent(_))), "{events:?}");
}

#[tokio::test]
async fn a_silent_stream_ends_with_maybe_sent_after_the_idle_timeout() {
    let events = turn(Answer::Stall(sse_head()), Duration::from_millis(300)).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(matches!(&events[0], Err(ApiError::MaybeSent(m)) if m.contains("idle timeout")), "{events:?}");
}

#[tokio::test]
async fn a_json_refusal_instead_of_a_stream_is_returned_as_the_error() {
    let h = harness(vec![json(200, r#"{"code":2001,"message":"no credits"}"#)]).await;
    let error = h.backend.send_message(&token(), &sid(), "hi").await.err().unwrap();
    assert_eq!(error, ApiError::code(2001, "no credits"));
    assert_eq!(error.error_code(), Some(ErrorCode::NoCredits));
    let h = harness(vec![json(200, r#"{"code":0,"data":{}}"#)]).await;
    let error = h.backend.send_message(&token(), &sid(), "hi").await.err().unwrap();
    assert!(matches!(error, ApiError::BadReply { .. }), "{error:?}");
}

#[tokio::test]
async fn a_chat_message_is_never_retried() {
    let h = crate::server::harness_with(vec![json(503, "{}"), json(503, "{}")], |c| {
        c.retry = nemo_http::RetryPolicy::default();
    })
    .await;
    let error = h.backend.send_message(&token(), &sid(), "hi").await.err().unwrap();
    assert_eq!(error.error_code(), Some(ErrorCode::Transient));
    assert_eq!(h.server.requests().len(), 1);
    assert!(h.clock.sleeps().is_empty());
}
