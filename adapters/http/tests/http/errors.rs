//! Every row of the error table, and malformed replies: each a typed error, never a panic or
//! a hang.

use std::time::Duration;

use nemo_core::error::{ApiError, ErrorCode, Refusal};
use nemo_core::ids::ClientId;
use nemo_core::ports::Backend;

use crate::server::{Answer, harness, harness_with, http, json, token};

async fn credits_error(answer: Answer) -> ApiError {
    let h = harness(vec![answer]).await;
    h.backend.credits(&token()).await.unwrap_err()
}

fn refused(status: u16, code: Option<i64>, message: &str, retry_after: Option<u64>) -> ApiError {
    ApiError::Refused(Refusal {
        status,
        code,
        message: message.into(),
        retry_after: retry_after.map(Duration::from_secs),
    })
}

#[tokio::test]
async fn each_row_of_the_table_is_a_typed_refusal() {
    for (code, expected) in [
        (1001, ErrorCode::TokenInvalid),
        (1002, ErrorCode::SessionNotFound),
        (2001, ErrorCode::NoCredits),
        (4001, ErrorCode::UnsupportedFile),
        (4002, ErrorCode::FileTooLarge),
    ] {
        let error = credits_error(json(200, &format!(r#"{{"code":{code},"message":"m{code}"}}"#))).await;
        assert_eq!(error, refused(200, Some(code), &format!("m{code}"), None));
        assert_eq!(error.error_code(), Some(expected));
    }
    let error = credits_error(json(200, r#"{"success":false,"error":"too big","code":4002}"#)).await;
    assert_eq!(error, refused(200, Some(4002), "too big", None));
    for (status, expected) in [
        (400, ErrorCode::MissingClientId),
        (401, ErrorCode::TokenInvalid),
        (402, ErrorCode::ExportBlocked),
        (503, ErrorCode::Transient),
    ] {
        let error = credits_error(json(status, r#"{"success":false,"error":"no"}"#)).await;
        assert_eq!(error, refused(status, None, "no", None));
        assert_eq!(error.error_code(), Some(expected));
    }
    let limited = Answer::Raw(http(429, &[("retry-after", "42")], b"slow down"));
    let h = harness(vec![limited]).await;
    let error = h.backend.anonymous_token(&ClientId::generate()).await.unwrap_err();
    assert_eq!(error, refused(429, None, "slow down", Some(42)));
    assert_eq!(error.error_code(), Some(ErrorCode::RateLimited));
}

fn assert_bad_reply(error: &ApiError, status: u16, body_start: &str) {
    match error {
        ApiError::BadReply { status: s, body, .. } => {
            assert_eq!(*s, status);
            assert!(body.starts_with(body_start), "{body:?}");
        }
        other => panic!("expected a bad reply, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_replies_are_bad_replies() {
    let error = credits_error(json(200, r#"{"code":0,"data":{"avail"#)).await;
    assert_bad_reply(&error, 200, r#"{"code":0,"data":{"avail"#);
    let error = credits_error(Answer::Raw(http(200, &[("content-type", "text/html")], b"<html>hi</html>"))).await;
    assert_bad_reply(&error, 200, "<html>");
    let error = credits_error(Answer::Raw(http(200, &[("content-type", "image/png")], b"\x89PNG\x00\x01"))).await;
    assert!(matches!(error, ApiError::BadReply { status: 200, .. }), "{error:?}");
    let error = credits_error(Answer::Raw(http(200, &[], b"{\"code\":0,\"data\":{\"x\":\"\xff\xfe\"}}"))).await;
    assert!(matches!(error, ApiError::BadReply { status: 200, .. }), "{error:?}");
    let error = credits_error(json(200, r#"{"code":0,"data":{"frozen":1}}"#)).await;
    assert!(matches!(&error, ApiError::BadReply { reason, .. } if reason.contains("available")), "{error:?}");
    let error = credits_error(Answer::Raw(http(
        502,
        &[("content-type", "text/html")],
        b"<html><h1>502 Bad Gateway</h1></html>",
    )))
    .await;
    assert_eq!(error, refused(502, None, "<html><h1>502 Bad Gateway</h1></html>", None));
}

#[tokio::test]
async fn a_body_cut_short_is_maybe_sent() {
    let cut = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"code\":0".to_vec();
    let error = credits_error(Answer::Raw(cut)).await;
    assert!(matches!(error, ApiError::MaybeSent(_)), "{error:?}");
}

#[tokio::test]
async fn a_refused_connection_is_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let attribution =
        nemo_core::attribution::Attribution::new(nemo_core::attribution::profile("nemoctl").unwrap(), "unknown".into());
    let mut config = nemo_http::HttpConfig::new(url, attribution);
    config.retry = nemo_http::RetryPolicy::none();
    let clock = std::sync::Arc::new(nemo_fake::ManualClock::new(nemo_core::time::Timestamp::from_unix_ms(0)));
    let backend = nemo_http::HttpBackend::new(config, clock).unwrap();
    let error = backend.credits(&token()).await.unwrap_err();
    assert!(matches!(error, ApiError::NotSent(_)), "{error:?}");
}

#[tokio::test]
async fn a_silent_server_is_maybe_sent_after_the_idle_timeout() {
    let h = harness_with(vec![Answer::Stall(Vec::new())], |c| c.idle_timeout = Duration::from_millis(300)).await;
    let error = h.backend.credits(&token()).await.unwrap_err();
    assert!(matches!(&error, ApiError::MaybeSent(m) if m.contains("idle timeout")), "{error:?}");
}
