//! Sessions: who owns each, its task, its editing state (the editor's [`Session`]: drafts,
//! assets, uploaded music), and whether its edit cost has been charged.

use std::collections::HashMap;

use nemo_core::error::ApiError;
use nemo_core::ids::{SessionId, TaskId, UserId};
use nemo_core::media::MediaKind;
use nemo_core::model::{Asset, NewSession, SessionState};
use nemo_editor::{Probe, Session};

use crate::cdn;
use crate::idgen::{IdGen, content_hash};

/// How long every uploaded video or audio file is, as the fake "probes" it.
const MEDIA_MS: i64 = 10_000;

/// One chat session.
#[derive(Debug)]
pub(crate) struct Chat {
    owner: UserId,
    task_id: TaskId,
    task_name: String,
    /// The editing state.
    pub(crate) edit: Session,
    /// Whether the session's edit cost is frozen or spent.
    pub(crate) charged: bool,
}

impl Chat {
    /// The session's latest state, as the state endpoint reports it.
    pub(crate) fn state(&self, id: &SessionId) -> SessionState {
        SessionState {
            session_id: Some(id.clone()),
            task_id: Some(self.task_id.clone()),
            task_name: Some(self.task_name.clone()),
            draft: Some(self.edit.draft()),
            video_infos: self.edit.assets.clone(),
            canvas: Some(self.edit.canvas()),
        }
    }

    /// Whether the session belongs to this task.
    pub(crate) fn is_of_task(&self, task: &TaskId) -> bool {
        &self.task_id == task
    }

    /// Adds an uploaded file (`key` identifies its content) to the assets, and a video to the
    /// end of the video track. Returns the asset.
    pub(crate) fn ingest(&mut self, filename: &str, kind: MediaKind, key: &str) -> Asset {
        self.ingest_as(filename, kind, key, filename, None)
    }

    /// [`Chat::ingest`] of a file at `src` whose `probe` tells its real length, size and
    /// streams (without one: 10 s, and 1920×1080 at 30 fps for a video).
    pub(crate) fn ingest_as(
        &mut self,
        filename: &str,
        kind: MediaKind,
        key: &str,
        src: &str,
        probe: Option<&Probe>,
    ) -> Asset {
        let hash = content_hash(key);
        let (video, audio) = (kind == MediaKind::Video, kind == MediaKind::Audio);
        let duration_ms = probe.map_or(MEDIA_MS, |probe| probe.duration_ms);
        let asset = Asset {
            filename: filename.to_owned(),
            kind: Some(kind),
            cdn_url: Some(cdn::asset_url(&hash, filename)),
            duration_s: (video || audio).then_some(duration_ms as f64 / 1000.0),
            width: if audio { None } else { probe.map_or(Some(1920), |probe| probe.width) },
            height: if audio { None } else { probe.map_or(Some(1080), |probe| probe.height) },
            fps: if video { probe.map_or(Some(30.0), |probe| probe.fps) } else { None },
            hash: Some(hash),
        };
        self.edit.ingest(asset.clone(), src, probe);
        asset
    }
}

/// Every session, by id.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    by_id: HashMap<SessionId, Chat>,
}

impl Sessions {
    /// A new session of `owner` with an empty draft.
    pub(crate) fn create(&mut self, owner: &UserId, task_name: &str, ids: &mut IdGen) -> NewSession {
        let (task_id, session_id) = (ids.task(), ids.session());
        let session = Chat {
            owner: owner.clone(),
            task_id: task_id.clone(),
            task_name: task_name.to_owned(),
            edit: Session::default(),
            charged: false,
        };
        self.by_id.insert(session_id.clone(), session);
        NewSession { task_id, session_id, user_id: Some(owner.clone()) }
    }

    /// A session, whoever owns it.
    pub(crate) fn get(&self, id: &SessionId) -> Option<&Chat> {
        self.by_id.get(id)
    }

    /// A session, whoever owns it, to change it.
    pub(crate) fn get_mut(&mut self, id: &SessionId) -> Option<&mut Chat> {
        self.by_id.get_mut(id)
    }

    /// A session of `user`; 1002 when it does not exist or is someone else's.
    pub(crate) fn owned(&mut self, user: &UserId, id: &SessionId) -> Result<&mut Chat, ApiError> {
        self.by_id
            .get_mut(id)
            .filter(|session| &session.owner == user)
            .ok_or_else(|| ApiError::code(1002, "session not found"))
    }
}
