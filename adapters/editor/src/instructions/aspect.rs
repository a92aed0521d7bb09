//! "make it vertical" / `9:16`, "square" / `1:1`, "horizontal" / `16:9`, `竖屏`, `方形`, `横屏`:
//! the canvas (`m.ratio`, `m.width`, `m.height`).

use serde_json::{Value, json};

use crate::draft::{canvas_of, edit};
use crate::instruction::{About, Change, Context, Instruction, text};
use crate::words::Clause;

/// The instruction.
pub struct Aspect;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "set_aspect_ratio",
    can: "make it vertical 9:16, square or 16:9",
    name: "aspect",
    examples: &["make it vertical", "9:16", "square", "16:9", "竖屏"],
};

impl Instruction for Aspect {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let ratio = if clause.contains(&["9:16", "竖屏", "竖版"]) || clause.has(&["vertical", "portrait"]) {
            "9:16"
        } else if clause.contains(&["1:1", "方形"]) || clause.has(&["square"]) {
            "1:1"
        } else if clause.contains(&["16:9", "横屏"]) || clause.has(&["horizontal", "landscape", "widescreen"]) {
            "16:9"
        } else {
            return None;
        };
        Some(json!({"ratio": ratio}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let ratio = text(args, "ratio").unwrap_or("16:9").to_owned();
        let (width, height) = canvas_of(&ratio);
        let shape = match ratio.as_str() {
            "9:16" => "vertical",
            "1:1" => "square",
            _ => "horizontal",
        };
        let sentence = format!("The video is now {shape} ({ratio}, {width}×{height}).");
        Ok(Change::edit(
            &ABOUT,
            json!({"ratio": ratio}),
            context.draft(),
            move |draft| {
                edit::set_canvas(draft, &ratio, width, height);
            },
            |_| sentence,
        ))
    }
}
