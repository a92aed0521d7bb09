//! Silence analyses started ahead of need. A file is probed when it is uploaded; its pauses are
//! wanted only if an instruction asks to remove them, but then at once. So the first probe of a
//! file also starts the analysis (`silence::analyse`) on a thread of its own, side by side with
//! the probe (and with ffprobe and ffmpeg on two cores when the file needs them); a later
//! [`Ahead::take`] waits for that result instead of analysing again. The cost when no one asks:
//! one audio-only decode of each uploaded file, small next to a render.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use nemo_editor::EngineError;

use crate::silence::{self, Silence};
use crate::tools::Tools;

/// The silences found, or why they could not be.
type Found = Result<Vec<Silence>, EngineError>;

/// One analysis in flight or done.
#[derive(Debug, Default)]
struct Slot {
    found: Mutex<Option<Found>>,
    done: Condvar,
}

/// The analyses started so far, by path and file stamp.
#[derive(Debug, Default)]
pub struct Ahead {
    slots: Mutex<HashMap<(String, Stamp), Arc<Slot>>>,
}

/// A file's size and modification time: a file changed since is analysed again.
pub type Stamp = (u64, Option<std::time::SystemTime>);

impl Ahead {
    /// Starts analysing `path` (as it is at `stamp`) on a thread of its own, unless that is
    /// already under way or done.
    pub fn start(&self, tools: &Tools, path: &str, stamp: Stamp) {
        let key = (path.to_owned(), stamp);
        let slot = {
            let mut slots = lock(&self.slots);
            if slots.contains_key(&key) {
                return;
            }
            let slot = Arc::new(Slot::default());
            slots.insert(key, Arc::clone(&slot));
            slot
        };
        let (tools, path) = (tools.clone(), path.to_owned());
        let spawned = std::thread::Builder::new().name("silencedetect".into()).spawn({
            let slot = Arc::clone(&slot);
            move || slot.fill(silence::analyse(&tools, &path))
        });
        if let Err(e) = spawned {
            slot.fill(Err(EngineError::Failed(format!("cannot start the pause analysis: {e}"))));
        }
    }

    /// The result of the analysis of `path` at `stamp`, waiting for it if it is still
    /// running; `None` when none was started (the caller runs it itself).
    pub fn take(&self, path: &str, stamp: Stamp) -> Option<Found> {
        let slot = lock(&self.slots).get(&(path.to_owned(), stamp)).cloned()?;
        let mut found = lock(&slot.found);
        while found.is_none() {
            found = slot.done.wait(found).unwrap_or_else(PoisonError::into_inner);
        }
        found.clone()
    }
}

impl Slot {
    fn fill(&self, found: Found) {
        *lock(&self.found) = Some(found);
        self.done.notify_all();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
