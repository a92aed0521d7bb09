//! Serde mirrors of the wire contract's JSON (requests and the `data` of replies). Replies are
//! tolerant: every field is optional, a field of the wrong type reads as absent, unknown fields
//! are ignored. They are converted to domain types by hand in `convert`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// Reads a field as `None` when it is null or of an unexpected type, instead of failing the
/// whole reply.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

// ---- requests ----

/// `POST /api/tasks/me/with-session/nemo_agent`.
#[derive(Debug, Serialize)]
pub struct CreateSessionBody<'a> {
    pub task_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'a str>,
}

/// `POST /api/auth/claim-token`.
#[derive(Debug, Serialize)]
pub struct ClaimBody<'a> {
    pub task_id: &'a str,
    pub session_id: &'a str,
}

/// `POST /run_sse` (snake_case).
#[derive(Debug, Serialize)]
pub struct ChatBody<'a> {
    pub app_name: &'static str,
    pub user_id: &'static str,
    pub session_id: &'a str,
    pub new_message: ChatMessage<'a>,
}

/// The message of a chat body.
#[derive(Debug, Serialize)]
pub struct ChatMessage<'a> {
    pub parts: [TextPart<'a>; 1],
}

/// One text part.
#[derive(Debug, Serialize)]
pub struct TextPart<'a> {
    pub text: &'a str,
}

/// Upload by URL.
#[derive(Debug, Serialize)]
pub struct UploadUrlsBody<'a> {
    pub urls: Vec<&'a str>,
    pub source_type: &'static str,
}

/// `POST /api/render/proxy/lambda`: `sessionId` camelCase, the draft verbatim.
#[derive(Debug, Serialize)]
pub struct RenderBody<'a> {
    pub id: &'a str,
    #[serde(rename = "sessionId")]
    pub session_id: &'a str,
    pub draft: &'a RawValue,
    pub output: RenderOutput,
}

/// The fixed output settings.
#[derive(Debug, Serialize)]
pub struct RenderOutput {
    pub format: &'static str,
    pub quality: &'static str,
}

// ---- replies ----

/// A reply body read in one pass: the members of both envelopes, and `data` left as raw text
/// (a draft inside keeps its bytes); other members are skipped. `code` and `success` are
/// `Some` even when null: a body with neither member is read as bare data.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Envelope<'a> {
    #[serde(deserialize_with = "present")]
    pub code: Option<Value>,
    pub message: Option<Value>,
    #[serde(deserialize_with = "present")]
    pub success: Option<Value>,
    pub error: Option<Value>,
    #[serde(borrow)]
    pub data: Option<&'a RawValue>,
}

/// Reads a member that is there as `Some`, null included.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Anonymous-token `data`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnonymousData {
    #[serde(deserialize_with = "lenient")]
    pub token: Option<String>,
    pub user_id: Option<Value>,
    #[serde(deserialize_with = "lenient")]
    pub expires_at: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub credits: Option<f64>,
}

/// Create-session `data`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SessionData {
    pub task_id: Option<Value>,
    pub session_id: Option<Value>,
    pub user_id: Option<Value>,
}

/// Claim-token `data`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClaimData {
    #[serde(deserialize_with = "lenient")]
    pub claim_token: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub expires_in: Option<f64>,
}

/// An asset (`data.files[]`, `state.video_infos[]`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssetData {
    pub filename: Option<Value>,
    #[serde(deserialize_with = "lenient")]
    pub file_type: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub cdn_url: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub duration: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub width: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub height: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub fps: Option<f64>,
    pub hash: Option<Value>,
}

/// Upload `data`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UploadData {
    #[serde(deserialize_with = "lenient")]
    pub files: Option<Vec<Value>>,
    #[serde(deserialize_with = "lenient")]
    pub session_state_applied: Option<bool>,
}

/// State `data`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateData {
    pub session_id: Option<Value>,
    pub task_id: Option<Value>,
    #[serde(deserialize_with = "lenient")]
    pub task_name: Option<String>,
    pub state: Option<StateInner>,
}

/// `data.state`: the draft stays raw text.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateInner {
    pub draft: Option<Box<RawValue>>,
    #[serde(deserialize_with = "lenient")]
    pub video_infos: Option<Vec<Value>>,
    #[serde(deserialize_with = "lenient")]
    pub canvas_config: Option<CanvasData>,
}

/// `state.canvas_config` (inferred keys).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CanvasData {
    #[serde(deserialize_with = "lenient")]
    pub width: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub height: Option<f64>,
    pub ratio: Option<Value>,
}

/// Credits `data`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreditsData {
    #[serde(deserialize_with = "lenient")]
    pub available: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub frozen: Option<f64>,
    #[serde(deserialize_with = "lenient")]
    pub total: Option<f64>,
}

/// A render job, from `data` (current) or from the top level (older texts).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RenderData {
    pub id: Option<Value>,
    #[serde(deserialize_with = "lenient")]
    pub status: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub progress: Option<f64>,
    #[serde(rename = "outputUrl", deserialize_with = "lenient")]
    pub output_url: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub output: Option<RenderOutputData>,
    pub error: Option<Value>,
}

/// `output: {"url": ...}` of older texts.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RenderOutputData {
    #[serde(deserialize_with = "lenient")]
    pub url: Option<String>,
}
