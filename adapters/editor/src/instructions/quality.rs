//! "in high quality", "best quality", `高画质`: the render's encoder settings for keeping (the
//! engine's slow preset, CRF 20, 192 kb/s sound) instead of the quick default.

use serde_json::{Value, json};

use crate::draft::HIGH_QUALITY;
use crate::instruction::{About, Change, Context, Instruction};
use crate::words::Clause;

/// The instruction.
pub struct Quality;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "set_quality",
    can: "render it in high quality",
    name: "quality",
    examples: &["in high quality", "best quality", "高画质"],
    needs_video: true,
};

impl Instruction for Quality {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let asks = (clause.has(&["quality"]) && clause.has(&["high", "best", "higher", "top", "max", "maximum"]))
            || clause.contains(&["高画质", "高质量", "高清画质"]);
        asks.then(|| json!({"quality": HIGH_QUALITY}))
    }

    fn plan(&self, _args: &Value, context: &Context<'_>) -> Result<Change, String> {
        if context.draft().pointer("/m/quality").and_then(Value::as_str) == Some(HIGH_QUALITY) {
            return Err("It already renders in high quality.".into());
        }
        let sentence = "It will render in high quality (a slower, finer encode).".to_owned();
        Ok(Change::edit(
            &ABOUT,
            json!({"quality": HIGH_QUALITY}),
            context.draft(),
            |draft| {
                if !draft["m"].is_object() {
                    draft["m"] = json!({});
                }
                draft["m"]["quality"] = json!(HIGH_QUALITY);
            },
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
    fn high_quality_is_a_change_once() {
        let read = |text: &str| Quality.recognise(&clauses(text)[0]);
        assert_eq!(read("export it in high quality"), Some(json!({"quality": "high"})));
        assert_eq!(read("quality"), None);
        let mut history = History::default();
        history.commit(|draft| crate::draft::edit::append_video(draft, "/a.mp4", "a", 1000));
        let context = Context::bare(&history);
        let change = Quality.plan(&json!({}), &context).unwrap_or_else(|e| panic!("{e}"));
        history.apply(&change);
        assert_eq!(history.current()["m"]["quality"], "high");
        let context = Context::bare(&history);
        assert!(Quality.plan(&json!({}), &context).is_err());
    }
}
