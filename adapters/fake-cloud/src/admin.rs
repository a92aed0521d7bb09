//! The `/_fake/` switches: what tests and demos change on a running fake cloud (faults,
//! latency, the SSE shape) and what they read back (the call log, without tokens). The
//! parsers are total: bad JSON, an unknown name or a fault on the wrong endpoint is an error
//! message (answered 400), never a panic.

use std::time::Duration;

use nemo_core::error::{ApiError, Refusal};
use nemo_fake::{Call, Endpoint, Fault};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::SseShape;

/// `POST /_fake/faults` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    /// Optional for the faults that belong to one endpoint.
    endpoint: Option<String>,
    fault: FaultSpec,
}

/// A fault as JSON, by `kind`.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum FaultSpec {
    Fail {
        status: u16,
        #[serde(default)]
        code: Option<i64>,
        #[serde(default)]
        message: String,
        #[serde(default)]
        retry_after_secs: Option<u64>,
    },
    BadReply {
        status: u16,
        #[serde(default)]
        body: String,
    },
    MaybeSent,
    DropStream {
        after_events: usize,
        edit_applied: bool,
    },
    HeartbeatsOnly {
        seconds: u64,
    },
    SilentAnswer,
    TemporaryIssueTrailer,
    RenderFails {
        reason: String,
    },
    RenderStalls,
    NoOutputUrl {
        polls: u32,
    },
    CdnDown,
}

impl FaultSpec {
    fn into_fault(self) -> Fault {
        match self {
            Self::Fail { status, code, message, retry_after_secs } => Fault::Fail(ApiError::Refused(Refusal {
                status,
                code,
                message,
                retry_after: retry_after_secs.map(Duration::from_secs),
            })),
            Self::BadReply { status, body } => {
                Fault::Fail(ApiError::BadReply { status, reason: "injected".into(), body })
            }
            Self::MaybeSent => Fault::Fail(ApiError::MaybeSent("injected: connection cut".into())),
            Self::DropStream { after_events, edit_applied } => Fault::DropStream { after_events, edit_applied },
            Self::HeartbeatsOnly { seconds } => Fault::HeartbeatsOnly { duration: Duration::from_secs(seconds) },
            Self::SilentAnswer => Fault::SilentAnswer,
            Self::TemporaryIssueTrailer => Fault::TemporaryIssueTrailer,
            Self::RenderFails { reason } => Fault::RenderFails { reason },
            Self::RenderStalls => Fault::RenderStalls,
            Self::NoOutputUrl { polls } => Fault::NoOutputUrl { polls },
            Self::CdnDown => Fault::CdnDown,
        }
    }
}

/// Every endpoint with its name on this wire (the `Backend` method's name).
const ENDPOINTS: [(&str, Endpoint); 13] = [
    ("anonymous_token", Endpoint::AnonymousToken),
    ("create_session", Endpoint::CreateSession),
    ("claim_token", Endpoint::ClaimToken),
    ("send_message", Endpoint::SendMessage),
    ("upload_file", Endpoint::UploadFile),
    ("upload_urls", Endpoint::UploadUrls),
    ("state", Endpoint::State),
    ("credits", Endpoint::Credits),
    ("submit_render", Endpoint::SubmitRender),
    ("render_status", Endpoint::RenderStatus),
    ("cancel_render", Endpoint::CancelRender),
    ("download_url", Endpoint::DownloadUrl),
    ("download_render", Endpoint::DownloadRender),
];

fn endpoint_named(name: &str) -> Option<Endpoint> {
    ENDPOINTS.iter().find(|(known, _)| *known == name).map(|(_, endpoint)| *endpoint)
}

fn endpoint_name(endpoint: Endpoint) -> &'static str {
    ENDPOINTS.iter().find(|(_, known)| *known == endpoint).map_or("unknown", |(name, _)| name)
}

/// The endpoint and fault a `/_fake/faults` body asks for, checked to fit together (the
/// fake would panic otherwise).
pub(crate) fn parse_fault(body: &[u8]) -> Result<(Endpoint, Fault), String> {
    let request: FaultRequest = serde_json::from_slice(body).map_err(|e| format!("bad fault request: {e}"))?;
    let fault = request.fault.into_fault();
    let named = match request.endpoint.as_deref() {
        Some(name) => Some(endpoint_named(name).ok_or_else(|| format!("unknown endpoint {name:?}"))?),
        None => None,
    };
    match (named, fault.endpoint()) {
        (Some(named), Some(home)) if named != home => {
            Err(format!("this fault only fits endpoint {:?}", endpoint_name(home)))
        }
        (Some(endpoint), _) | (None, Some(endpoint)) => Ok((endpoint, fault)),
        (None, None) => Err("missing \"endpoint\"".into()),
    }
}

/// The latency a `/_fake/latency` body (`{"ms": N}`) asks for.
pub(crate) fn parse_latency(body: &[u8]) -> Result<Duration, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Latency {
        ms: u64,
    }
    serde_json::from_slice::<Latency>(body)
        .map(|l| Duration::from_millis(l.ms))
        .map_err(|e| format!("bad latency: {e}"))
}

/// The endpoint and delay a `/_fake/reply-delay` body (`{"endpoint": NAME, "ms": N}`) asks for.
pub(crate) fn parse_reply_delay(body: &[u8]) -> Result<(Endpoint, Duration), String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReplyDelay {
        endpoint: String,
        ms: u64,
    }
    let delay: ReplyDelay = serde_json::from_slice(body).map_err(|e| format!("bad reply delay: {e}"))?;
    let endpoint = endpoint_named(&delay.endpoint).ok_or_else(|| format!("unknown endpoint {:?}", delay.endpoint))?;
    Ok((endpoint, Duration::from_millis(delay.ms)))
}

/// The shape a `/_fake/sse-shape` body (`{"shape": "adk" | "simple"}`) asks for.
pub(crate) fn parse_shape(body: &[u8]) -> Result<SseShape, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Shape {
        shape: String,
    }
    let shape: Shape = serde_json::from_slice(body).map_err(|e| format!("bad shape request: {e}"))?;
    SseShape::from_name(&shape.shape)
        .ok_or_else(|| format!("unknown shape {:?}: use \"adk\" or \"simple\"", shape.shape))
}

/// The call log as JSON (it holds no token: the fake never logs one).
pub(crate) fn calls(calls: &[Call]) -> Value {
    let calls: Vec<Value> = calls
        .iter()
        .map(|call| {
            json!({
                "endpoint": endpoint_name(call.endpoint),
                "session": call.session.as_ref().map(|s| s.as_str()),
                "detail": call.detail,
            })
        })
        .collect();
    json!({"calls": calls})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, expected: Result<(Endpoint, Fault), &str>) {
        let got = parse_fault(body.as_bytes());
        match expected {
            Ok(pair) => assert_eq!(got, Ok(pair), "{body}"),
            Err(fragment) => assert!(got.as_ref().is_err_and(|e| e.contains(fragment)), "{body}: {got:?}"),
        }
    }

    #[test]
    fn failures_carry_status_code_and_retry_after() {
        let refusal =
            Refusal { status: 503, code: None, message: "busy".into(), retry_after: Some(Duration::from_secs(3)) };
        check(
            r#"{"endpoint":"credits","fault":{"kind":"fail","status":503,"code":null,"message":"busy","retry_after_secs":3}}"#,
            Ok((Endpoint::Credits, Fault::Fail(ApiError::Refused(refusal)))),
        );
        check(
            r#"{"endpoint":"state","fault":{"kind":"maybe_sent"}}"#,
            Ok((Endpoint::State, Fault::Fail(ApiError::MaybeSent("injected: connection cut".into())))),
        );
    }

    #[test]
    fn specialised_faults_find_their_endpoint() {
        check(
            r#"{"fault":{"kind":"drop_stream","after_events":2,"edit_applied":true}}"#,
            Ok((Endpoint::SendMessage, Fault::DropStream { after_events: 2, edit_applied: true })),
        );
        check(
            r#"{"endpoint":"send_message","fault":{"kind":"heartbeats_only","seconds":90}}"#,
            Ok((Endpoint::SendMessage, Fault::HeartbeatsOnly { duration: Duration::from_secs(90) })),
        );
        check(
            r#"{"fault":{"kind":"no_output_url","polls":2}}"#,
            Ok((Endpoint::SubmitRender, Fault::NoOutputUrl { polls: 2 })),
        );
        check(r#"{"fault":{"kind":"cdn_down"}}"#, Ok((Endpoint::DownloadUrl, Fault::CdnDown)));
        check(
            r#"{"fault":{"kind":"render_fails","reason":"gpu"}}"#,
            Ok((Endpoint::SubmitRender, Fault::RenderFails { reason: "gpu".into() })),
        );
    }

    #[test]
    fn mistakes_are_errors_not_panics() {
        check("not json", Err("bad fault request"));
        check(r#"{"endpoint":"nope","fault":{"kind":"maybe_sent"}}"#, Err("unknown endpoint"));
        check(r#"{"endpoint":"credits","fault":{"kind":"cdn_down"}}"#, Err("only fits endpoint \"download_url\""));
        check(r#"{"fault":{"kind":"maybe_sent"}}"#, Err("missing"));
        check(r#"{"endpoint":"state","fault":{"kind":"explode"}}"#, Err("bad fault request"));
    }

    #[test]
    fn latency_and_shape_switches() {
        assert_eq!(parse_latency(br#"{"ms":250}"#), Ok(Duration::from_millis(250)));
        assert!(parse_latency(b"{}").is_err());
        assert_eq!(parse_shape(br#"{"shape":"simple"}"#), Ok(SseShape::SimpleTyped));
        assert_eq!(parse_shape(br#"{"shape":"adk"}"#), Ok(SseShape::AgentFramework));
        assert!(parse_shape(br#"{"shape":"xml"}"#).is_err());
        assert_eq!(
            parse_reply_delay(br#"{"endpoint":"submit_render","ms":1500}"#),
            Ok((Endpoint::SubmitRender, Duration::from_millis(1500)))
        );
        assert!(parse_reply_delay(br#"{"endpoint":"nope","ms":1}"#).is_err());
        assert!(parse_reply_delay(br#"{"ms":1}"#).is_err());
    }
}
