//! The total deadline of a call: a server that drips its reply a byte at a time never trips
//! the idle timeout, so every call but the streams has a deadline of its own. Chat streams,
//! uploads and downloads have none (the idle timeout rules them).

use std::time::Duration;

use futures::StreamExt;
use nemo_core::error::ApiError;
use nemo_core::ids::RenderId;
use nemo_core::ports::{Backend, NoProgress};

use crate::server::{Answer, harness_with, http, sid, sse_head, token};

const DEADLINE: Duration = Duration::from_millis(250);

/// `bytes` written `piece` bytes at a time (the server pauses 20 ms between pieces).
fn drip(bytes: &[u8], piece: usize) -> Answer {
    Answer::Slow(bytes.chunks(piece).map(<[u8]>::to_vec).collect())
}

#[tokio::test]
async fn a_dripping_reply_ends_at_the_request_deadline() {
    // About 150 pieces, 3 s in all: twelve times the deadline, far inside the idle timeout.
    let body = format!("{:<150}", r#"{"code":0,"data":{"available":1,"frozen":0,"total":1}}"#);
    let reply = http(200, &[("content-type", "application/json")], body.as_bytes());
    let h = harness_with(vec![drip(&reply, 1)], |c| c.request_deadline = DEADLINE).await;
    let error = h.backend.credits(&token()).await.unwrap_err();
    assert!(matches!(&error, ApiError::MaybeSent(m) if m.contains("0.25 s deadline")), "{error:?}");
}

#[tokio::test]
async fn streams_and_downloads_outlast_the_request_deadline() {
    let events = "data: {\"type\":\"text\",\"content\":\"a\"}\n\n".repeat(2);
    // Each over 500 ms.
    let stream = drip(&[sse_head(), events.into_bytes()].concat(), 4);
    let file = drip(&http(200, &[], &[7u8; 40]), 4);
    let h = harness_with(vec![stream, file], |c| c.request_deadline = DEADLINE).await;
    let turn: Vec<_> = h.backend.send_message(&token(), &sid(), "hi").await.unwrap().collect().await;
    assert_eq!(turn.len(), 2, "{turn:?}");
    assert!(turn.iter().all(Result::is_ok), "{turn:?}");
    let id = RenderId::parse("render_1").unwrap();
    assert_eq!(h.backend.download_render(&token(), &id, &h.path("out.mp4"), &NoProgress).await.unwrap(), 40);
}

#[tokio::test]
async fn an_idempotent_calls_retries_share_one_deadline() {
    let body = format!("{:<150}", r#"{"code":0,"data":{"available":1,"frozen":0,"total":1}}"#);
    let reply = http(200, &[("content-type", "application/json")], body.as_bytes());
    // Three dripping replies, one for each attempt the default policy makes.
    let answers = vec![drip(&reply, 1), drip(&reply, 1), drip(&reply, 1)];
    let h = harness_with(answers, |c| {
        c.request_deadline = DEADLINE;
        c.retry = nemo_http::RetryPolicy::default();
    })
    .await;
    let started = std::time::Instant::now();
    let error = h.backend.credits(&token()).await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(&error, ApiError::MaybeSent(m) if m.contains("0.25 s deadline")), "{error:?}");
    // One deadline in all, not one an attempt (three attempts: 0.75 s and the waits).
    assert!(took < DEADLINE * 2, "{took:?}");
}
