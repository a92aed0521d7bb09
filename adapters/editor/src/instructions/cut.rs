//! "cut from A to B [seconds]", "remove 2-3 s", `剪掉2到3秒`: that part of the timeline removed
//! and the gap closed (a ripple cut).

use serde_json::{Value, json};

use crate::draft::edit;
use crate::instruction::{About, Change, Context, Instruction, number, seconds};
use crate::words::{Clause, ms};

/// The instruction.
pub struct Cut;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "cut_range",
    can: "cut a part (cut from 2 to 4 seconds)",
    name: "cut A–B",
    examples: &["cut from 2 to 3.5 seconds", "剪掉2到3秒"],
    needs_video: true,
};

impl Instruction for Cut {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let asks =
            clause.has(&["cut", "remove", "delete", "drop"]) || clause.contains(&["剪掉", "删除", "删掉", "去掉"]);
        match (asks, &clause.numbers()[..]) {
            (true, [from, to, ..]) if to > from => Some(json!({"from_ms": ms(*from), "to_ms": ms(*to)})),
            _ => None,
        }
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let at = |key| number(args, key).map_or(0, |n| n.round() as i64);
        let (from, to) = (at("from_ms"), at("to_ms"));
        let video_end = edit::video_end(context.draft());
        if from >= video_end {
            return Err(format!(
                "The video is {} seconds long, so there is nothing after {} s to cut.",
                seconds(video_end),
                seconds(from)
            ));
        }
        if from == 0 && to >= video_end {
            return Err("That would cut the whole video; say which part to keep instead.".into());
        }
        let to = to.min(video_end);
        let args = json!({"from_ms": from, "to_ms": to});
        Ok(Change::edit(
            &ABOUT,
            args,
            context.draft(),
            move |draft| edit::remove_range(draft, from, to),
            |after| {
                format!(
                    "Cut {}-{} s; the video is now {} seconds long.",
                    seconds(from),
                    seconds(to),
                    seconds(edit::video_end(after))
                )
            },
        ))
    }
}
