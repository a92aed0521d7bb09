//! "add a title 'X' [for N seconds] [at the top|center|bottom]", `添加标题「X」`: a text track
//! (role `title`) from 0 s. Answered silently when alone, like the vendor's multitrack edits.

use serde_json::{Value, json};

use crate::draft::{TITLE_MS, TITLE_POSITION, edit};
use crate::instruction::{About, Change, Context, Instruction, number, seconds, text};
use crate::words::{Clause, position, seconds_ms};

/// The instruction.
pub struct Title;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "add_title",
    can: "add a title (add a title \"My Trip\" for 3 seconds at the top)",
    name: "title",
    examples: &["add a title 'X' for 4 seconds at the top", "添加标题「X」"],
    needs_video: true,
};

impl Instruction for Title {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        if !(clause.has(&["title"]) || clause.contains(&["标题"])) {
            return None;
        }
        let (text, rest) = clause.quoted()?;
        let mut args = json!({"text": text});
        if let Some(ms) = seconds_ms(&rest) {
            args["duration_ms"] = json!(ms);
        }
        if let Some(pos) = position(&rest.to_lowercase()) {
            args["position"] = json!(pos);
        }
        Some(args)
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let title = text(args, "text").unwrap_or_default().to_owned();
        let pos = text(args, "position").map(str::to_owned);
        let asked = number(args, "duration_ms").map(|ms| ms.round() as i64);
        let video_end = edit::video_end(context.draft());
        let (ms, planned) = match (asked, &pos) {
            (None, None) => (TITLE_MS, json!({"text": title})),
            _ => {
                let ms = asked.unwrap_or(TITLE_MS).min(video_end);
                (ms, json!({"text": title, "duration_ms": ms, "position": pos}))
            }
        };
        let sentence = match (asked, &pos) {
            (None, None) => format!("Added the title \"{title}\" (0-{} s).", seconds(ms)),
            _ => format!(
                "Added the title \"{title}\" (0-{} s, {}).",
                seconds(ms),
                pos.as_deref().unwrap_or(TITLE_POSITION)
            ),
        };
        let change = Change::edit(
            &ABOUT,
            planned,
            context.draft(),
            move |draft| {
                edit::add_title(draft, &title, ms, pos.as_deref());
            },
            |_| sentence,
        );
        Ok(change.alone(None))
    }
}
