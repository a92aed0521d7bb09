//! "join the clips with a fade", `淡入淡出`, `拼接`: a fade (`fx`) into every clip that follows
//! a clip of another file.

use serde_json::{Value, json};

use crate::draft::{FADE_MS, edit};
use crate::instruction::{About, Change, Context, Instruction};
use crate::words::Clause;

/// The instruction.
pub struct Join;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "join_with_fade",
    can: "join the clips with a fade",
    name: "join",
    examples: &["join the clips with a fade", "淡入淡出"],
    needs_video: true,
};

impl Instruction for Join {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        (clause.has(&["join"]) || clause.contains(&["拼接", "合并", "淡入淡出"])).then(|| json!({}))
    }

    fn plan(&self, _args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let joins = edit::joins(context.draft());
        if joins == 0 {
            return Err("There is only one clip, so there is nothing to join; upload more clips first.".into());
        }
        let args = json!({"fade_ms": FADE_MS});
        Ok(Change::edit(
            &ABOUT,
            args,
            context.draft(),
            |draft| edit::join_with_fade(draft, FADE_MS),
            |_| format!("Joined the {} clips with a fade.", joins + 1),
        ))
    }
}
