//! "undo", "revert the last change", `撤销`: back one step of the project's draft history.

use serde_json::{Value, json};

use crate::draft::edit;
use crate::instruction::{About, Change, Context, Instruction, seconds};
use crate::words::Clause;

/// The instruction.
pub struct Undo;

/// How it presents itself.
pub static ABOUT: About =
    About {
        tool: "undo", can: "undo the last change", name: "undo", examples: &["undo", "撤销"], needs_video: false
    };

impl Instruction for Undo {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        (clause.has(&["undo", "revert"]) || clause.contains(&["撤销", "撤消", "撤回"])).then(|| json!({}))
    }

    fn plan(&self, _args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let previous = context.history.past().last().ok_or("There is nothing to undo yet.")?;
        let sentence = match edit::video_end(previous) {
            0 => "Undid the last change.".to_owned(),
            end => format!("Undid the last change; the video is {} seconds long again.", seconds(end)),
        };
        Ok(Change::undo(&ABOUT, sentence))
    }
}
