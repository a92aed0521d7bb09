//! Chat events as server-sent events (§4.4): `data: <compact JSON>` + blank line, LF only,
//! no `event:`/`id:` lines; heartbeats as `: keep-alive` comments in the agent-framework
//! shape. The turn ends when the body ends; a dropped turn cuts the body short.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::{Stream, StreamExt, stream};
use nemo_core::chat::event::ChatEvent;
use nemo_core::ports::EventStream;
use serde_json::{Map, Value, json};

use crate::SseShape;

/// The agent's name in agent-framework events.
const AUTHOR: &str = "nemo_agent";

/// An SSE comment: a keep-alive every client ignores.
pub(crate) const KEEP_ALIVE: &str = ": keep-alive\n\n";

/// After this much real silence from the fake, a keep-alive comment is sent.
pub(crate) const SILENCE: Duration = Duration::from_secs(15);

/// How long a dropped turn waits before cutting the connection, so that the events before
/// the drop reach the client.
const FLUSH_BEFORE_CUT: Duration = Duration::from_millis(20);

/// Turns one turn's events into SSE frames of one shape.
#[derive(Debug)]
pub(crate) struct Framer {
    shape: SseShape,
    /// `e-<n>`: the turn's invocation id.
    invocation: String,
    /// Events framed so far (the next event's id).
    events: u64,
    /// Tool calls not answered yet, with the ids given to them.
    open_calls: Vec<(String, String)>,
    /// Function-call ids handed out.
    calls: u64,
    /// Whether text deltas came since the last whole text (simple shape only).
    saw_delta: bool,
}

impl Framer {
    /// A framer for turn number `turn`.
    pub(crate) fn new(shape: SseShape, turn: u64) -> Self {
        Self { shape, invocation: format!("e-{turn}"), events: 0, open_calls: Vec::new(), calls: 0, saw_delta: false }
    }

    /// The frame for `event` at `now` (seconds since the epoch), or `None` when this shape
    /// does not show it.
    pub(crate) fn frame(&mut self, event: &ChatEvent, now: f64) -> Option<String> {
        if matches!(event, ChatEvent::Heartbeat) && self.shape == SseShape::AgentFramework {
            return Some(KEEP_ALIVE.to_owned());
        }
        let payload = match self.shape {
            SseShape::AgentFramework => self.agent_framework(event, now),
            SseShape::SimpleTyped => self.simple_typed(event)?,
        };
        Some(format!("data: {payload}\n\n"))
    }

    /// Shape 1: ADK `adk api_server` events.
    fn agent_framework(&mut self, event: &ChatEvent, now: f64) -> Value {
        let mut fields = Map::new();
        match event {
            ChatEvent::Text { text, partial } => {
                fields.insert("content".into(), json!({"role": "model", "parts": [{"text": text}]}));
                if *partial {
                    fields.insert("partial".into(), true.into());
                }
            }
            ChatEvent::ToolCall { name, args } => {
                self.calls += 1;
                let id = format!("adk-{}-{}", self.invocation, self.calls);
                self.open_calls.push((name.clone(), id.clone()));
                let call = json!({"functionCall": {"id": id, "name": name, "args": args}});
                fields.insert("content".into(), json!({"role": "model", "parts": [call]}));
            }
            ChatEvent::ToolResult { name, result } => {
                let id = self.answer_call(name);
                let answer = json!({"functionResponse": {"id": id, "name": name, "response": result}});
                fields.insert("content".into(), json!({"role": "user", "parts": [answer]}));
            }
            ChatEvent::TurnComplete => {
                fields.insert("turnComplete".into(), true.into());
            }
            ChatEvent::ModelError { code, message } => {
                fields.insert("errorCode".into(), code.clone().into());
                fields.insert("errorMessage".into(), message.clone().into());
            }
            ChatEvent::RunError { message } => return json!({"error": message}),
            ChatEvent::Opaque(value) => return value.clone(),
            ChatEvent::Heartbeat => return json!({}),
        }
        self.events += 1;
        fields.insert("author".into(), AUTHOR.into());
        fields.insert("invocationId".into(), self.invocation.clone().into());
        fields.insert("id".into(), self.events.to_string().into());
        fields.insert("timestamp".into(), now.into());
        Value::Object(fields)
    }

    /// The id of the latest unanswered call to `name` (a fresh one if there is none).
    fn answer_call(&mut self, name: &str) -> String {
        match self.open_calls.iter().rposition(|(open, _)| open == name) {
            Some(at) => self.open_calls.remove(at).1,
            None => {
                self.calls += 1;
                format!("adk-{}-{}", self.invocation, self.calls)
            }
        }
    }

    /// Shape 2: the vendor's typed events; whole texts that repeat deltas are left out.
    fn simple_typed(&mut self, event: &ChatEvent) -> Option<Value> {
        Some(match event {
            ChatEvent::Text { text, partial: true } => {
                self.saw_delta = true;
                json!({"type": "text", "content": text})
            }
            ChatEvent::Text { text, partial: false } => {
                if std::mem::take(&mut self.saw_delta) {
                    return None;
                }
                json!({"type": "text", "content": text})
            }
            ChatEvent::ToolCall { name, args } => json!({"type": "tool_call", "name": name, "args": args}),
            ChatEvent::ToolResult { name, result } => json!({"type": "tool_result", "name": name, "result": result}),
            ChatEvent::Heartbeat => json!({"type": "heartbeat"}),
            ChatEvent::TurnComplete => return None,
            ChatEvent::ModelError { code, message } => json!({"error": message, "error_details": {"code": code}}),
            ChatEvent::RunError { message } => json!({"error": message}),
            ChatEvent::Opaque(value) => value.clone(),
        })
    }
}

/// Seconds since the epoch, as agent-framework timestamps write them.
fn now_secs() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// The response body of a turn: its events framed, a keep-alive after every `silence` of
/// real time without one, an error item (a cut connection) where the fake's stream fails.
/// Dropping the body drops the fake's stream.
pub(crate) fn body(
    events: EventStream,
    framer: Framer,
    silence: Duration,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    stream::unfold(Some((events, framer)), move |state| async move {
        let (mut events, mut framer) = state?;
        loop {
            match tokio::time::timeout(silence, events.next()).await {
                Err(_) => return Some((Ok(Bytes::from_static(KEEP_ALIVE.as_bytes())), Some((events, framer)))),
                Ok(None) => return None,
                Ok(Some(Err(error))) => {
                    // Let hyper flush what was framed before the cut: it writes the head and
                    // the buffered events only when the body stops being ready.
                    tokio::time::sleep(FLUSH_BEFORE_CUT).await;
                    return Some((Err(io::Error::other(error.to_string())), None));
                }
                Ok(Some(Ok(event))) => {
                    if let Some(frame) = framer.frame(&event, now_secs()) {
                        return Some((Ok(Bytes::from(frame)), Some((events, framer))));
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use nemo_core::error::ApiError;

    use super::*;

    fn text(text: &str, partial: bool) -> ChatEvent {
        ChatEvent::Text { text: text.into(), partial }
    }

    /// The frames of `events` in `shape`, in a turn numbered 7 at time 1.5.
    fn check(shape: SseShape, events: &[ChatEvent], expected: &[&str]) {
        let mut framer = Framer::new(shape, 7);
        let frames: Vec<String> = events.iter().filter_map(|event| framer.frame(event, 1.5)).collect();
        assert_eq!(frames, expected);
    }

    #[test]
    fn agent_framework_text_partial_and_whole() {
        check(
            SseShape::AgentFramework,
            &[text("Hi", true), text("Hi", false)],
            &[
                "data: {\"author\":\"nemo_agent\",\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},\"id\":\"1\",\"invocationId\":\"e-7\",\"partial\":true,\"timestamp\":1.5}\n\n",
                "data: {\"author\":\"nemo_agent\",\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},\"id\":\"2\",\"invocationId\":\"e-7\",\"timestamp\":1.5}\n\n",
            ],
        );
    }

    #[test]
    fn agent_framework_tool_call_and_result_share_an_id() {
        let events = [
            ChatEvent::ToolCall { name: "edit".into(), args: json!({"a": 1}) },
            ChatEvent::ToolResult { name: "edit".into(), result: json!({"ok": true}) },
        ];
        check(
            SseShape::AgentFramework,
            &events,
            &[
                "data: {\"author\":\"nemo_agent\",\"content\":{\"parts\":[{\"functionCall\":{\"args\":{\"a\":1},\"id\":\"adk-e-7-1\",\"name\":\"edit\"}}],\"role\":\"model\"},\"id\":\"1\",\"invocationId\":\"e-7\",\"timestamp\":1.5}\n\n",
                "data: {\"author\":\"nemo_agent\",\"content\":{\"parts\":[{\"functionResponse\":{\"id\":\"adk-e-7-1\",\"name\":\"edit\",\"response\":{\"ok\":true}}}],\"role\":\"user\"},\"id\":\"2\",\"invocationId\":\"e-7\",\"timestamp\":1.5}\n\n",
            ],
        );
    }

    #[test]
    fn agent_framework_endings_errors_heartbeats_and_opaque() {
        let events = [
            ChatEvent::Heartbeat,
            ChatEvent::TurnComplete,
            ChatEvent::ModelError { code: "SAFETY".into(), message: "blocked".into() },
            ChatEvent::RunError { message: "RuntimeError: boom".into() },
            ChatEvent::Opaque(json!({"x": [1]})),
        ];
        check(
            SseShape::AgentFramework,
            &events,
            &[
                ": keep-alive\n\n",
                "data: {\"author\":\"nemo_agent\",\"id\":\"1\",\"invocationId\":\"e-7\",\"timestamp\":1.5,\"turnComplete\":true}\n\n",
                "data: {\"author\":\"nemo_agent\",\"errorCode\":\"SAFETY\",\"errorMessage\":\"blocked\",\"id\":\"2\",\"invocationId\":\"e-7\",\"timestamp\":1.5}\n\n",
                "data: {\"error\":\"RuntimeError: boom\"}\n\n",
                "data: {\"x\":[1]}\n\n",
            ],
        );
    }

    #[test]
    fn simple_typed_shows_deltas_once_and_a_lone_whole_text() {
        let events = [text("He", true), text("y", true), text("Hey", false), text("Trailer", false)];
        check(
            SseShape::SimpleTyped,
            &events,
            &[
                "data: {\"content\":\"He\",\"type\":\"text\"}\n\n",
                "data: {\"content\":\"y\",\"type\":\"text\"}\n\n",
                "data: {\"content\":\"Trailer\",\"type\":\"text\"}\n\n",
            ],
        );
    }

    #[test]
    fn simple_typed_tools_heartbeats_and_errors() {
        let events = [
            ChatEvent::ToolCall { name: "edit".into(), args: json!({}) },
            ChatEvent::ToolResult { name: "edit".into(), result: json!({"ok": 1}) },
            ChatEvent::Heartbeat,
            ChatEvent::TurnComplete,
            ChatEvent::ModelError { code: "SAFETY".into(), message: "blocked".into() },
            ChatEvent::RunError { message: "boom".into() },
            ChatEvent::Opaque(json!(3)),
        ];
        check(
            SseShape::SimpleTyped,
            &events,
            &[
                "data: {\"args\":{},\"name\":\"edit\",\"type\":\"tool_call\"}\n\n",
                "data: {\"name\":\"edit\",\"result\":{\"ok\":1},\"type\":\"tool_result\"}\n\n",
                "data: {\"type\":\"heartbeat\"}\n\n",
                "data: {\"error\":\"blocked\",\"error_details\":{\"code\":\"SAFETY\"}}\n\n",
                "data: {\"error\":\"boom\"}\n\n",
                "data: 3\n\n",
            ],
        );
    }

    #[tokio::test]
    async fn a_failing_stream_ends_the_body_with_an_error() {
        let events: EventStream = Box::pin(stream::iter([
            Ok(text("a", true)),
            Err(ApiError::MaybeSent("dropped".into())),
            Ok(text("b", true)),
        ]));
        let items: Vec<io::Result<Bytes>> =
            body(events, Framer::new(SseShape::SimpleTyped, 1), SILENCE).collect().await;
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        assert!(items[1].is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn silence_is_filled_with_keep_alives() {
        let events: EventStream = Box::pin(stream::pending());
        let mut body = Box::pin(body(events, Framer::new(SseShape::SimpleTyped, 1), SILENCE));
        let first = body.next().await.and_then(Result::ok);
        assert_eq!(first.as_deref(), Some(KEEP_ALIVE.as_bytes()));
    }
}
