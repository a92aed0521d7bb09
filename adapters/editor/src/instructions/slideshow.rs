//! "make a 12 second video from these photos [with the title 'Our Trip']", "slideshow",
//! `用照片做视频`: the uploaded photos (stills of the video track) share the time, each with a
//! gentle zoom, dissolves between them, and the title drawn over the start when one is given.

use serde_json::{Value, json};

use crate::draft::{DISSOLVE, PHOTO_MS, TITLE_MS, TRANSITION_MS, Timeline, edit};
use crate::instruction::{About, Change, Context, Instruction, number, seconds, text};
use crate::words::{Clause, seconds_ms};

/// The instruction.
pub struct Slideshow;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "make_slideshow",
    can: "make a video from photos (make a 12 second video from these photos with the title 'Our Trip')",
    name: "photos",
    examples: &["make a 12 second video from these photos", "slideshow", "用照片做视频"],
    needs_video: true,
};

impl Instruction for Slideshow {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let (title, rest) = clause.quoted().map_or((None, clause.text().to_owned()), |(text, rest)| (Some(text), rest));
        let words = Clause::new(&rest);
        let asks = words.has(&["photos", "photo", "pictures", "images", "slideshow", "slides"])
            || words.contains(&["照片", "图片", "相册"]);
        asks.then(|| json!({"ms": seconds_ms(&rest), "title": title}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let photos = Timeline::read(context.draft()).clips.iter().filter(|clip| clip.still).count();
        if photos == 0 {
            return Err(
                "There are no photos in the project yet: upload some (jpg, png, webp, gif), then ask again.".into()
            );
        }
        let count = i64::try_from(photos).unwrap_or(1);
        let total = number(args, "ms").map_or(PHOTO_MS * count, |ms| ms.round() as i64).max(500 * count);
        let each = total / count;
        let title = text(args, "title").map(str::to_owned);
        let noun = if photos == 1 { "photo" } else { "photos" };
        let mut sentence = format!(
            "Made a {} second video of the {photos} {noun} ({} s each, with a gentle zoom",
            seconds(each * count),
            seconds(each)
        );
        sentence.push_str(if photos > 1 { " and dissolves)." } else { ")." });
        if let Some(title) = &title {
            sentence.push_str(&format!(" Added the title \"{title}\" (0-{} s).", seconds(TITLE_MS.min(each * count))));
        }
        let planned = json!({"photos": photos, "each_ms": each, "title": title});
        Ok(Change::edit(
            &ABOUT,
            planned,
            context.draft(),
            move |draft| {
                edit::time_stills(draft, each);
                edit::transitions(draft, DISSOLVE, TRANSITION_MS.min(each / 2));
                if let Some(title) = &title {
                    let end = edit::video_end(draft);
                    edit::add_title(draft, title, TITLE_MS.min(end), None);
                }
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
    fn photos_share_the_time_with_dissolves_and_the_title() {
        let read = |text: &str| Slideshow.recognise(&clauses(text)[0]);
        assert_eq!(
            read("make a 12 second video from these photos with the title 'Our Trip'"),
            Some(json!({"ms": 12000, "title": "Our Trip"}))
        );
        assert_eq!(read("add a title 'Photos of 2024'"), None, "words inside quotes are the title's");
        let mut history = History::default();
        history.commit(|draft| {
            for n in 0..4 {
                edit::append_still(draft, &format!("/p{n}.jpg"), "p", PHOTO_MS);
            }
        });
        let context = Context::bare(&history);
        let change =
            Slideshow.plan(&json!({"ms": 12000, "title": "Our Trip"}), &context).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            change.sentence(true),
            Some(
                "Made a 12 second video of the 4 photos (3 s each, with a gentle zoom and dissolves). Added the title \"Our Trip\" (0-3 s)."
            )
        );
        history.apply(&change);
        let draft = history.current();
        assert_eq!(draft["d"], json!(12000));
        assert_eq!(draft.pointer("/t/0/sg/3/st"), Some(&json!(9000)));
        assert_eq!(draft.pointer("/t/0/sg/1/fx/in"), Some(&json!("dissolve")));
    }
}
