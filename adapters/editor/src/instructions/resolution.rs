//! "export 1080p", "in 720p", "make it 4K", `1080p`: the render's size — the canvas scaled so
//! that its short side has that many pixels (up or down), its shape kept, both sides even.
//! "1280x720" (`×` too) sets the size itself, each side made even; a new shape is fitted as
//! the canvas always is (over a blurred copy, unless the aspect says otherwise).

use serde_json::{Value, json};

use crate::draft::edit;
use crate::instruction::{About, Change, Context, Instruction, number};
use crate::words::Clause;

/// The instruction.
pub struct Resolution;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "set_resolution",
    can: "set the resolution (export 1080p, 720p, 4K or 1280x720)",
    name: "resolution",
    examples: &["export 1080p", "make it 720p", "4K", "1280x720", "导出1080p", "分辨率1280x720"],
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
        if let Some((width, height)) = exact(lower) {
            return Some(json!({"width": width, "height": height}));
        }
        NAMED.iter().find(|(name, _)| named(name)).map(|(_, short)| json!({"short_side": short}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let draft = context.draft();
        let size =
            |key: &str| draft.pointer(&format!("/m/{key}")).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
        let (width, height) =
            size("width").zip(size("height")).filter(|(w, h)| *w > 0 && *h > 0).unwrap_or((1920, 1080));
        let side = |key: &str| number(args, key).map(|n| even(n.clamp(16.0, 8192.0)));
        let ((new_width, new_height), name) = match side("width").zip(side("height")) {
            Some(exact) => (exact, None),
            None => {
                let short = number(args, "short_side").map_or(1080, |n| n.round() as u32).clamp(144, 4320);
                (scaled(width, height, short), Some(format!("{short}p")))
            }
        };
        let named = name.map(|name| format!(" ({name})")).unwrap_or_default();
        if (new_width, new_height) == (width, height) {
            return Err(format!("The video is already {width}×{height}{named}; it renders at that size."));
        }
        let args = json!({"width": new_width, "height": new_height});
        let sentence = format!("The video will render at {new_width}×{new_height}{named}.");
        Ok(Change::edit(
            &ABOUT,
            args,
            draft,
            move |draft| {
                if new_width * height == new_height * width {
                    if !draft["m"].is_object() {
                        draft["m"] = json!({});
                    }
                    draft["m"]["width"] = json!(new_width);
                    draft["m"]["height"] = json!(new_height);
                } else {
                    edit::set_size(draft, new_width, new_height);
                }
            },
            |_| sentence,
        ))
    }
}

/// `width`×`height` scaled so that the short side is `short`, both sides even.
fn scaled(width: u32, height: u32, short: u32) -> (u32, u32) {
    let factor = f64::from(short) / f64::from(width.min(height));
    (even(f64::from(width) * factor), even(f64::from(height) * factor))
}

/// The nearest even number of pixels, at least 2.
fn even(side: f64) -> u32 {
    ((side / 2.0).round() as u32 * 2).max(2)
}

/// A size written `WIDTHxHEIGHT` (or with `×`) as one word.
fn exact(lower: &str) -> Option<(u32, u32)> {
    lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '×')).find_map(|word| {
        let (width, height) = word.split_once(['x', '×'])?;
        let side = |text: &str| text.parse::<u32>().ok().filter(|n| (16..=8192).contains(n));
        Some((side(width)?, side(height)?))
    })
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
        let context = Context::bare(&history);
        let change = Resolution.plan(&json!({"short_side": 1080}), &context).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(change.sentence(true), Some("The video will render at 1920×1080 (1080p)."));
        history.apply(&change);
        assert_eq!(
            (history.current()["m"]["width"].clone(), history.current()["m"]["ratio"].clone()),
            (json!(1920), json!("16:9"))
        );
        let context = Context::bare(&history);
        assert!(Resolution.plan(&json!({"short_side": 1080}), &context).is_err(), "already that size");
    }

    #[test]
    fn a_size_written_width_by_height_is_the_canvas_made_even() {
        let read = |text: &str| Resolution.recognise(&clauses(text)[0]);
        assert_eq!(read("render at 1280x720"), Some(json!({"width": 1280, "height": 720})));
        assert_eq!(read("导出1080×1080"), Some(json!({"width": 1080, "height": 1080})));
        assert_eq!(read("12x7"), None);
        let mut history = History::default();
        history.commit(|draft| {
            crate::draft::edit::set_canvas_if_unset(draft, 1280, 720);
            crate::draft::edit::append_video(draft, "/a.mp4", "a", 1000);
        });
        let context = Context::bare(&history);
        let change =
            Resolution.plan(&json!({"width": 1081, "height": 1081}), &context).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(change.sentence(true), Some("The video will render at 1082×1082."));
        history.apply(&change);
        let m = &history.current()["m"];
        assert_eq!(
            (m["width"].clone(), m["height"].clone(), m["ratio"].clone()),
            (json!(1082), json!(1082), json!("1:1"))
        );
    }
}
