//! Wire mirrors → domain types, by hand. A required field that is missing or invalid is a
//! `BadReply`; everything optional that cannot be read is simply absent.

use nemo_core::draft::Draft;
use nemo_core::error::ApiError;
use nemo_core::ids::{RenderId, SessionId, TaskId, Token, UserId};
use nemo_core::media::MediaKind;
use nemo_core::model::{
    AnonymousGrant, Asset, Canvas, ClaimGrant, Credits, NewSession, RenderPhase, RenderStatus, SessionState,
    UploadResult,
};
use nemo_core::time::Timestamp;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::envelope::{Accepted, message_text};
use crate::wire;

/// The claim link's lifetime when the service does not say (the contract's 7 days).
const CLAIM_SECONDS: u64 = 604_800;

/// An id sent as a string or as a JSON number.
fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn to_u32(value: Option<f64>) -> Option<u32> {
    value.filter(|v| v.is_finite() && *v >= 0.0 && *v <= f64::from(u32::MAX)).map(|v| v.round() as u32)
}

fn to_i64(value: Option<f64>) -> Option<i64> {
    value.filter(|v| v.is_finite() && v.abs() < 9.0e18).map(|v| v.round() as i64)
}

/// The anonymous-token grant.
pub fn anonymous(reply: &Accepted<'_>) -> Result<AnonymousGrant, ApiError> {
    let data: wire::AnonymousData = reply.data()?;
    let token = data.token.and_then(|t| Token::new(t).ok()).ok_or_else(|| reply.bad("missing or invalid token"))?;
    let user_id = id_text(data.user_id.as_ref())
        .and_then(|u| UserId::parse(u).ok())
        .ok_or_else(|| reply.bad("missing or invalid user_id"))?;
    let expires_at = data
        .expires_at
        .and_then(|t| Timestamp::parse_rfc3339(&t).ok())
        .ok_or_else(|| reply.bad("missing or invalid expires_at"))?;
    Ok(AnonymousGrant { token, user_id, expires_at, credits: to_i64(data.credits).unwrap_or(0) })
}

/// The new session.
pub fn session(reply: &Accepted<'_>) -> Result<NewSession, ApiError> {
    let data: wire::SessionData = reply.data()?;
    let task_id = id_text(data.task_id.as_ref())
        .and_then(|t| TaskId::parse(t).ok())
        .ok_or_else(|| reply.bad("missing or invalid task_id"))?;
    let session_id = id_text(data.session_id.as_ref())
        .and_then(|s| SessionId::parse(s).ok())
        .ok_or_else(|| reply.bad("missing or invalid session_id"))?;
    let user_id = id_text(data.user_id.as_ref()).and_then(|u| UserId::parse(u).ok());
    Ok(NewSession { task_id, session_id, user_id })
}

/// The claim grant.
pub fn claim(reply: &Accepted<'_>) -> Result<ClaimGrant, ApiError> {
    let data: wire::ClaimData = reply.data()?;
    let claim_token = data.claim_token.filter(|t| !t.is_empty()).ok_or_else(|| reply.bad("missing claim_token"))?;
    let expires_in = data.expires_in.filter(|v| v.is_finite() && *v >= 0.0).map_or(CLAIM_SECONDS, |v| v as u64);
    Ok(ClaimGrant { claim_token, expires_in })
}

fn asset(value: Value) -> Option<Asset> {
    let data: wire::AssetData = serde_json::from_value(value).ok()?;
    Some(Asset {
        filename: id_text(data.filename.as_ref()).unwrap_or_default(),
        kind: data.file_type.as_deref().and_then(MediaKind::from_wire),
        cdn_url: data.cdn_url,
        duration_s: data.duration.filter(|d| d.is_finite()),
        width: to_u32(data.width),
        height: to_u32(data.height),
        fps: data.fps.filter(|f| f.is_finite()),
        hash: id_text(data.hash.as_ref()),
    })
}

fn assets(values: Option<Vec<Value>>) -> Vec<Asset> {
    values.unwrap_or_default().into_iter().filter_map(asset).collect()
}

/// The upload result.
pub fn upload(reply: &Accepted<'_>) -> Result<UploadResult, ApiError> {
    let data: wire::UploadData = reply.data()?;
    Ok(UploadResult { files: assets(data.files), session_state_applied: data.session_state_applied.unwrap_or(false) })
}

/// The draft from its raw text: verbatim when it is an object; a JSON string holding an
/// object is unwrapped; anything else reads as no draft.
fn draft(raw: &RawValue) -> Option<Draft> {
    let text = raw.get();
    if text.trim_start().starts_with('"') {
        let inner: String = serde_json::from_str(text).ok()?;
        return Draft::from_json(inner).ok();
    }
    Draft::from_json(text.to_owned()).ok()
}

/// The session state.
pub fn state(reply: &Accepted<'_>) -> Result<SessionState, ApiError> {
    let data: wire::StateData = reply.data()?;
    let inner = data.state.unwrap_or_default();
    Ok(SessionState {
        session_id: id_text(data.session_id.as_ref()).and_then(|s| SessionId::parse(s).ok()),
        task_id: id_text(data.task_id.as_ref()).and_then(|t| TaskId::parse(t).ok()),
        task_name: data.task_name,
        draft: inner.draft.as_deref().and_then(draft),
        video_infos: assets(inner.video_infos),
        canvas: inner.canvas_config.map(|c| Canvas {
            width: to_u32(c.width),
            height: to_u32(c.height),
            ratio: id_text(c.ratio.as_ref()),
        }),
    })
}

/// The credit balance (`available` required).
pub fn credits(reply: &Accepted<'_>) -> Result<Credits, ApiError> {
    let data: wire::CreditsData = reply.data()?;
    let available = to_i64(data.available).ok_or_else(|| reply.bad("missing available"))?;
    let frozen = to_i64(data.frozen).unwrap_or(0);
    let total = to_i64(data.total).unwrap_or(available.saturating_add(frozen));
    Ok(Credits { available, frozen, total })
}

/// A render status, from `data` or from the top level (older texts); `fallback` is the id
/// asked for, used when the reply does not repeat it. A missing status is an error unless
/// `default_phase` is given (the submit reply).
pub fn render(
    reply: &Accepted<'_>,
    fallback: &RenderId,
    default_phase: Option<RenderPhase>,
) -> Result<RenderStatus, ApiError> {
    let data: wire::RenderData = reply.data()?;
    let top: wire::RenderData = reply.whole()?;
    let status = data.status.or(top.status);
    let phase = match status.as_deref() {
        Some(word) => RenderPhase::from_wire(word),
        None => default_phase.ok_or_else(|| reply.bad("missing render status"))?,
    };
    let id = id_text(data.id.as_ref()).and_then(|i| RenderId::parse(i).ok()).unwrap_or_else(|| fallback.clone());
    let progress = data
        .progress
        .or(top.progress)
        .filter(|p| p.is_finite())
        .map_or(if phase == RenderPhase::Completed { 100 } else { 0 }, |p| p.clamp(0.0, 100.0).round() as u8);
    let output_url = [data.output_url, data.output.and_then(|o| o.url), top.output_url, top.output.and_then(|o| o.url)]
        .into_iter()
        .flatten()
        .find(|u| !u.is_empty());
    let error = [data.error, top.error].iter().flatten().find_map(message_text);
    Ok(RenderStatus { id, phase, progress, output_url, error })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{Reply, open};

    fn reply(body: &str) -> Reply {
        Reply { status: 200, retry_after: None, body: body.as_bytes().to_vec() }
    }

    #[test]
    fn sessions_accept_string_and_number_ids() {
        let r = reply(r#"{"code":0,"data":{"task_id":"t1","session_id":7301234567890123456,"user_id":"anon_1"}}"#);
        let s = session(&open(&r).unwrap()).unwrap();
        assert_eq!(s.session_id.as_str(), "7301234567890123456");
        assert_eq!(s.user_id.unwrap().as_str(), "anon_1");
        let r = reply(r#"{"code":0,"data":{"task_id":"t1"}}"#);
        assert!(matches!(session(&open(&r).unwrap()), Err(ApiError::BadReply { .. })));
    }

    #[test]
    fn state_keeps_the_draft_verbatim_and_tolerates_gaps() {
        let draft = r#"{"t":[{"tt":0,"sg":[{"x":1.50}]}],"big":123456789012345678901234567890,"u":"\u00e9"}"#;
        let body = format!(
            r#"{{"code":0,"data":{{"session_id":"1","task_name":"p","state":{{"draft":{draft},"video_infos":[{{"filename":"a.mp4","file_type":"video","width":"wide"}},3],"canvas_config":{{"width":1080,"height":1920,"ratio":"9:16"}}}}}}}}"#
        );
        let r = reply(&body);
        let s = state(&open(&r).unwrap()).unwrap();
        assert_eq!(s.draft.unwrap().as_json(), draft);
        assert_eq!(s.video_infos.len(), 1);
        assert_eq!(s.video_infos[0].kind, Some(MediaKind::Video));
        assert_eq!(s.video_infos[0].width, None);
        assert_eq!(s.canvas.unwrap().ratio.as_deref(), Some("9:16"));
        let r = reply(r#"{"code":0,"data":{}}"#);
        assert_eq!(state(&open(&r).unwrap()).unwrap(), SessionState::default());
    }

    #[test]
    fn render_status_in_both_places() {
        let id = RenderId::parse("render_1").unwrap();
        let r = reply(
            r#"{"success":true,"data":{"id":"render_1","status":"completed","progress":100,"outputUrl":"https://cdn/x.mp4"}}"#,
        );
        let s = render(&open(&r).unwrap(), &id, None).unwrap();
        assert_eq!((s.phase, s.output_url.as_deref()), (RenderPhase::Completed, Some("https://cdn/x.mp4")));
        let r = reply(r#"{"success":true,"status":"completed","output":{"url":"https://cdn/y.mp4"}}"#);
        let s = render(&open(&r).unwrap(), &id, None).unwrap();
        assert_eq!(
            (s.phase, s.output_url.as_deref(), s.id),
            (RenderPhase::Completed, Some("https://cdn/y.mp4"), id.clone())
        );
        let r = reply(r#"{"success":true,"data":{"status":"completed"}}"#);
        assert_eq!(render(&open(&r).unwrap(), &id, None).unwrap().output_url, None);
        let r = reply(r#"{"success":true,"data":{"status":"failed","error":"bad draft"}}"#);
        assert_eq!(render(&open(&r).unwrap(), &id, None).unwrap().error.as_deref(), Some("bad draft"));
        let r = reply(r#"{"success":true,"data":{}}"#);
        assert!(render(&open(&r).unwrap(), &id, None).is_err());
        assert_eq!(render(&open(&r).unwrap(), &id, Some(RenderPhase::Pending)).unwrap().phase, RenderPhase::Pending);
    }

    #[test]
    fn anonymous_grant_needs_its_fields() {
        let r = reply(
            r#"{"code":0,"data":{"token":"nmv_usr_x","user_id":"anon_1","expires_at":"2026-01-08T00:00:00Z","credits":100}}"#,
        );
        let g = anonymous(&open(&r).unwrap()).unwrap();
        assert_eq!((g.token.expose(), g.credits), ("nmv_usr_x", 100));
        let r = reply(r#"{"code":0,"data":{"token":"nmv_usr_x","user_id":"anon_1"}}"#);
        assert!(matches!(anonymous(&open(&r).unwrap()), Err(ApiError::BadReply { .. })));
    }
}
