//! "… and export a clean final cut", "send me the video", `导出`: the export is its own step
//! (`nemoctl export`, the quick edit's last step, or a message that is only "export", which
//! the intent router sends there), so inside an edit it is acknowledged, never "not understood".

use serde_json::{Value, json};

use crate::instruction::{About, Change, Context, Instruction};
use crate::words::Clause;

/// The instruction.
pub struct Export;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "export_video",
    can: "export it when it is ready (export a clean final cut)",
    name: "export",
    examples: &["export a clean final cut", "send me the video", "导出成片"],
    needs_video: true,
};

impl Instruction for Export {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let asks = clause.has(&["export", "render", "download"])
            || clause.lower().contains("final cut")
            || (clause.has(&["send", "give"]) && clause.has(&["video", "file", "mp4", "result"]))
            || clause.contains(&["导出", "输出", "发给我"]);
        let not = clause.has(&["don", "dont", "not", "no", "later", "never"])
            || clause.contains(&["不要", "别", "先不", "暂不"]);
        asks.then(|| json!({"now": !not}))
    }

    fn plan(&self, args: &Value, _context: &Context<'_>) -> Result<Change, String> {
        if args.get("now").and_then(Value::as_bool) == Some(false) {
            return Err("I won't export it yet; say \"export\" when it is ready.".into());
        }
        Err("Exporting is its own step: `nemoctl export` (or saying \"export\") renders the MP4.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::clauses;

    #[test]
    fn an_export_inside_an_edit_is_acknowledged_and_a_negated_one_too() {
        let read = |text: &str| Export.recognise(&clauses(text)[0]);
        assert_eq!(read("export a clean final cut"), Some(json!({"now": true})));
        assert_eq!(read("send me the video"), Some(json!({"now": true})));
        assert_eq!(read("don't export yet"), Some(json!({"now": false})));
        assert_eq!(read("先不要导出"), Some(json!({"now": false})));
        assert_eq!(read("make it pop"), None);
    }
}
