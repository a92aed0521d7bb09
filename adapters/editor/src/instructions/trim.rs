//! "trim to N seconds", "cut it to N s", `剪到N秒`: every track cut at N s.

use serde_json::{Value, json};

use crate::draft::edit;
use crate::instruction::{About, Change, Context, Instruction, number, seconds};
use crate::words::{Clause, ms};

/// The instruction.
pub struct Trim;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "trim_video",
    can: "trim the video (trim to 8 seconds)",
    name: "trim to N s",
    examples: &["trim to 8 seconds", "剪到5秒"],
    needs_video: true,
};

impl Instruction for Trim {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let asks =
            clause.has(&["trim", "shorten", "cut"]) || clause.contains(&["剪到", "裁剪", "剪成", "保留前", "截取"]);
        match (asks, &clause.numbers()[..]) {
            (true, [seconds]) if ms(*seconds) > 0 => Some(json!({"duration_ms": ms(*seconds)})),
            _ => None,
        }
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let limit = number(args, "duration_ms").map_or(0, |n| n.round() as i64);
        let video_end = edit::video_end(context.draft());
        if limit >= video_end {
            return Err(format!("The video is {} seconds long, so there is nothing to trim.", seconds(video_end)));
        }
        let sentence = format!("Done — the video is now {} seconds long.", seconds(limit));
        Ok(Change::edit(
            &ABOUT,
            json!({"duration_ms": limit}),
            context.draft(),
            move |draft| edit::trim(draft, limit),
            |_| sentence,
        ))
    }
}
