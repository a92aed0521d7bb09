//! "make a 5 second intro that says 'Welcome'", "add a title card 'Chapter 1'", `片头「欢迎」`:
//! a title card — the text on a plain dark picture — at the start of the video; with no media
//! at all it is the whole video.

use serde_json::{Value, json};

use crate::draft::{CARD_SRC, edit};
use crate::instruction::{About, Change, Context, Instruction, number, seconds, text};
use crate::words::{Clause, seconds_ms};

/// The instruction.
pub struct Card;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "add_title_card",
    can: "make a title card (make a 5 second intro that says 'Welcome')",
    name: "title card",
    examples: &["make a 5 second intro that says 'Welcome'", "add a title card 'Chapter 1'", "片头「欢迎」"],
    needs_video: false,
};

/// How long a card shows unless told otherwise, ms.
const CARD_MS: i64 = 3000;

impl Instruction for Card {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let (words, rest) = clause.quoted()?;
        let outside = Clause::new(&rest);
        let asks = outside.has(&["intro", "card", "opening", "outro"]) || outside.contains(&["片头", "开场", "标题卡"]);
        asks.then(|| json!({"text": words, "ms": seconds_ms(&rest)}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let words = text(args, "text").unwrap_or_default().to_owned();
        let ms = number(args, "ms").map_or(CARD_MS, |ms| ms.round() as i64).clamp(500, 60_000);
        let sentence = format!("Added a {} second title card \"{words}\" at the start.", seconds(ms));
        let planned = json!({"text": words, "ms": ms});
        Ok(Change::edit(
            &ABOUT,
            planned,
            context.draft(),
            move |draft| {
                edit::prepend_still(draft, CARD_SRC, "title card", ms);
                edit::add_title(draft, &words, ms, None);
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
    fn a_card_needs_no_media_and_goes_first() {
        let read = |text: &str| Card.recognise(&clauses(text)[0]);
        assert_eq!(read("make a 5 second intro that says 'Welcome'"), Some(json!({"text": "Welcome", "ms": 5000})));
        assert_eq!(read("make an intro"), None);
        let mut history = History::default();
        let context = Context::bare(&history);
        let change = Card.plan(&json!({"text": "Welcome", "ms": 5000}), &context).unwrap_or_else(|e| panic!("{e}"));
        history.apply(&change);
        assert_eq!(history.current()["d"], json!(5000));
        assert_eq!(history.current().pointer("/t/0/sg/0/src"), Some(&json!("card")));

        let mut with_video = History::default();
        with_video.commit(|draft| edit::append_video(draft, "/a.mp4", "a", 4000));
        let context = Context::bare(&with_video);
        let change = Card.plan(&json!({"text": "Hi", "ms": 2000}), &context).unwrap_or_else(|e| panic!("{e}"));
        with_video.apply(&change);
        let draft = with_video.current();
        assert_eq!((draft["d"].clone(), draft.pointer("/t/0/sg/1/st").cloned()), (json!(6000), Some(json!(2000))));
    }
}
