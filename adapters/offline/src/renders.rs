//! Render jobs: each saved to `renders/<id>.json` before it starts, rendered by the engine in
//! this process. A render this process does not know live (its process was killed, nemod
//! restarted) is started again from the saved draft the first time it is asked about, so a
//! job outlives the process that started it.

use std::collections::HashMap;
use std::sync::Mutex;

use nemo_core::error::ApiError;
use nemo_core::ids::RenderId;
use nemo_core::model::{RenderPhase, RenderStatus};
use nemo_editor::{MediaEngine, RenderHandle, RenderState};

use crate::files::{self, Dir};
use crate::wire::RenderFile;

/// The URL scheme of a finished offline render (it never leaves this machine).
const SCHEME: &str = "offline-render:";

/// The renders this process runs, by id.
#[derive(Debug, Default)]
pub struct Renders {
    live: Mutex<HashMap<String, RenderHandle>>,
}

impl Renders {
    /// Saves a new render, then starts it.
    ///
    /// # Errors
    /// 409 when the id was used before; [`ApiError::Local`] when it cannot be saved; the
    /// engine's refusal (4001 for what cannot be rendered).
    pub fn submit(
        &self,
        dir: &Dir,
        engine: &dyn MediaEngine,
        id: &RenderId,
        record: &RenderFile,
    ) -> Result<(), ApiError> {
        let path = dir.render(id.as_str());
        if path.exists() {
            return Err(ApiError::status(409, "render id already exists"));
        }
        files::write(&path, record)?;
        self.start(engine, id, record).map(drop)
    }

    fn start(&self, engine: &dyn MediaEngine, id: &RenderId, record: &RenderFile) -> Result<RenderHandle, ApiError> {
        let handle = engine.start_render(&record.draft).map_err(|e| ApiError::code(4001, e.to_string()))?;
        self.lock().insert(id.as_str().to_owned(), handle);
        Ok(handle)
    }

    /// Where a render stands; one saved by a process that is gone starts again here.
    ///
    /// # Errors
    /// 404 for an unknown id.
    pub fn status(&self, dir: &Dir, engine: &dyn MediaEngine, id: &RenderId) -> Result<RenderStatus, ApiError> {
        let status =
            |phase, progress, output_url, error| RenderStatus { id: id.clone(), phase, progress, output_url, error };
        Ok(match engine.render_state(self.handle(dir, engine, id)?) {
            RenderState::Running(percent) => status(RenderPhase::Processing, percent.min(99), None, None),
            RenderState::Done { .. } => {
                status(RenderPhase::Completed, 100, Some(format!("{SCHEME}{}", id.as_str())), None)
            }
            RenderState::Failed(reason) => status(RenderPhase::Failed, 0, None, Some(reason)),
        })
    }

    /// Stops a render (a finished one stays finished).
    ///
    /// # Errors
    /// 404 for an unknown id.
    pub fn cancel(&self, dir: &Dir, engine: &dyn MediaEngine, id: &RenderId) -> Result<(), ApiError> {
        if let Some(handle) = self.lock().get(id.as_str()) {
            engine.cancel(*handle);
            return Ok(());
        }
        match files::read::<RenderFile>(&dir.render(id.as_str()))? {
            Some(_) => Ok(()),
            None => Err(ApiError::status(404, "render not found")),
        }
    }

    /// The id a render's URL (or the id itself) names.
    #[must_use]
    pub fn id_of(id_or_url: &str) -> &str {
        id_or_url.strip_prefix(SCHEME).unwrap_or(id_or_url)
    }

    /// The captions a render burns in, as SRT, when it has any (the sidecar of its file).
    ///
    /// # Errors
    /// [`ApiError::Local`] when the render's file cannot be read.
    pub fn captions(dir: &Dir, id_or_url: &str) -> Result<Option<String>, ApiError> {
        let Some(record) = files::read::<RenderFile>(&dir.render(Self::id_of(id_or_url)))? else { return Ok(None) };
        let timeline = nemo_editor::draft::Timeline::parse(&record.draft).unwrap_or_default();
        let cues: Vec<_> = timeline
            .titles
            .into_iter()
            .filter(|title| title.caption)
            .map(|title| (title.st, title.st + title.d, title.text))
            .collect();
        Ok((!cues.is_empty()).then(|| nemo_editor::subtitles::to_srt(&cues)))
    }

    /// The finished file of a render, by its id or its URL.
    ///
    /// # Errors
    /// 404 when it is unknown or not finished.
    pub fn output(&self, engine: &dyn MediaEngine, id_or_url: &str) -> Result<std::path::PathBuf, ApiError> {
        let id = Self::id_of(id_or_url);
        let handle = self.lock().get(id).copied();
        match handle.map(|handle| engine.render_state(handle)) {
            Some(RenderState::Done { path, .. }) => Ok(path),
            _ => Err(ApiError::status(404, "render output not ready; export again to render it")),
        }
    }

    /// The live handle of a render, starting a saved one again.
    fn handle(&self, dir: &Dir, engine: &dyn MediaEngine, id: &RenderId) -> Result<RenderHandle, ApiError> {
        if let Some(handle) = self.lock().get(id.as_str()) {
            return Ok(*handle);
        }
        let record = files::read::<RenderFile>(&dir.render(id.as_str()))?
            .ok_or_else(|| ApiError::status(404, "render not found"))?;
        self.start(engine, id, &record)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, RenderHandle>> {
        self.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
