//! "add transitions", "smooth the cuts", "crossfade", "dissolve", "fade to black", `转场`: a
//! short transition centred on every cut of the video — the removed pauses, the cut parts,
//! the joins between clips — picture and sound crossfaded, the timeline's length kept.

use serde_json::{Value, json};

use crate::draft::{BLACK, DISSOLVE, TRANSITION_MS, edit};
use crate::instruction::{About, Change, Context, Instruction, number, seconds, text};
use crate::words::{Clause, seconds_ms};

/// The instruction.
pub struct Transitions;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "add_transitions",
    can: "add transitions at every cut (add transitions, fade to black)",
    name: "transitions",
    examples: &["add transitions", "smooth the cuts", "fade to black", "转场"],
    needs_video: true,
};

impl Instruction for Transitions {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let black = clause.lower().contains("fade to black") || clause.contains(&["黑场"]);
        let asks = black
            || clause.has(&["transition", "transitions", "crossfade", "crossfades", "dissolve", "dissolves"])
            || (clause.has(&["smooth", "soften"]) && clause.has(&["cut", "cuts", "jumps"]))
            || clause.contains(&["转场", "过渡", "交叉淡化"]);
        if !asks {
            return None;
        }
        let mut args = json!({"style": if black { BLACK } else { DISSOLVE }});
        if let Some(ms) = seconds_ms(clause.text()) {
            args["ms"] = json!(ms);
        }
        Some(args)
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let style = if text(args, "style") == Some(BLACK) { BLACK } else { DISSOLVE };
        let ms = number(args, "ms").map_or(TRANSITION_MS, |n| n.round() as i64).clamp(40, 2000);
        let cuts = edit::cuts(context.draft());
        if cuts == 0 {
            return Err(
                "There are no cuts to smooth yet: remove the pauses or cut a part first, or upload more clips.".into(),
            );
        }
        let noun = if cuts == 1 { "transition" } else { "transitions" };
        let kind = if style == BLACK { "fades through black" } else { "dissolves" };
        let sentence = format!("Added {cuts} {noun} ({} s {kind}) at the cuts.", seconds(ms));
        let planned = json!({"style": style, "ms": ms});
        Ok(Change::edit(
            &ABOUT,
            planned,
            context.draft(),
            move |draft| edit::transitions(draft, style, ms),
            |_| sentence,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::History;
    use crate::words::clauses;

    #[test]
    fn every_cut_gets_a_transition_and_the_length_stays() {
        let read = |text: &str| Transitions.recognise(&clauses(text)[0]);
        assert_eq!(read("add transitions"), Some(json!({"style": "dissolve"})));
        assert_eq!(read("smooth the cuts with 0.5 s crossfades"), Some(json!({"style": "dissolve", "ms": 500})));
        assert_eq!(read("fade to black between the parts"), Some(json!({"style": "black"})));
        assert_eq!(read("转场"), Some(json!({"style": "dissolve"})));
        assert_eq!(read("smooth"), None);

        let mut history = History::default();
        history.commit(|draft| {
            edit::append_video(draft, "/a.mp4", "a", 6000);
            edit::remove_ranges(draft, &[(1000, 2000), (3000, 4000)]);
        });
        let context = Context::bare(&history);
        let change = Transitions.plan(&json!({"style": "dissolve"}), &context).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(change.sentence(true), Some("Added 2 transitions (0.3 s dissolves) at the cuts."));
        history.apply(&change);
        let draft = history.current();
        assert_eq!(draft["d"], json!(4000), "the timeline keeps its length");
        assert_eq!(draft.pointer("/t/0/sg/0/fx"), None);
        assert_eq!(draft.pointer("/t/0/sg/1/fx"), Some(&json!({"in": "dissolve", "ms": 300})));
        assert_eq!(draft.pointer("/t/0/sg/2/fx"), Some(&json!({"in": "dissolve", "ms": 300})));

        let one = History::new({
            let mut draft = edit::empty();
            edit::append_video(&mut draft, "/a.mp4", "a", 6000);
            draft
        });
        let context = Context::bare(&one);
        assert!(Transitions.plan(&json!({}), &context).is_err(), "no cut, no transition");
    }
}
