//! The persisted shapes of an offline session and render (`"schema": 1`), and their
//! conversions to the editor's and the core's types, written by hand.

use nemo_core::media::MediaKind;
use nemo_core::model::Asset;
use nemo_editor::{History, Session};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::stamp::Stamp;

/// One project's file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionFile {
    /// Always [`nemo_storage::SCHEMA`].
    pub schema: u32,
    /// The task id.
    pub task_id: String,
    /// The project's name.
    pub name: String,
    /// The current draft.
    pub draft: Value,
    /// The drafts before it, oldest first.
    pub past: Vec<Value>,
    /// The uploaded files.
    pub media: Vec<MediaFile>,
    /// The music "add music" uses (display name, source).
    pub music: Option<(String, String)>,
    /// The subtitle file "add captions" uses (source); absent in files written before it.
    #[serde(default)]
    pub subtitles: Option<String>,
}

/// One uploaded file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MediaFile {
    /// Its name.
    pub filename: String,
    /// `video`, `image` or `audio`.
    pub kind: String,
    /// Seconds.
    pub duration_s: Option<f64>,
    /// Pixels.
    pub width: Option<u32>,
    /// Pixels.
    pub height: Option<u32>,
    /// Frames per second.
    pub fps: Option<f64>,
    /// What the file was.
    pub stamp: Stamp,
}

impl MediaFile {
    /// The core's view of it.
    #[must_use]
    pub fn asset(&self) -> Asset {
        Asset {
            filename: self.filename.clone(),
            kind: MediaKind::from_wire(&self.kind),
            cdn_url: None,
            duration_s: self.duration_s,
            width: self.width,
            height: self.height,
            fps: self.fps,
            hash: Some(self.stamp.hash.clone()),
        }
    }
}

/// One render's file: what to render again if the process that rendered it is gone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderFile {
    /// Always [`nemo_storage::SCHEMA`].
    pub schema: u32,
    /// The session it renders.
    pub session_id: String,
    /// The draft, verbatim.
    pub draft: String,
}

/// A session file and the editor's session of it.
pub struct Loaded {
    /// The file as read.
    pub file: SessionFile,
    /// The editing state.
    pub session: Session,
}

impl Loaded {
    /// Reads the editing state out of a session file.
    #[must_use]
    pub fn from_file(file: SessionFile) -> Self {
        let session = Session {
            drafts: History::restore(file.draft.clone(), file.past.clone()),
            assets: file.media.iter().map(MediaFile::asset).collect(),
            uploaded_music: file.music.clone(),
            uploaded_subtitles: file.subtitles.clone(),
            uploads: file.media.iter().map(|media| (media.filename.clone(), media.stamp.path.clone())).collect(),
        };
        Self { file, session }
    }

    /// The file with the editing state written back.
    #[must_use]
    pub fn into_file(self) -> SessionFile {
        SessionFile {
            draft: self.session.drafts.current().clone(),
            past: self.session.drafts.past().to_vec(),
            music: self.session.uploaded_music,
            subtitles: self.session.uploaded_subtitles,
            ..self.file
        }
    }
}
