//! "make it vertical" / `9:16`, "format for Reels" / "for TikTok" / "for Shorts", "square" /
//! `1:1`, "horizontal" / `16:9`, `竖屏`, `方形`, `横屏`: the canvas (`m.ratio`, `m.width`,
//! `m.height`) and how a picture of another shape fills it (`m.fit`): by default over a
//! blurred, zoomed copy of itself (the usual social style), "crop to fill" crops the centre,
//! "with black bars" letterboxes. Never stretched.

use serde_json::{Value, json};

use crate::draft::{FIT_BLUR, FIT_CROP, FIT_PAD, canvas_of, edit};
use crate::instruction::{About, Change, Context, Instruction, seconds, text};
use crate::words::Clause;

/// The instruction.
pub struct Aspect;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "set_aspect_ratio",
    can: "make it vertical 9:16 or format it for Reels, TikTok or Shorts, square or 16:9 (crop to fill or not)",
    name: "aspect",
    examples: &["make it vertical", "format for Reels", "9:16", "square", "16:9", "竖屏"],
    needs_video: true,
};

/// The platforms whose format is a vertical 1080×1920 video.
const VERTICAL_PLATFORMS: [&str; 6] = ["reels", "reel", "tiktok", "shorts", "instagram", "stories"];

/// Longer than this, the vertical platforms' profile hint is offered.
const PLATFORM_HINT_MS: i64 = 90_000;

impl Instruction for Aspect {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let platform = clause.has(&VERTICAL_PLATFORMS) || clause.contains(&["抖音", "快手", "视频号", "小红书"]);
        let ratio = if platform || clause.contains(&["9:16", "竖屏", "竖版"]) || clause.has(&["vertical", "portrait"])
        {
            "9:16"
        } else if clause.contains(&["1:1", "方形"]) || clause.has(&["square"]) {
            "1:1"
        } else if clause.contains(&["16:9", "横屏"]) || clause.has(&["horizontal", "landscape", "widescreen"]) {
            "16:9"
        } else {
            return None;
        };
        let fit = if clause.has(&["crop", "cropped", "fill"]) || clause.contains(&["裁切", "裁剪填充"]) {
            FIT_CROP
        } else if clause.has(&["letterbox", "letterboxed", "bars", "pad"]) || clause.contains(&["黑边"]) {
            FIT_PAD
        } else {
            FIT_BLUR
        };
        Some(json!({"ratio": ratio, "fit": fit, "platform": platform}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let ratio = text(args, "ratio").unwrap_or("16:9").to_owned();
        let fit = match text(args, "fit") {
            Some(FIT_CROP) => FIT_CROP,
            Some(FIT_PAD) => FIT_PAD,
            _ => FIT_BLUR,
        };
        let (width, height) = canvas_of(&ratio);
        let shape = match ratio.as_str() {
            "9:16" => "vertical",
            "1:1" => "square",
            _ => "horizontal",
        };
        let how = match fit {
            FIT_CROP => "cropped to fill",
            FIT_PAD => "with black bars where the shape differs",
            _ => "over a blurred copy of itself where the shape differs",
        };
        let mut sentence = format!("The video is now {shape} ({ratio}, {width}×{height}), {how}.");
        let long = edit::video_end(context.draft());
        if args.get("platform").and_then(Value::as_bool) == Some(true) && long > PLATFORM_HINT_MS {
            sentence.push_str(&format!(
                " Reels, TikTok and Shorts work best at 30–60 s; this one is {} s: say \"trim to 60 seconds\" to fit.",
                seconds(long)
            ));
        }
        let planned = json!({"ratio": ratio, "fit": fit});
        Ok(Change::edit(
            &ABOUT,
            planned,
            context.draft(),
            move |draft| {
                edit::set_canvas(draft, &ratio, width, height);
                draft["m"]["fit"] = json!(fit);
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
    fn platforms_are_vertical_blurred_by_default_and_long_videos_get_the_hint() {
        let read = |text: &str| Aspect.recognise(&clauses(text)[0]);
        assert_eq!(read("format for Reels"), Some(json!({"ratio": "9:16", "fit": "blur", "platform": true})));
        assert_eq!(read("make it vertical, crop to fill").map(|a| a["fit"].clone()), Some(json!("blur")));
        assert_eq!(read("make it vertical and crop it to fill"), read("make it vertical"));
        assert_eq!(read("vertical cropped to fill").map(|a| a["fit"].clone()), Some(json!("crop")));
        assert_eq!(read("16:9 with black bars").map(|a| a["fit"].clone()), Some(json!("pad")));
        assert_eq!(read("抖音").map(|a| a["ratio"].clone()), Some(json!("9:16")));

        let mut history = History::default();
        history.commit(|draft| edit::append_video(draft, "/a.mp4", "a", 120_000));
        let context = Context::bare(&history);
        let args = read("format for TikTok").unwrap_or_default();
        let change = Aspect.plan(&args, &context).unwrap_or_else(|e| panic!("{e}"));
        let sentence = change.sentence(true).unwrap_or_default();
        assert!(sentence.starts_with("The video is now vertical (9:16, 1080×1920), over a blurred copy"), "{sentence}");
        assert!(sentence.contains("this one is 120 s"), "{sentence}");
        history.apply(&change);
        assert_eq!(history.current()["m"], json!({"ratio": "9:16", "width": 1080, "height": 1920, "fit": "blur"}));
    }
}
