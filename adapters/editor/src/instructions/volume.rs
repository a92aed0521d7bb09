//! "set the music volume to N%", `音量 N%`: the background music's `vol` (capped at 100).

use serde_json::{Value, json};

use crate::draft::edit;
use crate::instruction::{About, Change, Context, Instruction, number};
use crate::words::{Clause, first_number, percent};

/// The instruction.
pub struct Volume;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "set_music_volume",
    can: "set the music volume (set the music volume to 50%)",
    name: "music volume",
    examples: &["set the music volume to 50%", "音量 30%"],
    needs_video: true,
};

/// Whether a clause speaks of volume (music must not take it for "add music").
pub(crate) fn speaks_of_volume(clause: &Clause) -> bool {
    clause.has(&["volume"]) || clause.contains(&["音量"])
}

impl Instruction for Volume {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        if !speaks_of_volume(clause) {
            return None;
        }
        first_number(clause.text()).map(|n| json!({"volume": percent(n)}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        if !edit::has_music(context.draft()) {
            return Err("There is no background music yet; ask me to add music first.".into());
        }
        let volume = percent(number(args, "volume").unwrap_or_default());
        Ok(Change::edit(
            &ABOUT,
            json!({"volume": volume}),
            context.draft(),
            move |draft| {
                edit::set_music_volume(draft, volume);
            },
            |_| format!("The background music volume is now {volume}%."),
        ))
    }
}
