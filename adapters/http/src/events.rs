//! The chat payload mapper: one SSE `data` text → the [`ChatEvent`]s it stands for, for the
//! three shapes of the wire contract (agent framework, simple typed, run error). Total: any
//! text maps to something, never a panic.
//!
//! Choices: the simple shape's `{"type":"text"}` events are chunks of the answer, so they map
//! to `Text { partial: true }`; an agent-framework event that yields nothing known (for
//! example one carrying only `actions`) is kept whole as [`ChatEvent::Opaque`]; a part of an
//! unknown kind is kept as `Opaque(part)`; `thought` parts are not chat text and are kept opaque.

use std::borrow::Cow;

use nemo_core::chat::event::ChatEvent;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

/// Maps one event's data text.
#[must_use]
pub fn map_event(data: &str) -> Vec<ChatEvent> {
    text_only(data).unwrap_or_else(|| general(data))
}

/// The most common event of a turn — an agent-framework event whose parts are all text —
/// read without building a JSON tree (several times faster). `None` for anything else, which
/// [`general`] reads; both give the same events (property-tested).
fn text_only(data: &str) -> Option<Vec<ChatEvent>> {
    let event: TextOnly<'_> = serde_json::from_str(data).ok()?;
    let no_other_shape =
        event.kind.is_none() && event.error.is_none() && event.error_code.is_none() && event.error_message.is_none();
    if !no_other_shape || event.content.parts.is_empty() || event.content.parts.iter().any(|p| p.thought == Some(true))
    {
        return None;
    }
    let partial = event.partial == Some(true);
    let mut events: Vec<ChatEvent> =
        event.content.parts.into_iter().map(|part| ChatEvent::Text { text: part.text.into_owned(), partial }).collect();
    if event.turn_complete == Some(true) {
        events.push(ChatEvent::TurnComplete);
    }
    Some(events)
}

/// An agent-framework event as [`text_only`] reads it. `Option<IgnoredAny>` fields only
/// notice a key (a `null` reads as absent, as [`general`] treats it).
#[derive(Deserialize)]
struct TextOnly<'a> {
    #[serde(borrow)]
    content: TextContent<'a>,
    partial: Option<bool>,
    #[serde(rename = "turnComplete")]
    turn_complete: Option<bool>,
    #[serde(rename = "type")]
    kind: Option<IgnoredAny>,
    error: Option<IgnoredAny>,
    #[serde(rename = "errorCode")]
    error_code: Option<IgnoredAny>,
    #[serde(rename = "errorMessage")]
    error_message: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct TextContent<'a> {
    #[serde(borrow)]
    parts: Vec<TextPart<'a>>,
}

#[derive(Deserialize)]
struct TextPart<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
    thought: Option<bool>,
}

/// Any event, through a JSON tree.
fn general(data: &str) -> Vec<ChatEvent> {
    match serde_json::from_str::<Value>(data) {
        Ok(Value::Object(object)) => map_object(object),
        Ok(other) => vec![ChatEvent::Opaque(other)],
        Err(_) => vec![ChatEvent::Opaque(Value::String(data.to_owned()))],
    }
}

fn map_object(mut object: Map<String, Value>) -> Vec<ChatEvent> {
    if let Some(Value::String(kind)) = object.get("type") {
        return vec![simple(kind.clone(), object)];
    }
    if let Some(error) = object.get("error").filter(|e| !e.is_null()) {
        return vec![ChatEvent::RunError { message: text_of(error) }];
    }
    let is_agent = ["content", "errorCode", "errorMessage", "turnComplete", "partial", "invocationId", "author"]
        .iter()
        .any(|key| object.contains_key(*key));
    if !is_agent {
        return vec![ChatEvent::Opaque(Value::Object(object))];
    }
    let partial = object.get("partial").and_then(Value::as_bool) == Some(true);
    let mut events = Vec::new();
    if let Some(Value::Array(parts)) = object.get_mut("content").and_then(|c| c.get_mut("parts")) {
        for part in parts.iter_mut() {
            if let Some(event) = agent_part(std::mem::take(part), partial) {
                events.push(event);
            }
        }
    }
    let code = object.get("errorCode").filter(|v| !v.is_null());
    let message = object.get("errorMessage").filter(|v| !v.is_null());
    if code.is_some() || message.is_some() {
        events.push(ChatEvent::ModelError {
            code: code.map(text_of).unwrap_or_default(),
            message: message.map(text_of).unwrap_or_default(),
        });
    }
    if object.get("turnComplete").and_then(Value::as_bool) == Some(true) {
        events.push(ChatEvent::TurnComplete);
    }
    if events.is_empty() {
        events.push(ChatEvent::Opaque(Value::Object(object)));
    }
    events
}

fn agent_part(part: Value, partial: bool) -> Option<ChatEvent> {
    let Value::Object(mut part) = part else {
        return Some(ChatEvent::Opaque(part));
    };
    let thought = part.get("thought").and_then(Value::as_bool) == Some(true);
    if !thought
        && matches!(part.get("text"), Some(Value::String(_)))
        && let Some(Value::String(text)) = part.remove("text")
    {
        return Some(ChatEvent::Text { text, partial });
    }
    if let Some(Value::Object(mut call)) = part.remove("functionCall") {
        return Some(ChatEvent::ToolCall { name: name_of(&call), args: call.remove("args").unwrap_or(Value::Null) });
    }
    if let Some(Value::Object(mut response)) = part.remove("functionResponse") {
        return Some(ChatEvent::ToolResult {
            name: name_of(&response),
            result: response.remove("response").unwrap_or(Value::Null),
        });
    }
    if part.is_empty() {
        return None;
    }
    Some(ChatEvent::Opaque(Value::Object(part)))
}

fn simple(kind: String, mut object: Map<String, Value>) -> ChatEvent {
    match kind.as_str() {
        "text" => match object.remove("content") {
            Some(Value::String(text)) => ChatEvent::Text { text, partial: true },
            _ => ChatEvent::Opaque(Value::Object(object)),
        },
        "tool_call" => {
            ChatEvent::ToolCall { name: name_of(&object), args: object.remove("args").unwrap_or(Value::Null) }
        }
        "tool_result" => {
            ChatEvent::ToolResult { name: name_of(&object), result: object.remove("result").unwrap_or(Value::Null) }
        }
        "heartbeat" => ChatEvent::Heartbeat,
        "error" => ChatEvent::RunError {
            message: object.get("error").or_else(|| object.get("message")).map(text_of).unwrap_or_default(),
        },
        _ => ChatEvent::Opaque(Value::Object(object)),
    }
}

fn name_of(object: &Map<String, Value>) -> String {
    object.get("name").map(text_of).unwrap_or_default()
}

/// A string as is; anything else as compact JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn check(data: &str, expected: &[ChatEvent]) {
        assert_eq!(map_event(data), expected, "{data}");
    }

    fn text(text: &str, partial: bool) -> ChatEvent {
        ChatEvent::Text { text: text.into(), partial }
    }

    #[test]
    fn agent_framework_events() {
        check(
            r#"{"content":{"role":"model","parts":[{"text":"Hel"}]},"partial":true,"author":"a"}"#,
            &[text("Hel", true)],
        );
        check(
            r#"{"content":{"parts":[{"text":"Hello"},{"functionCall":{"id":"1","name":"add_title","args":{"t":"x"}}}]},"turnComplete":true}"#,
            &[
                text("Hello", false),
                ChatEvent::ToolCall { name: "add_title".into(), args: json!({"t":"x"}) },
                ChatEvent::TurnComplete,
            ],
        );
        check(
            r#"{"content":{"role":"user","parts":[{"functionResponse":{"name":"add_title","response":{"ok":true}}}]},"author":"a"}"#,
            &[ChatEvent::ToolResult { name: "add_title".into(), result: json!({"ok":true}) }],
        );
        check(
            r#"{"errorCode":"SAFETY","errorMessage":"blocked","author":"a"}"#,
            &[ChatEvent::ModelError { code: "SAFETY".into(), message: "blocked".into() }],
        );
        check(r#"{"author":"a","actions":{}}"#, &[ChatEvent::Opaque(json!({"author":"a","actions":{}}))]);
    }

    #[test]
    fn simple_typed_events() {
        check(r#"{"type":"text","content":"hi"}"#, &[text("hi", true)]);
        check(
            r#"{"type":"tool_call","name":"trim","args":{"a":1}}"#,
            &[ChatEvent::ToolCall { name: "trim".into(), args: json!({"a":1}) }],
        );
        check(
            r#"{"type":"tool_result","name":"trim","result":[1]}"#,
            &[ChatEvent::ToolResult { name: "trim".into(), result: json!([1]) }],
        );
        check(r#"{"type":"heartbeat"}"#, &[ChatEvent::Heartbeat]);
        check(r#"{"type":"weird","x":1}"#, &[ChatEvent::Opaque(json!({"type":"weird","x":1}))]);
    }

    #[test]
    fn run_errors_and_anything_else() {
        check(
            r#"{"error":"RuntimeError: boom","error_details":{}}"#,
            &[ChatEvent::RunError { message: "RuntimeError: boom".into() }],
        );
        check("[1,2]", &[ChatEvent::Opaque(json!([1, 2]))]);
        check("not json", &[ChatEvent::Opaque(json!("not json"))]);
        check(r#"{"x":1}"#, &[ChatEvent::Opaque(json!({"x":1}))]);
    }

    proptest! {
        #[test]
        fn never_panics(data in any::<String>()) {
            prop_assert!(!map_event(&data).is_empty());
        }

        #[test]
        fn never_panics_on_json_like_text(data in r#"[{}\[\]":,a-z0-9 ]{0,64}"#) {
            prop_assert!(!map_event(&data).is_empty());
        }

        #[test]
        fn the_text_fast_path_agrees_with_the_general_reading(data in agent_event()) {
            if let Some(fast) = text_only(&data) {
                prop_assert_eq!(fast, general(&data), "{}", data);
            }
        }
    }

    /// Agent-framework-like events: text, thought and other parts, the keys that decide the
    /// shape (sometimes null, sometimes of the wrong type), duplicates and unknown keys.
    fn agent_event() -> impl Strategy<Value = String> {
        let part = prop_oneof![
            r#"\{"text":"[a-z\\"é ]{0,8}"\}"#,
            r#"\{"text":"a","thought":(true|false|null|"x")\}"#,
            r#"\{"text":"a","functionCall":\{"name":"f"\}\}"#,
            r#"\{"functionCall":\{"name":"f","args":\{\}\}\}"#,
            r#"\{"text":(1|null)\}"#,
            Just("{}".to_owned()),
            Just("7".to_owned()),
        ];
        let key = prop_oneof![
            r#""partial":(true|false|null|1)"#,
            r#""turnComplete":(true|false|null)"#,
            r#""(type|error|errorCode|errorMessage)":(null|"x"|1)"#,
            r#""(author|id|actions)":"a""#,
            Just(r#""content":null"#.to_owned()),
        ];
        (prop::collection::vec(part, 0..4), prop::collection::vec(key, 0..4)).prop_map(|(parts, keys)| {
            let mut fields = vec![format!(r#""content":{{"role":"model","parts":[{}]}}"#, parts.join(","))];
            fields.extend(keys);
            format!("{{{}}}", fields.join(","))
        })
    }

    proptest! {
        #[test]
        fn a_plain_text_delta_takes_the_fast_path(text in "[a-z ]{0,16}") {
            let data = format!(r#"{{"content":{{"role":"model","parts":[{{"text":"{text}"}}]}},"partial":true,"author":"a"}}"#);
            prop_assert_eq!(text_only(&data), Some(vec![ChatEvent::Text { text, partial: true }]));
        }
    }
}
