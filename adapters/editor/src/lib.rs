//! `nemo-editor`: the editor that turns plain instructions into draft edits — the offline
//! backend's agent and the fake service's alike.
//!
//! - [`instructions`]: the instruction set, one module per instruction and one ordered
//!   [`TABLE`](instructions::TABLE) (how each is recognised in English and Chinese, how it
//!   plans against the draft and the media, how it changes the draft, its sentence, its tool
//!   name, its line in the list of what the editor can do);
//! - [`agent`]: a message → clauses → the table → one [`Change`] and the answer;
//! - [`draft`]: the draft schema (track types, keys, defaults), its typed reading (what
//!   `nemo-engine` renders) and its edits;
//! - [`history`]: the drafts of a project with their history ("undo");
//! - [`session`]: one project's editing state (drafts, assets, the uploaded music);
//! - [`media`]: the media-engine port (probe, silences, render), implemented by `nemo-engine`.
//!
//! No I/O of its own: files are probed and rendered through the [`MediaEngine`] port.
//!
//! # What it understands
//!
//! Several instructions per message, split on commas, `and`, `then`, `，`, `、`, `然后`… (never
//! inside quotes), applied in order and answered with a sentence each:
//!
//! | Instruction | Examples |
//! |---|---|
//! | title | `add a title 'X' for 4 seconds at the top`, `添加标题「X」` |
//! | undo | `undo`, `撤销` |
//! | music volume | `set the music volume to 50%`, `音量 30%` |
//! | music | `add background music song.mp3 at 30%`, `添加背景音乐` |
//! | remove pauses | `remove the pauses`, `去掉停顿` |
//! | aspect | `make it vertical`, `9:16`, `square`, `16:9`, `竖屏` |
//! | speed | `speed ×2`, `slow down`, `2倍速` |
//! | cut A–B | `cut from 2 to 3.5 seconds`, `剪掉2到3秒` |
//! | trim to N s | `trim to 8 seconds`, `剪到5秒` |
//! | mute | `mute the original audio`, `静音` |
//! | join | `join the clips with a fade`, `淡入淡出` |
#![warn(missing_docs)]

pub mod agent;
pub mod draft;
pub mod history;
pub mod instruction;
pub mod instructions;
pub mod media;
pub mod session;
pub mod words;

pub use agent::Reply;
pub use history::History;
pub use instruction::{Change, Instruction};
pub use media::{EngineError, MediaEngine, Probe, RenderHandle, RenderState};
pub use session::Session;

#[cfg(test)]
mod tests {
    #[test]
    fn the_crate_docs_show_the_table() {
        let docs: String = include_str!("lib.rs")
            .lines()
            .filter_map(|line| line.strip_prefix("//! "))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(
            docs.contains(&crate::instructions::markdown_table()),
            "lib.rs's table differs from:\n{}",
            crate::instructions::markdown_table()
        );
    }
}
