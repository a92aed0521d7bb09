//! The rule-based agent: reads one instruction, decides the edit, and words the answer. A
//! stand-in for the real model, small on purpose (the offline engine brings a bigger one).
//!
//! | Instruction (case-insensitive) | Edit | Answer |
//! |---|---|---|
//! | `title` or `标题` with text in quotes (`'…'`, `"…"`, `“…”`, `‘…’`, `「…」`, `『…』`) | [`Edit::AddTitle`] | none (silent, like the vendor's multitrack edits) |
//! | `volume` and a number | [`Edit::MusicVolume`] (capped at 100) | "The background music volume is now N%." |
//! | `music`, `bgm` or `音乐` | [`Edit::AddMusic`] | "I've added background music (Lo-fi, 35%). Click the Export button to render your video." |
//! | `trim` and a number of seconds | [`Edit::TrimTo`] | "Done — the video is now N seconds long." |
//! | `mute` or `静音` | [`Edit::Mute`] | "The video's original sound is now muted." |
//!
//! Rules are tried in this order; words match whole (`commute` is not `mute`). Anything else
//! gets a text answer listing what the agent can do. Without a video in the draft, every edit
//! is answered with a request to upload one; a volume without music, or a trim to as long as
//! the video or longer, is answered in text without an edit.

use serde_json::{Value, json};

use crate::draft_ops::{self, Edit};

/// The answer to anything the agent does not understand.
const CAPABILITIES: &str = "I can add a title (add a title \"My Trip\"), add background music, set the music volume \
(set the music volume to 50%), trim the video (trim to 8 seconds) or mute it.";
const UPLOAD_FIRST: &str = "Please upload a video first, then tell me how to edit it.";
const NO_MUSIC: &str = "There is no background music yet; ask me to add music first.";

/// What the agent will do about one message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    /// The edit to make, if any.
    pub(crate) edit: Option<Edit>,
    /// The text to answer, if any.
    pub(crate) text: Option<String>,
}

impl Reply {
    fn text(text: impl Into<String>) -> Self {
        Self { edit: None, text: Some(text.into()) }
    }
}

/// Decides what to do about `message` given the session's current `draft`.
pub(crate) fn reply(message: &str, draft: &Value) -> Reply {
    let Some(edit) = understand(message) else { return Reply::text(CAPABILITIES) };
    let video_end = draft_ops::video_end(draft);
    match edit {
        _ if video_end == 0 => Reply::text(UPLOAD_FIRST),
        Edit::MusicVolume(_) if !draft_ops::has_music(draft) => Reply::text(NO_MUSIC),
        Edit::TrimTo(limit) if limit >= video_end => {
            Reply::text(format!("The video is {} seconds long, so there is nothing to trim.", seconds(video_end)))
        }
        edit => Reply { text: answer(&edit), edit: Some(edit) },
    }
}

/// The tool the agent "calls" for an edit, with its arguments.
pub(crate) fn tool(edit: &Edit) -> (&'static str, Value) {
    match edit {
        Edit::AddTitle(text) => ("add_title", json!({"text": text})),
        Edit::AddMusic => ("add_background_music", json!({"track": "Lo-fi"})),
        Edit::MusicVolume(volume) => ("set_music_volume", json!({"volume": volume})),
        Edit::TrimTo(limit) => ("trim_video", json!({"duration_ms": limit})),
        Edit::Mute => ("mute_video", json!({})),
    }
}

fn answer(edit: &Edit) -> Option<String> {
    match edit {
        Edit::AddTitle(_) => None,
        Edit::AddMusic => {
            Some("I've added background music (Lo-fi, 35%). Click the Export button to render your video.".into())
        }
        Edit::MusicVolume(volume) => Some(format!("The background music volume is now {volume}%.")),
        Edit::TrimTo(limit) => Some(format!("Done — the video is now {} seconds long.", seconds(*limit))),
        Edit::Mute => Some("The video's original sound is now muted.".into()),
    }
}

/// The edit an instruction asks for, if the agent understands it.
fn understand(message: &str) -> Option<Edit> {
    let lower = message.to_ascii_lowercase();
    let has_word = |word: &str| lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == word);
    if has_word("title") || message.contains("标题") {
        return quoted(message).map(Edit::AddTitle);
    }
    if has_word("volume") {
        return first_number(message).map(|n| Edit::MusicVolume(n.clamp(0.0, 100.0).round() as u8));
    }
    if has_word("music") || has_word("bgm") || message.contains("音乐") {
        return Some(Edit::AddMusic);
    }
    if has_word("trim") {
        return first_number(message).map(|n| (n * 1000.0).round() as i64).filter(|ms| *ms > 0).map(Edit::TrimTo);
    }
    (has_word("mute") || message.contains("静音")).then_some(Edit::Mute)
}

/// The text between the first opening quote and its closing quote (the last one, so that an
/// apostrophe inside `'Don't stop'` stays in), if not empty.
fn quoted(message: &str) -> Option<String> {
    const PAIRS: [(char, char); 6] = [('\'', '\''), ('"', '"'), ('“', '”'), ('‘', '’'), ('「', '」'), ('『', '』')];
    let (open_at, close) = message
        .char_indices()
        .find_map(|(i, c)| PAIRS.iter().find(|(open, _)| *open == c).map(|(_, close)| (i, *close)))?;
    let rest = &message[open_at..];
    let inner = &rest[rest.chars().next()?.len_utf8()..];
    let text = &inner[..inner.rfind(close)?];
    (!text.trim().is_empty()).then(|| text.to_owned())
}

/// The first number in the text (`12`, `7.5`).
fn first_number(message: &str) -> Option<f64> {
    let start = message.find(|c: char| c.is_ascii_digit())?;
    let digits = &message[start..];
    let len = digits.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(digits.len());
    digits[..len].trim_end_matches('.').parse().ok()
}

/// Milliseconds as seconds: whole when whole, else one decimal.
fn seconds(ms: i64) -> String {
    if ms % 1000 == 0 { (ms / 1000).to_string() } else { format!("{:.1}", ms as f64 / 1000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(message: &str, expected: Option<Edit>) {
        assert_eq!(understand(message), expected, "{message}");
    }

    #[test]
    fn understands_the_documented_instructions() {
        check("add a title 'Paradise Found'", Some(Edit::AddTitle("Paradise Found".into())));
        check(r#"add title "Urban Dreams""#, Some(Edit::AddTitle("Urban Dreams".into())));
        check("Add a title 'Don't Stop' please", Some(Edit::AddTitle("Don't Stop".into())));
        check("add a title “Ünïcode”", Some(Edit::AddTitle("Ünïcode".into())));
        check("添加标题「天堂」", Some(Edit::AddTitle("天堂".into())));
        check("add music", Some(Edit::AddMusic));
        check("Add background music", Some(Edit::AddMusic));
        check("add bgm", Some(Edit::AddMusic));
        check("set the music volume to 60%", Some(Edit::MusicVolume(60)));
        check("set the music volume to 250%", Some(Edit::MusicVolume(100)));
        check("trim to 8 seconds", Some(Edit::TrimTo(8000)));
        check("trim it to 7.5 s.", Some(Edit::TrimTo(7500)));
        check("mute", Some(Edit::Mute));
        check("Mute the video", Some(Edit::Mute));
    }

    #[test]
    fn leaves_everything_else_alone() {
        check("add a title", None);
        check("add a title ''", None);
        check("trim it", None);
        check("trim to 0 seconds", None);
        check("how was your commute?", None);
        check("hello", None);
    }

    #[test]
    fn answers_in_text_when_an_edit_cannot_be_made() {
        let mut draft = draft_ops::empty();
        assert_eq!(reply("add music", &draft), Reply::text(UPLOAD_FIRST));
        draft_ops::append_video(&mut draft, "a.mp4", "a", 10_000);
        assert_eq!(reply("hello", &draft), Reply::text(CAPABILITIES));
        assert_eq!(reply("set the music volume to 5%", &draft), Reply::text(NO_MUSIC));
        assert_eq!(
            reply("trim to 12 seconds", &draft),
            Reply::text("The video is 10 seconds long, so there is nothing to trim.")
        );
        assert_eq!(
            reply("trim to 2.5 seconds", &draft),
            Reply { edit: Some(Edit::TrimTo(2500)), text: Some("Done — the video is now 2.5 seconds long.".into()) }
        );
    }
}
