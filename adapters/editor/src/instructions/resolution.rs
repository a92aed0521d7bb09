//! "export 1080p", "in 720p", "make it 4K", `1080p`: the render's size — the canvas scaled so
//! that its short side has that many pixels (up or down), its shape kept, both sides even.

use serde_json::{Value, json};

use crate::instruction::{About, Change, Context, Instruction, number};
use crate::words::Clause;

/// The instruction.
pub struct Resolution;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "set_resolution",
    can: "set the resolution (export 1080p, 720p or 4K)",
    name: "resolution",
    examples: &["export 1080p", "make it 720p", "4K", "导出1080p"],
    needs_video: true,
};

/// The short side of each named resolution.
const NAMED: [(&str, u32); 7] =
    [("480p", 480), ("720p", 720), ("1080p", 1080), ("1440p", 1440), ("2160p", 2160), ("4k", 2160), ("uhd", 2160)];

impl Instruction for Resolution {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let lower = clause.lower();
        let named = |name: &str| {
            lower.match_indices(name).any(|(at, _)| {
                let before = lower[..at].chars().next_back();
                let after = lower[at + name.len()..].chars().next();
                before.is_none_or(|c| !c.is_ascii_alphanumeric()) && after.is_none_or(|c| !c.is_ascii_alphanumeric())
            })
        };
        NAMED.iter().find(|(name, _)| named(name)).map(|(_, short)| json!({"short_side": short}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let short = number(args, "short_side").map_or(1080, |n| n.round() as u32).clamp(144, 4320);
        let draft = context.draft();
        let size =
            |key: &str| draft.pointer(&format!("/m/{key}")).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
        let (width, height) =
            size("width").zip(size("height")).filter(|(w, h)| *w > 0 && *h > 0).unwrap_or((1920, 1080));
        let (new_width, new_height) = scaled(width, height, short);
        let name = format!("{short}p");
        if (new_width, new_height) == (width, height) {
            return Err(format!("The video is already {width}×{height} ({name}); it renders at that size."));
        }
        let args = json!({"width": new_width, "height": new_height});
        let sentence = format!("The video will render at {new_width}×{new_height} ({name}).");
        Ok(Change::edit(
            &ABOUT,
            args,
            draft,
            move |draft| {
                if !draft["m"].is_object() {
                    draft["m"] = json!({});
                }
                draft["m"]["width"] = json!(new_width);
                draft["m"]["height"] = json!(new_height);
            },
            |_| sentence,
        ))
    }
}

/// `width`×`height` scaled so that the short side is `short`, both sides even.
fn scaled(width: u32, height: u32, short: u32) -> (u32, u32) {
    let factor = f64::from(short) / f64::from(width.min(height));
    let even = |side: u32| ((f64::from(side) * factor / 2.0).round() as u32 * 2).max(2);
    (even(width), even(height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::History;
    use crate::words::clauses;

    #[test]
    fn reads_named_resolutions_and_scales_the_canvas_keeping_its_shape() {
        let read = |text: &str| Resolution.recognise(&clauses(text)[0]);
        assert_eq!(read("export 1080p"), Some(json!({"short_side": 1080})));
        assert_eq!(read("make it 4K"), Some(json!({"short_side": 2160})));
        assert_eq!(read("导出1080p"), Some(json!({"short_side": 1080})));
        assert_eq!(read("10800p"), None);
        assert_eq!(scaled(1280, 720, 1080), (1920, 1080));
        assert_eq!(scaled(1080, 1920, 720), (720, 1280));
        assert_eq!(scaled(320, 180, 1080), (1920, 1080));
        assert_eq!(scaled(1366, 768, 720), (1280, 720));

        let mut history = History::default();
        history.commit(|draft| {
            crate::draft::edit::set_canvas_if_unset(draft, 1280, 720);
            crate::draft::edit::append_video(draft, "/a.mp4", "a", 1000);
        });
        let context = Context { history: &history, engine: None, uploaded_music: None };
        let change = Resolution.plan(&json!({"short_side": 1080}), &context).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(change.sentence(true), Some("The video will render at 1920×1080 (1080p)."));
        history.apply(&change);
        assert_eq!(
            (history.current()["m"]["width"].clone(), history.current()["m"]["ratio"].clone()),
            (json!(1920), json!("16:9"))
        );
        let context = Context { history: &history, engine: None, uploaded_music: None };
        assert!(Resolution.plan(&json!({"short_side": 1080}), &context).is_err(), "already that size");
    }
}
