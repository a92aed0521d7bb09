//! [`OfflineBackend`]: the backend port answered on this machine — the editor edits the
//! project's drafts, the ffmpeg engine probes, listens and renders, and every project, draft
//! step, upload and render is kept under `STATE/offline/` so that the next command (or a
//! restarted nemod) finds it. There are no accounts: one local token, no credits, no links.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use futures::stream;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::ApiError;
use nemo_core::ids::{ClientId, RenderId, SessionId, TaskId, Token, UserId};
use nemo_core::media::{LocalMedia, MediaKind, MediaUrl};
use nemo_core::model::{
    AnonymousGrant, ClaimGrant, Credits, NewSession, RenderRequest, RenderStatus, SessionState, UploadResult,
};
use nemo_core::ports::{Backend, EventStream, Progress, ProgressEvent};
use nemo_core::time::Timestamp;
use nemo_editor::draft::Timeline;
use nemo_editor::{MediaEngine, Probe};
use nemo_storage::delivery::copy_through_part;
use serde_json::json;

use crate::files::{self, Dir};
use crate::renders::Renders;
use crate::stamp::Stamp;
use crate::wire::{Loaded, MediaFile, RenderFile, SessionFile};

/// The one local account's token and user: nothing leaves the machine, so nothing is secret.
const LOCAL_TOKEN: &str = "offline";
const LOCAL_USER: &str = "local";

/// The offline service.
pub struct OfflineBackend {
    dir: Dir,
    engine: Arc<dyn MediaEngine>,
    renders: Renders,
}

impl std::fmt::Debug for OfflineBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfflineBackend").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl OfflineBackend {
    /// The offline service over `STATE/offline` of `state_dir`, rendering with `engine`.
    #[must_use]
    pub fn new(state_dir: &std::path::Path, engine: Arc<dyn MediaEngine>) -> Self {
        Self { dir: Dir::of(state_dir), engine, renders: Renders::default() }
    }

    /// `STATE/offline`.
    #[must_use]
    pub fn root(&self) -> PathBuf {
        self.dir.root().to_owned()
    }

    /// Reads a session, lets `change` edit it and writes it back, all under the lock.
    fn update<T>(
        &self,
        id: &SessionId,
        change: impl FnOnce(&mut Loaded) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let _lock = self.dir.lock()?;
        let mut loaded = self.load(id)?;
        let result = change(&mut loaded)?;
        files::write(&self.dir.session(id), &loaded.into_file())?;
        Ok(result)
    }

    /// A session; 1002 when there is none with this id.
    fn load(&self, id: &SessionId) -> Result<Loaded, ApiError> {
        let file = files::read::<SessionFile>(&self.dir.session(id))?
            .ok_or_else(|| ApiError::code(1002, format!("no offline project has the session {id}")))?;
        Ok(Loaded::from_file(file))
    }

    fn engine(&self) -> &dyn MediaEngine {
        &*self.engine
    }

    /// Copies a finished render to `dest`, and its captions, when it has any, to the `.srt`
    /// beside it (`trip.mp4` → `trip.srt`).
    fn deliver(&self, id_or_url: &str, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
        let bytes = copy_through_part(&self.renders.output(self.engine(), id_or_url)?, dest, progress)?;
        if let Some(srt) = Renders::captions(&self.dir, id_or_url)? {
            let sidecar = std::path::Path::new(dest).with_extension("srt");
            nemo_storage::files::write_atomic(&sidecar, srt.as_bytes(), 0o644).map_err(|e| ApiError::Local(e.0))?;
        }
        Ok(bytes)
    }
}

/// Every uploaded file the draft uses, checked against what was uploaded.
fn check_media(file: &SessionFile, draft_json: &str) -> Result<(), ApiError> {
    let timeline = Timeline::parse(draft_json).unwrap_or_default();
    let used = timeline.clips.iter().map(|clip| clip.src.as_str()).chain(timeline.music.iter().map(|m| m.src.as_str()));
    for src in used {
        if let Some(media) = file.media.iter().find(|media| media.stamp.path == src) {
            media.stamp.check(&media.filename).map_err(|drift| ApiError::code(4001, drift.to_string()))?;
        }
    }
    Ok(())
}

fn local_user() -> UserId {
    UserId::parse(LOCAL_USER).unwrap_or_else(|_| unreachable!("a valid user id"))
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", &uuid::Uuid::new_v4().simple().to_string()[..16])
}

/// The id a path segment accepts; 1002 otherwise.
fn id<T>(parsed: Result<T, nemo_core::ids::InvalidId>) -> Result<T, ApiError> {
    parsed.map_err(|e| ApiError::code(1002, e.to_string()))
}

#[async_trait]
impl Backend for OfflineBackend {
    async fn anonymous_token(&self, _client_id: &ClientId) -> Result<AnonymousGrant, ApiError> {
        let token = Token::new(LOCAL_TOKEN).map_err(|e| ApiError::Local(e.to_string()))?;
        Ok(AnonymousGrant {
            token,
            user_id: local_user(),
            expires_at: Timestamp::from_unix_ms(253_402_300_799_000),
            credits: 0,
        })
    }

    async fn create_session(
        &self,
        _token: &Token,
        task_name: &str,
        _language: Option<&str>,
    ) -> Result<NewSession, ApiError> {
        let session_id = id(SessionId::parse(new_id("local_")))?;
        let task_id = id(TaskId::parse(new_id("task_")))?;
        let file = SessionFile {
            schema: nemo_storage::SCHEMA,
            task_id: task_id.as_str().to_owned(),
            name: task_name.to_owned(),
            draft: nemo_editor::draft::edit::empty(),
            past: Vec::new(),
            media: Vec::new(),
            music: None,
            subtitles: None,
        };
        let _lock = self.dir.lock()?;
        files::write(&self.dir.session(&session_id), &file)?;
        Ok(NewSession { task_id, session_id, user_id: Some(local_user()) })
    }

    async fn claim_token(&self, _token: &Token, _task: &TaskId, _session: &SessionId) -> Result<ClaimGrant, ApiError> {
        Err(ApiError::code(4001, "offline projects have no web page: they live on this machine only"))
    }

    async fn send_message(&self, _token: &Token, session_id: &SessionId, text: &str) -> Result<EventStream, ApiError> {
        let engine = self.engine();
        let reply = self.update(session_id, |loaded| {
            for media in &loaded.file.media {
                media.stamp.check(&media.filename).map_err(|drift| ApiError::code(4001, drift.to_string()))?;
            }
            let reply = loaded.session.reply(text, Some(engine));
            if let Some(change) = &reply.change {
                loaded.session.drafts.apply(change);
            }
            Ok(reply)
        })?;
        let mut events = Vec::new();
        if let Some(change) = &reply.change {
            let (name, args) = change.tool_call();
            events.push(ChatEvent::ToolCall { name: name.into(), args: args.clone() });
            events.push(ChatEvent::ToolResult { name: name.into(), result: json!({"status": "success"}) });
        }
        if let Some(text) = reply.text {
            events.push(ChatEvent::Text { text, partial: false });
        }
        events.push(ChatEvent::TurnComplete);
        Ok(Box::pin(stream::iter(events.into_iter().map(Ok))))
    }

    async fn upload_file(
        &self,
        _token: &Token,
        session_id: &SessionId,
        file: &LocalMedia,
        progress: &dyn Progress,
    ) -> Result<UploadResult, ApiError> {
        let name = file.file_name();
        progress.report(ProgressEvent::Upload { name: name.to_owned(), sent: 0, total: file.size() });
        self.load(session_id)?;
        let path = std::path::absolute(file.path()).map_err(|e| ApiError::Local(format!("{name}: {e}")))?;
        let src = path.to_string_lossy().into_owned();
        let probe = probe_upload(self.engine(), file, &src)?;
        let stamp = Stamp::of(&src).map_err(|e| ApiError::Local(format!("{name}: {e}")))?;
        let media = media_file(name, file.kind(), probe.as_ref(), stamp);
        let asset = media.asset();
        self.update(session_id, |loaded| {
            loaded.session.ingest(asset.clone(), &src, probe.as_ref());
            loaded.file.media.push(media);
            Ok(())
        })?;
        progress.report(ProgressEvent::Upload { name: name.to_owned(), sent: file.size(), total: file.size() });
        Ok(UploadResult { files: vec![asset], session_state_applied: true })
    }

    async fn upload_urls(
        &self,
        _token: &Token,
        _session: &SessionId,
        urls: &[MediaUrl],
    ) -> Result<UploadResult, ApiError> {
        let url = urls.first().map_or("the URL", MediaUrl::as_str);
        Err(ApiError::code(
            4001,
            format!("the offline editor edits local files only; download {url} and upload the file"),
        ))
    }

    async fn state(&self, _token: &Token, session_id: &SessionId) -> Result<SessionState, ApiError> {
        let loaded = self.load(session_id)?;
        Ok(SessionState {
            session_id: Some(session_id.clone()),
            task_id: TaskId::parse(loaded.file.task_id.clone()).ok(),
            task_name: Some(loaded.file.name.clone()),
            draft: Some(loaded.session.draft()),
            video_infos: loaded.session.assets.clone(),
            canvas: Some(loaded.session.canvas()),
        })
    }

    async fn credits(&self, _token: &Token) -> Result<Credits, ApiError> {
        Ok(Credits { available: 0, frozen: 0, total: 0 })
    }

    async fn submit_render(&self, _token: &Token, request: &RenderRequest) -> Result<RenderStatus, ApiError> {
        let loaded = self.load(&request.session_id)?;
        check_media(&loaded.file, request.draft.as_json())?;
        let record = RenderFile {
            schema: nemo_storage::SCHEMA,
            session_id: request.session_id.as_str().to_owned(),
            draft: request.draft.as_json().to_owned(),
        };
        self.renders.submit(&self.dir, self.engine(), &request.id, &record)?;
        Ok(RenderStatus {
            id: request.id.clone(),
            phase: nemo_core::model::RenderPhase::Pending,
            progress: 0,
            output_url: None,
            error: None,
        })
    }

    async fn render_status(&self, _token: &Token, id: &RenderId) -> Result<RenderStatus, ApiError> {
        self.renders.status(&self.dir, self.engine(), id)
    }

    async fn cancel_render(&self, _token: &Token, id: &RenderId) -> Result<(), ApiError> {
        self.renders.cancel(&self.dir, self.engine(), id)
    }

    async fn download_url(&self, url: &str, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
        self.deliver(url, dest, progress)
    }

    async fn download_render(
        &self,
        _token: &Token,
        id: &RenderId,
        dest: &str,
        progress: &dyn Progress,
    ) -> Result<u64, ApiError> {
        self.deliver(id.as_str(), dest, progress)
    }
}

/// Probes an upload: 4001 when the engine cannot read it, or a video has no picture. A
/// subtitle file is not media: it is read for its cues (4001 without any), not probed.
fn probe_upload(engine: &dyn MediaEngine, file: &LocalMedia, src: &str) -> Result<Option<Probe>, ApiError> {
    if file.kind() == MediaKind::Subtitles {
        return nemo_editor::subtitles::read(src).map(|_| None).map_err(|why| ApiError::code(4001, why));
    }
    let probe = engine.probe(src).map_err(|error| ApiError::code(4001, error.to_string()))?;
    if file.kind() == MediaKind::Video && (!probe.has_video || probe.duration_ms <= 0) {
        return Err(ApiError::code(4001, format!("{} has no playable video stream", file.file_name())));
    }
    Ok(Some(probe))
}

/// The persisted record of an upload.
fn media_file(name: &str, kind: MediaKind, probe: Option<&Probe>, stamp: Stamp) -> MediaFile {
    let (video, audio) = (kind == MediaKind::Video, kind == MediaKind::Audio);
    let picture = |side: fn(&Probe) -> Option<u32>| probe.filter(|_| !audio).and_then(side);
    MediaFile {
        filename: name.to_owned(),
        kind: kind.as_str().to_owned(),
        duration_s: probe.filter(|_| video || audio).map(|probe| probe.duration_ms as f64 / 1000.0),
        width: picture(|probe| probe.width),
        height: picture(|probe| probe.height),
        fps: probe.filter(|_| video).and_then(|probe| probe.fps),
        stamp,
    }
}
