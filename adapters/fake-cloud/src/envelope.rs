//! The contract's two envelopes (§2) and how a fake's [`ApiError`] becomes an answer: the
//! refusal's status and code in the endpoint's envelope, a cut connection for "maybe sent",
//! the raw body for a bad reply.

use std::time::Duration;

use hyper::StatusCode;
use hyper::header::{HeaderValue, RETRY_AFTER};
use nemo_core::error::{ApiError, Refusal};
use serde::Serialize;
use serde_json::json;

use crate::body::{self, Abort, Outcome, Reply};

/// Which envelope an endpoint answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `{"code": 0, "message": "ok", "data": ...}`: auth, tasks, state, credits, upload (and
    /// this server's own answers: CDN errors, unknown routes, admin).
    Code,
    /// `{"success": true, "data": ...}`: the render endpoints.
    Success,
}

/// `{"code": 0, "message": "ok", "data": ...}`, fields in the contract's order.
#[derive(Serialize)]
struct CodeOk<'a, T> {
    code: i64,
    message: &'a str,
    data: &'a T,
}

/// `{"success": true, "data": ...}`.
#[derive(Serialize)]
struct SuccessOk<'a, T> {
    success: bool,
    data: &'a T,
}

/// A success in `family`'s envelope, HTTP 200. `data` may hold a verbatim draft.
pub(crate) fn ok(family: Family, data: &impl Serialize) -> Reply {
    let text = match family {
        Family::Code => serde_json::to_string(&CodeOk { code: 0, message: "ok", data }),
        Family::Success => serde_json::to_string(&SuccessOk { success: true, data }),
    };
    match text {
        Ok(text) => body::with_type(StatusCode::OK, "application/json", text),
        Err(e) => status(family, 500, format!("cannot encode the answer: {e}")),
    }
}

/// A refusal in `family`'s envelope: HTTP `status`, body code `code` (the status when
/// `None`, in the code envelope), and `Retry-After` when asked.
pub(crate) fn refusal(family: Family, refusal: &Refusal) -> Reply {
    let Refusal { status, code, message, retry_after } = refusal;
    let body = match family {
        Family::Code => json!({"code": code.unwrap_or(i64::from(*status)), "message": message, "data": null}),
        Family::Success => match code {
            Some(code) => json!({"success": false, "error": message, "code": code}),
            None => json!({"success": false, "error": message}),
        },
    };
    let mut reply = body::json(body::status(*status), &body);
    if let Some(wait) = retry_after {
        reply.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry_after_secs(*wait)));
    }
    reply
}

/// A refusal by HTTP status alone (the body code is the status in the code envelope).
pub(crate) fn status(family: Family, status: u16, message: impl Into<String>) -> Reply {
    refusal(family, &Refusal { status, code: None, message: message.into(), retry_after: None })
}

/// A refusal by body code under HTTP 200.
pub(crate) fn code(family: Family, code: i64, message: impl Into<String>) -> Reply {
    refusal(family, &Refusal { status: 200, code: Some(code), message: message.into(), retry_after: None })
}

/// How a fake's error is answered.
pub(crate) fn from_api(family: Family, error: &ApiError) -> Outcome {
    match error {
        ApiError::Refused(r) => Ok(refusal(family, r)),
        ApiError::MaybeSent(_) => Err(Abort),
        ApiError::BadReply { status, body, .. } => {
            Ok(body::with_type(body::status(*status), "text/plain; charset=utf-8", body.clone()))
        }
        ApiError::NotSent(message) | ApiError::Local(message) => Ok(self::status(family, 500, message.clone())),
    }
}

/// `Retry-After` in whole seconds, rounded up.
fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    /// Status, `Retry-After` and body of a reply.
    fn check(outcome: Outcome, status: u16, retry_after: Option<&str>, body: &str) {
        let reply = outcome.expect("a reply");
        assert_eq!(reply.status().as_u16(), status);
        assert_eq!(reply.headers().get(RETRY_AFTER).map(|v| v.to_str().unwrap_or("?")), retry_after);
        let bytes = futures::executor::block_on(reply.into_body().collect()).expect("body").to_bytes();
        assert_eq!(String::from_utf8_lossy(&bytes), body);
    }

    #[test]
    fn successes_use_the_endpoint_envelope() {
        check(Ok(ok(Family::Code, &json!({"a": 1}))), 200, None, r#"{"code":0,"message":"ok","data":{"a":1}}"#);
        check(Ok(ok(Family::Success, &json!({"a": 1}))), 200, None, r#"{"success":true,"data":{"a":1}}"#);
    }

    #[test]
    fn body_code_refusals_stay_under_http_200() {
        let error = ApiError::code(1002, "session not found");
        check(from_api(Family::Code, &error), 200, None, r#"{"code":1002,"data":null,"message":"session not found"}"#);
        check(
            from_api(Family::Success, &error),
            200,
            None,
            r#"{"code":1002,"error":"session not found","success":false}"#,
        );
    }

    #[test]
    fn status_refusals_carry_the_status_and_retry_after() {
        let error = ApiError::Refused(Refusal {
            status: 429,
            code: None,
            message: "slow down".into(),
            retry_after: Some(Duration::from_millis(29_500)),
        });
        check(from_api(Family::Code, &error), 429, Some("30"), r#"{"code":429,"data":null,"message":"slow down"}"#);
        check(from_api(Family::Success, &error), 429, Some("30"), r#"{"error":"slow down","success":false}"#);
    }

    #[test]
    fn other_errors_abort_or_answer_raw_or_500() {
        assert!(from_api(Family::Code, &ApiError::MaybeSent("x".into())).is_err());
        let bad = ApiError::BadReply { status: 502, reason: "html".into(), body: "<html>gateway</html>".into() };
        check(from_api(Family::Success, &bad), 502, None, "<html>gateway</html>");
        check(
            from_api(Family::Code, &ApiError::Local("disk".into())),
            500,
            None,
            r#"{"code":500,"data":null,"message":"disk"}"#,
        );
    }
}
