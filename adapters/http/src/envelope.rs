//! Reading a reply: HTTP status + body → the accepted JSON, or the typed error. Both envelopes
//! of the wire contract on every endpoint; a non-2xx status is always a refusal (whatever its
//! body), a 2xx body that cannot be read is a `BadReply` with the raw body kept (cut short).

use std::time::Duration;

use nemo_core::error::{ApiError, Refusal};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

use crate::wire::Envelope;

/// How much of an unreadable body is kept in the error.
pub const BODY_KEPT: usize = 4096;
/// How much of a plain-text error body becomes the refusal's message.
const MESSAGE_KEPT: usize = 300;

/// A complete reply as received.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// `Retry-After` in seconds, when sent as a number.
    pub retry_after: Option<Duration>,
    /// The body.
    pub body: Vec<u8>,
}

/// A 2xx reply whose envelope says success: its text and its envelope, read once (`data`
/// still raw).
#[derive(Debug)]
pub struct Accepted<'a> {
    reply: &'a Reply,
    text: &'a str,
    envelope: Envelope<'a>,
}

/// Checks the status and the envelope.
///
/// # Errors
/// [`ApiError::Refused`] for a non-2xx status, `code != 0` or `success: false`;
/// [`ApiError::BadReply`] for a 2xx body that is not a UTF-8 JSON object.
pub fn open(reply: &Reply) -> Result<Accepted<'_>, ApiError> {
    let text = std::str::from_utf8(&reply.body);
    if !(200..300).contains(&reply.status) {
        return Err(refusal_for_status(reply, text.ok()));
    }
    let text = text.map_err(|_| bad_reply(reply, "the body is not UTF-8"))?;
    let envelope = read_envelope(text).map_err(|reason| bad_reply(reply, &reason))?;
    let code = envelope.code.as_ref().and_then(code_of);
    let failed = envelope.success.as_ref().and_then(Value::as_bool) == Some(false);
    if code.is_some_and(|c| c != 0) || failed {
        return Err(ApiError::Refused(Refusal {
            status: reply.status,
            code: code.filter(|&c| c != 0),
            message: message_of(&envelope),
            retry_after: reply.retry_after,
        }));
    }
    Ok(Accepted { reply, text, envelope })
}

impl Accepted<'_> {
    /// The `data` member read as `T` (a missing or null `data` reads as `{}`; a body with
    /// neither envelope field is read whole, as bare data). Raw values in `T` (the draft)
    /// keep their bytes.
    ///
    /// # Errors
    /// [`ApiError::BadReply`] when `data` is not of the expected shape.
    pub fn data<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let bare = self.envelope.code.is_none() && self.envelope.success.is_none();
        let text = match self.envelope.data {
            Some(data) => data.get(),
            None if bare => self.text,
            None => "{}",
        };
        serde_json::from_str(text).map_err(|e| self.bad(&format!("unexpected data ({e})")))
    }

    /// The whole body read as `T` (for fields some texts put at the top level).
    ///
    /// # Errors
    /// [`ApiError::BadReply`] when the body is not of the expected shape.
    pub fn whole<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_str(self.text).map_err(|e| self.bad(&format!("unexpected body ({e})")))
    }

    /// A `BadReply` for this reply (a required field missing, a value out of range).
    #[must_use]
    pub fn bad(&self, reason: &str) -> ApiError {
        bad_reply(self.reply, reason)
    }
}

/// The body read as an envelope, in one pass; else why it cannot be.
fn read_envelope(text: &str) -> Result<Envelope<'_>, String> {
    if !text.trim_start().starts_with('{') {
        // Not an object (a struct would also read from an array): only say what it is.
        return Err(match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => "the body is not a JSON object".to_owned(),
            Err(e) => format!("the body is not JSON ({e})"),
        });
    }
    serde_json::from_str(text).map_err(|e| format!("the body is not JSON ({e})"))
}

fn code_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The text of a `message` or `error` member: a non-empty string as is, an object's
/// `message` (else the object as JSON), a number or an array as JSON; nothing for null, `""`
/// or a bool.
pub fn message_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Null | Value::String(_) | Value::Bool(_) => None,
        Value::Object(o) => o.get("message").and_then(Value::as_str).map(str::to_owned).or(Some(value.to_string())),
        other => Some(other.to_string()),
    }
}

fn message_of(envelope: &Envelope<'_>) -> String {
    [&envelope.error, &envelope.message].into_iter().flatten().find_map(message_text).unwrap_or_default()
}

/// A refusal for a non-2xx status: the envelope's code and message when the body holds one,
/// else the start of the body text (whitespace collapsed).
fn refusal_for_status(reply: &Reply, text: Option<&str>) -> ApiError {
    let envelope = text.and_then(|t| read_envelope(t).ok()).unwrap_or_default();
    let mut message = message_of(&envelope);
    if message.is_empty() && envelope.code.is_none() && envelope.success.is_none() {
        let plain = String::from_utf8_lossy(&reply.body);
        message = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        truncate(&mut message, MESSAGE_KEPT);
    }
    ApiError::Refused(Refusal {
        status: reply.status,
        code: envelope.code.as_ref().and_then(code_of).filter(|&c| c != 0),
        message,
        retry_after: reply.retry_after,
    })
}

/// A `BadReply` keeping the start of the body.
#[must_use]
pub fn bad_reply(reply: &Reply, reason: &str) -> ApiError {
    let mut body = String::from_utf8_lossy(&reply.body[..reply.body.len().min(BODY_KEPT)]).into_owned();
    truncate(&mut body, BODY_KEPT);
    ApiError::BadReply { status: reply.status, reason: reason.to_owned(), body }
}

/// Cuts `text` to at most `max` bytes, at a character boundary.
pub fn truncate(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply { status, retry_after: None, body: body.as_bytes().to_vec() }
    }

    fn refused(status: u16, code: Option<i64>, message: &str) -> ApiError {
        ApiError::Refused(Refusal { status, code, message: message.into(), retry_after: None })
    }

    fn data(status: u16, body: &str) -> Result<Value, ApiError> {
        open(&reply(status, body))?.data::<Value>()
    }

    #[test]
    fn both_envelopes_are_accepted() {
        assert_eq!(data(200, r#"{"code":0,"message":"ok","data":{"a":1}}"#), Ok(serde_json::json!({"a":1})));
        assert_eq!(data(200, r#"{"success":true,"data":{"a":1}}"#), Ok(serde_json::json!({"a":1})));
        assert_eq!(data(200, r#"{"code":0}"#), Ok(serde_json::json!({})));
        assert_eq!(data(200, r#"{"a":1}"#), Ok(serde_json::json!({"a":1})));
        // A null `code` or `success` is still an envelope member: `data` is read, not the body.
        assert_eq!(data(200, r#"{"success":null}"#), Ok(serde_json::json!({})));
        assert_eq!(data(200, r#"{"code":null,"data":{"a":1}}"#), Ok(serde_json::json!({"a":1})));
    }

    #[test]
    fn refusals_keep_status_code_and_message() {
        assert_eq!(data(200, r#"{"code":2001,"message":"no credits"}"#), Err(refused(200, Some(2001), "no credits")));
        assert_eq!(data(200, r#"{"code":"1002","message":"gone"}"#), Err(refused(200, Some(1002), "gone")));
        assert_eq!(data(200, r#"{"success":false,"error":"dup id"}"#), Err(refused(200, None, "dup id")));
        assert_eq!(data(200, r#"{"success":false,"error":"x","code":4001}"#), Err(refused(200, Some(4001), "x")));
        assert_eq!(data(402, r#"{"success":false,"error":"free plan"}"#), Err(refused(402, None, "free plan")));
        assert_eq!(data(401, r#"{"code":1001,"message":"expired"}"#), Err(refused(401, Some(1001), "expired")));
        assert_eq!(
            data(503, "<html>\n <b>Bad   gateway</b></html>"),
            Err(refused(503, None, "<html> <b>Bad gateway</b></html>"))
        );
        assert_eq!(data(404, ""), Err(refused(404, None, "")));
    }

    #[test]
    fn unreadable_bodies_are_bad_replies() {
        let check = |body: &[u8], reason: &str| {
            let got = open(&Reply { status: 200, retry_after: None, body: body.to_vec() }).map(|_| ());
            match got {
                Err(ApiError::BadReply { status: 200, reason: r, body: b }) => {
                    assert!(r.contains(reason), "{r}");
                    assert_eq!(b.as_bytes(), &body[..body.len().min(BODY_KEPT)]);
                }
                other => panic!("{other:?}"),
            }
        };
        check(br#"{"code":0,"data":{"#, "not JSON");
        check(b"<html>oops</html>", "not JSON");
        check(b"[1]", "not a JSON object");
        let long = format!("{{\"x\":\"{}", "a".repeat(10_000));
        let got = open(&reply(200, &long)).map(|_| ());
        assert!(matches!(got, Err(ApiError::BadReply { body, .. }) if body.len() == BODY_KEPT));
        assert!(matches!(
            open(&Reply { status: 200, retry_after: None, body: b"{\"a\":\"\xff\"}".to_vec() }).map(|_| ()),
            Err(ApiError::BadReply { .. })
        ));
    }

    proptest! {
        #[test]
        fn raw_values_in_data_keep_their_bytes(
            number in "-?(0|[1-9][0-9]{0,29})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
            text in "\"([a-z€😀 ]|\\\\u00e9|\\\\n|\\\\\")*\"",
        ) {
            let draft = format!("{{ \"n\" :{number},\"s\": {text} }}");
            let body = format!(r#"{{"code":0,"data":{{"state":{{"draft":{draft}}},"x":[{number}]}},"message":"ok"}}"#);
            let state: crate::wire::StateData = open(&reply(200, &body)).unwrap().data().unwrap();
            let kept = state.state.and_then(|inner| inner.draft).map(|raw| raw.get().to_owned());
            prop_assert_eq!(kept, Some(draft));
        }

        #[test]
        fn never_panics(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..256)) {
            let reply = Reply { status, retry_after: None, body };
            if let Ok(accepted) = open(&reply) {
                let _ = accepted.data::<Value>();
            }
        }

        #[test]
        fn never_panics_on_envelope_like_text(body in r#"[{}\[\]":,0-9a-z ]{0,48}"#, status in prop_oneof![Just(200u16), Just(500u16)]) {
            let reply = reply(status, &format!("{{\"code\":{body}"));
            if let Ok(accepted) = open(&reply) {
                let _ = accepted.data::<Value>();
            }
        }
    }
}
