//! The editing side of one project: its drafts (with their history), its uploaded assets and
//! the music an "add music" without a file uses. The fake service and the offline backend
//! both keep one per session and hand every message to [`Session::reply`].

use nemo_core::draft::Draft;
use nemo_core::media::MediaKind;
use nemo_core::model::{Asset, Canvas};
use serde_json::Value;

use crate::agent::{self, Reply, Tools};
use crate::draft::{PHOTO_MS, canvas_of, edit};
use crate::history::History;
use crate::media::{MediaEngine, Probe};

/// One project's editing state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    /// The drafts: the current one and the steps before it.
    pub drafts: History,
    /// Every uploaded file, in order.
    pub assets: Vec<Asset>,
    /// The last audio file uploaded with sound (display name, source).
    pub uploaded_music: Option<(String, String)>,
    /// The last subtitle file uploaded (source).
    pub uploaded_subtitles: Option<String>,
    /// Every uploaded file's name and source, in order: what a file name in an instruction
    /// means first ("add background music song.mp3").
    pub uploads: Vec<(String, String)>,
}

impl Session {
    /// Adds an uploaded file: `asset` to the assets; a video at `src` to the end of the video
    /// track (one step of the history), its `probe` (when the file was probed) setting the
    /// canvas if the draft has none yet; a probed photo as a still of 3 s (the canvas, if
    /// unset, the usual one of its shape); an audio file with sound becomes the music "add
    /// music" uses, a subtitle file the captions "add captions" uses.
    pub fn ingest(&mut self, asset: Asset, src: &str, probe: Option<&Probe>) {
        let name = &asset.filename;
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem).to_owned();
        match asset.kind {
            Some(MediaKind::Video) => {
                let duration_ms = (asset.duration_s.unwrap_or_default() * 1000.0).round() as i64;
                let size = probe.and_then(|probe| probe.width.zip(probe.height));
                self.drafts.commit(|draft| {
                    if let Some((width, height)) = size {
                        // The first probed clip sets the canvas, so that a new aspect shows in the diff.
                        edit::set_canvas_if_unset(draft, width, height);
                    }
                    edit::append_video(draft, src, &stem, duration_ms);
                });
            }
            Some(MediaKind::Image) if probe.is_some() => {
                let size = probe.and_then(|probe| probe.width.zip(probe.height));
                self.drafts.commit(|draft| {
                    if let Some((width, height)) = size {
                        // A photo's canvas is the usual one of its shape, never its own pixels.
                        let ratio = if width * 5 > height * 6 {
                            "16:9"
                        } else if height * 5 > width * 6 {
                            "9:16"
                        } else {
                            "1:1"
                        };
                        if draft.pointer("/m/width").is_none() {
                            let (w, h) = canvas_of(ratio);
                            edit::set_canvas(draft, ratio, w, h);
                        }
                    }
                    edit::append_still(draft, src, &stem, PHOTO_MS);
                });
            }
            Some(MediaKind::Audio) if probe.is_some_and(|probe| probe.has_audio) => {
                self.uploaded_music = Some((stem, src.to_owned()));
            }
            Some(MediaKind::Subtitles) => self.uploaded_subtitles = Some(src.to_owned()),
            _ => {}
        }
        self.uploads.push((asset.filename.clone(), src.to_owned()));
        self.assets.push(asset);
    }

    /// What the editor does about `message` (nothing changes until the reply's change is
    /// applied with [`History::apply`]).
    #[must_use]
    pub fn reply(&self, message: &str, engine: Option<&dyn MediaEngine>) -> Reply {
        let uploaded_music = self.uploaded_music.as_ref().map(|(name, src)| (name.as_str(), src.as_str()));
        let uploaded_subtitles = self.uploaded_subtitles.as_deref();
        let uploads: Vec<(&str, &str)> = self.uploads.iter().map(|(name, src)| (name.as_str(), src.as_str())).collect();
        agent::reply(message, &self.drafts, Tools { engine, uploaded_music, uploaded_subtitles, uploads: &uploads })
    }

    /// The current draft as the core's verbatim [`Draft`].
    #[must_use]
    pub fn draft(&self) -> Draft {
        Draft::from_json(self.drafts.current().to_string()).expect("session drafts are JSON objects")
    }

    /// The canvas the draft sets (`m.width`, `m.height`, `m.ratio`), else 1920×1080 16:9.
    #[must_use]
    pub fn canvas(&self) -> Canvas {
        let draft = self.drafts.current();
        let number =
            |key: &str| draft.pointer(&format!("/m/{key}")).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
        let ratio = draft.pointer("/m/ratio").and_then(Value::as_str).map(str::to_owned);
        match (number("width"), number("height")) {
            (Some(width), Some(height)) => Canvas { width: Some(width), height: Some(height), ratio },
            _ => Canvas { width: Some(1920), height: Some(1080), ratio: Some(ratio.unwrap_or_else(|| "16:9".into())) },
        }
    }
}
