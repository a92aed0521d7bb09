//! The domain's answers as the contract's JSON (§4), built by hand field by field. Every fake
//! CDN URL is moved onto this server on the way out (see `cdn`); the draft is embedded
//! verbatim (it serializes as its own text).

use nemo_core::draft::Draft;
use nemo_core::model::{
    AnonymousGrant, Asset, Canvas, ClaimGrant, Credits, NewSession, RenderStatus, SessionState, UploadResult,
};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::cdn;

/// §4.1 `data`. The token is written here and nowhere else.
pub(crate) fn grant(grant: &AnonymousGrant) -> Value {
    json!({
        "token": grant.token.expose(),
        "user_id": grant.user_id.as_str(),
        "expires_at": grant.expires_at.to_rfc3339(),
        "credits": grant.credits,
    })
}

/// §4.2 `data`.
pub(crate) fn session(session: &NewSession) -> Value {
    let mut data = Map::new();
    data.insert("task_id".into(), session.task_id.as_str().into());
    data.insert("session_id".into(), session.session_id.as_str().into());
    if let Some(user) = &session.user_id {
        data.insert("user_id".into(), user.as_str().into());
    }
    Value::Object(data)
}

/// §4.3 `data`.
pub(crate) fn claim(claim: &ClaimGrant) -> Value {
    json!({"claim_token": claim.claim_token, "expires_in": claim.expires_in})
}

/// §4.7 `data`.
pub(crate) fn credits(credits: &Credits) -> Value {
    json!({"available": credits.available, "frozen": credits.frozen, "total": credits.total})
}

/// One asset (§4.5 `files[]`, §4.6 `video_infos[]`); absent facts are left out.
pub(crate) fn asset(asset: &Asset, base: &str) -> Value {
    let mut data = Map::new();
    data.insert("filename".into(), asset.filename.clone().into());
    let optional = [
        ("file_type", asset.kind.map(|kind| Value::from(kind.as_str()))),
        ("cdn_url", asset.cdn_url.as_deref().map(|url| Value::from(cdn::to_local(url, base)))),
        ("duration", asset.duration_s.map(Value::from)),
        ("width", asset.width.map(Value::from)),
        ("height", asset.height.map(Value::from)),
        ("fps", asset.fps.map(Value::from)),
        ("hash", asset.hash.clone().map(Value::from)),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            data.insert(key.into(), value);
        }
    }
    Value::Object(data)
}

/// §4.5 `data`.
pub(crate) fn upload(result: &UploadResult, base: &str) -> Value {
    let files: Vec<Value> = result.files.iter().map(|file| asset(file, base)).collect();
    json!({"files": files, "session_state_applied": result.session_state_applied})
}

/// §4.6 `data`: the draft goes in verbatim, so this is a typed mirror rather than a `Value`.
#[derive(Serialize)]
pub(crate) struct StateData<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    session_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_name: Option<&'a str>,
    state: StateBody<'a>,
}

/// §4.6 `data.state`.
#[derive(Serialize)]
struct StateBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<&'a Draft>,
    video_infos: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    canvas_config: Option<Value>,
    video_analyses: Value,
    generated_media: Value,
}

/// §4.6 `data` of `state`.
pub(crate) fn state<'a>(state: &'a SessionState, base: &str) -> StateData<'a> {
    StateData {
        session_id: state.session_id.as_ref().map(|id| id.as_str()),
        task_id: state.task_id.as_ref().map(|id| id.as_str()),
        task_name: state.task_name.as_deref(),
        state: StateBody {
            draft: state.draft.as_ref(),
            video_infos: state.video_infos.iter().map(|info| asset(info, base)).collect(),
            canvas_config: state.canvas.as_ref().map(canvas),
            video_analyses: json!({}),
            generated_media: json!([]),
        },
    }
}

fn canvas(canvas: &Canvas) -> Value {
    json!({"width": canvas.width, "height": canvas.height, "ratio": canvas.ratio})
}

/// §4.8 `data` of a submit or poll: `id`, `status`, `progress`, then `outputUrl` and
/// `error` when there are some.
pub(crate) fn render(status: &RenderStatus, base: &str) -> Value {
    let mut data = Map::new();
    data.insert("id".into(), status.id.as_str().into());
    data.insert("status".into(), status.phase.as_str().into());
    data.insert("progress".into(), status.progress.into());
    if let Some(url) = &status.output_url {
        data.insert("outputUrl".into(), cdn::to_local(url, base).into());
    }
    if let Some(error) = &status.error {
        data.insert("error".into(), error.clone().into());
    }
    Value::Object(data)
}

#[cfg(test)]
mod tests {
    use nemo_core::ids::{RenderId, SessionId};
    use nemo_core::media::MediaKind;
    use nemo_core::model::RenderPhase;

    use super::*;

    const BASE: &str = "http://127.0.0.1:9";

    #[test]
    fn assets_carry_local_cdn_urls_and_leave_out_unknowns() {
        let audio = Asset {
            filename: "song.mp3".into(),
            kind: Some(MediaKind::Audio),
            cdn_url: Some(format!("{}/assets/ff/song.mp3", nemo_fake::CDN_BASE)),
            duration_s: Some(10.0),
            width: None,
            height: None,
            fps: None,
            hash: Some("ff".into()),
        };
        assert_eq!(
            asset(&audio, BASE),
            json!({"filename": "song.mp3", "file_type": "audio", "cdn_url": "http://127.0.0.1:9/cdn/assets/ff/song.mp3",
                   "duration": 10.0, "hash": "ff"})
        );
    }

    #[test]
    fn the_state_embeds_the_draft_verbatim() {
        let text = r#"{"t":[],"big":9007199254740993,"x":0.30000000000000004}"#;
        let state = SessionState {
            session_id: Some(SessionId::parse("s1").unwrap_or_else(|e| panic!("{e}"))),
            draft: Draft::from_json(text).ok(),
            ..SessionState::default()
        };
        let json = serde_json::to_string(&self::state(&state, BASE)).unwrap_or_default();
        assert_eq!(
            json,
            format!(
                r#"{{"session_id":"s1","state":{{"draft":{text},"video_infos":[],"video_analyses":{{}},"generated_media":[]}}}}"#
            )
        );
    }

    #[test]
    fn render_statuses_name_their_phase_and_move_the_url() {
        let status = RenderStatus {
            id: RenderId::from_unix_ms(5),
            phase: RenderPhase::Completed,
            progress: 100,
            output_url: Some(format!("{}/renders/render_5.mp4", nemo_fake::CDN_BASE)),
            error: None,
        };
        assert_eq!(
            render(&status, BASE),
            json!({"id": "render_5", "status": "completed", "progress": 100,
                   "outputUrl": "http://127.0.0.1:9/cdn/renders/render_5.mp4"})
        );
        let failed = RenderStatus { phase: RenderPhase::Failed, error: Some("gpu".into()), output_url: None, ..status };
        assert_eq!(
            render(&failed, BASE),
            json!({"id": "render_5", "status": "failed", "progress": 100, "error": "gpu"})
        );
    }
}
