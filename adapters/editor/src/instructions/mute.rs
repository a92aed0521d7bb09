//! "mute", "mute the original audio", `静音`: every clip's own sound at volume 0.

use serde_json::{Value, json};

use crate::draft::edit;
use crate::instruction::{About, Change, Context, Instruction};
use crate::words::Clause;

/// The instruction.
pub struct Mute;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "mute_video",
    can: "mute it",
    name: "mute",
    examples: &["mute the original audio", "静音"],
    needs_video: true,
};

impl Instruction for Mute {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        (clause.has(&["mute"]) || clause.contains(&["静音"])).then(|| json!({}))
    }

    fn plan(&self, _args: &Value, context: &Context<'_>) -> Result<Change, String> {
        Ok(Change::edit(&ABOUT, json!({}), context.draft(), edit::mute, |_| {
            "The video's original sound is now muted.".into()
        }))
    }
}
