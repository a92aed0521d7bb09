//! Retries: idempotent GETs are repeated after 503 with the waits on the clock (and
//! `Retry-After` honoured); 429 and POSTs are not.

use std::time::Duration;

use nemo_core::error::ApiError;
use nemo_core::ports::Backend;
use nemo_http::RetryPolicy;

use crate::server::{Answer, harness_with, http, json, token};

#[tokio::test]
async fn gets_are_retried_on_503_with_backoff_and_retry_after() {
    let h = harness_with(
        vec![
            json(503, "busy"),
            Answer::Raw(http(503, &[("retry-after", "3")], b"busy")),
            json(200, r#"{"code":0,"data":{"available":5}}"#),
        ],
        |c| c.retry = RetryPolicy::default(),
    )
    .await;
    assert_eq!(h.backend.credits(&token()).await.unwrap().available, 5);
    assert_eq!(h.server.requests().len(), 3);
    let sleeps = h.clock.sleeps();
    assert_eq!(sleeps.len(), 2);
    assert!(sleeps[0] >= Duration::from_millis(250) && sleeps[0] <= Duration::from_millis(500), "{sleeps:?}");
    assert_eq!(sleeps[1], Duration::from_secs(3));
}

#[tokio::test]
async fn retries_stop_after_the_policy() {
    let h =
        harness_with(vec![json(503, "a"), json(503, "b"), json(503, "c")], |c| c.retry = RetryPolicy::default()).await;
    let error = h.backend.credits(&token()).await.unwrap_err();
    assert_eq!(error, ApiError::status(503, "c"));
    assert_eq!(h.clock.sleeps().len(), 2);
}

#[tokio::test]
async fn rate_limits_and_posts_are_not_retried() {
    let h = harness_with(vec![Answer::Raw(http(429, &[("retry-after", "1")], b""))], |c| {
        c.retry = RetryPolicy::default();
    })
    .await;
    assert!(h.backend.credits(&token()).await.is_err());
    assert_eq!(h.server.requests().len(), 1);
    let h = harness_with(vec![json(503, "a"), json(503, "b")], |c| c.retry = RetryPolicy::default()).await;
    assert!(h.backend.create_session(&token(), "p", None).await.is_err());
    assert_eq!(h.server.requests().len(), 1);
    assert!(h.clock.sleeps().is_empty());
}
