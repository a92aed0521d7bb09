//! The editor's agent: reads a message as clauses, asks the instruction table what each
//! means, plans each against the drafts as the ones before left them, and words the answer.
//! A stand-in for the real model, small on purpose; what it understands is the table
//! (`instructions`).
//!
//! Several instructions in one message all apply, in order; the answer has a sentence per
//! instruction (a title too) and names any clause it did not understand, followed by the
//! list of what it can do. A message with nothing understood gets that list alone. Without a
//! video in the draft, every edit is answered with a request to upload one; an edit that
//! cannot be made (a volume without music, a trim to as long as the video or longer) is
//! answered in text without an edit.

use crate::draft::edit;
use crate::history::History;
use crate::instruction::{Change, Context};
use crate::instructions;
use crate::media::MediaEngine;
use crate::words::clauses;

/// The answer when there is no video to edit.
pub const UPLOAD_FIRST: &str = "Please upload a video first, then tell me how to edit it.";

/// What the agent will do about one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The change to make, if any.
    pub change: Option<Change>,
    /// The text to answer, if any.
    pub text: Option<String>,
}

impl Reply {
    /// An answer in text alone.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self { change: None, text: Some(text.into()) }
    }
}

/// What the agent can use besides the message.
#[derive(Clone, Copy)]
pub struct Tools<'a> {
    /// The media engine, when there is one.
    pub engine: Option<&'a dyn MediaEngine>,
    /// The last audio file uploaded to the project (name, source).
    pub uploaded_music: Option<(&'a str, &'a str)>,
    /// The last subtitle file uploaded to the project (source).
    pub uploaded_subtitles: Option<&'a str>,
    /// Every file uploaded to the project (name, source), in order.
    pub uploads: &'a [(&'a str, &'a str)],
}

/// Decides what to do about `message` given the project's drafts.
#[must_use]
pub fn reply(message: &str, history: &History, tools: Tools<'_>) -> Reply {
    let read: Vec<_> = clauses(message).into_iter().map(|clause| (instructions::recognise(&clause), clause)).collect();
    if read.iter().all(|(recognised, _)| recognised.is_none()) {
        return Reply::text(instructions::capabilities());
    }
    let needs_video = read.iter().any(|(r, _)| r.as_ref().is_some_and(|(i, _)| i.about().needs_video));
    if edit::video_end(history.current()) == 0 && needs_video {
        return Reply::text(UPLOAD_FIRST);
    }
    let alone = read.len() == 1;
    let mut working = history.clone();
    let (mut changes, mut sentences, mut unknown) = (Vec::new(), Vec::new(), false);
    for (recognised, clause) in read {
        let Some((instruction, args)) = recognised else {
            sentences.push(format!("I did not understand \"{}\".", clause.text()));
            unknown = true;
            continue;
        };
        let context = Context {
            history: &working,
            engine: tools.engine,
            uploaded_music: tools.uploaded_music,
            uploaded_subtitles: tools.uploaded_subtitles,
            uploads: tools.uploads,
        };
        match instruction.plan(&args, &context) {
            Ok(change) => {
                working.apply(&change);
                sentences.extend(change.sentence(alone).map(str::to_owned));
                changes.push(change);
            }
            Err(text) => sentences.push(text),
        }
    }
    if unknown {
        sentences.push(instructions::capabilities());
    }
    let text = sentences.join(" ");
    let change = match changes.len() {
        0 => None,
        1 => changes.pop(),
        _ => Some(Change::several(changes)),
    };
    Reply { change, text: (!text.is_empty()).then_some(text) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn with_video(ms: i64) -> History {
        let mut history = History::default();
        history.commit(|draft| edit::append_video(draft, "/v/a.mp4", "a", ms));
        history
    }

    fn reply_to(message: &str, history: &History) -> Reply {
        reply(message, history, Tools { engine: None, uploaded_music: None, uploaded_subtitles: None, uploads: &[] })
    }

    fn tools(reply: &Reply) -> Vec<&str> {
        match reply.change.as_ref().map(Change::tool_call) {
            Some(("edit_video", args)) => {
                args["edits"].as_array().into_iter().flatten().filter_map(|call| call["name"].as_str()).collect()
            }
            Some((tool, _)) => vec![tool],
            None => Vec::new(),
        }
    }

    #[test]
    fn answers_in_text_when_an_edit_cannot_be_made() {
        let empty = History::default();
        assert_eq!(reply_to("add music", &empty), Reply::text(UPLOAD_FIRST));
        let history = with_video(10_000);
        assert_eq!(reply_to("hello", &history), Reply::text(instructions::capabilities()));
        assert_eq!(
            reply_to("set the music volume to 5%", &history),
            Reply::text("There is no background music yet; ask me to add music first.")
        );
        assert_eq!(
            reply_to("trim to 12 seconds", &history),
            Reply::text("The video is 10 seconds long, so there is nothing to trim.")
        );
        let trimmed = reply_to("trim to 2.5 seconds", &history);
        assert_eq!(trimmed.text.as_deref(), Some("Done — the video is now 2.5 seconds long."));
        assert_eq!(tools(&trimmed), ["trim_video"]);
        assert_eq!(
            reply_to("remove the pauses", &history),
            Reply::text("Removing pauses needs the offline media engine (ffmpeg), which this service does not have.")
        );
    }

    #[test]
    fn several_instructions_all_apply_and_each_is_answered() {
        let history = with_video(6_000);
        let reply = reply_to("add a title 'Hello' and make it vertical, trim to 4 seconds", &history);
        assert_eq!(tools(&reply), ["add_title", "set_aspect_ratio", "trim_video"]);
        assert_eq!(
            reply.text.as_deref(),
            Some(
                "Added the title \"Hello\" (0-3 s). The video is now vertical (9:16, 1080×1920), over a blurred \
                 copy of itself where the shape differs. Done — the video is now 4 seconds long."
            )
        );
        let mut landed = history.clone();
        landed.apply(reply.change.as_ref().unwrap_or_else(|| panic!("no change")));
        assert_eq!(landed.current()["d"], json!(4000));
        assert_eq!(landed.current()["m"]["ratio"], json!("9:16"));
    }

    #[test]
    fn a_title_alone_is_silent_and_music_alone_points_at_export() {
        let history = with_video(6_000);
        let title = reply_to("add a title 'Hi'", &history);
        assert_eq!((tools(&title), title.text.as_deref()), (vec!["add_title"], None));
        let music = reply_to("add music", &history);
        assert_eq!(
            music.text.as_deref(),
            Some("I've added background music (Lo-fi, 35%). Click the Export button to render your video.")
        );
    }

    #[test]
    fn a_clause_it_does_not_understand_is_named_with_the_capabilities() {
        let reply = reply_to("mute it, make it pop", &with_video(6_000));
        assert_eq!(tools(&reply), ["mute_video"]);
        let text = reply.text.unwrap_or_default();
        assert!(
            text.starts_with("The video's original sound is now muted. I did not understand \"make it pop\". I can"),
            "{text}"
        );
    }

    #[test]
    fn undo_goes_back_one_message() {
        let mut history = with_video(6_000);
        let both = reply_to("trim to 4 seconds, mute", &history);
        history.apply(both.change.as_ref().unwrap_or_else(|| panic!("no change")));
        assert_eq!(history.current()["d"], json!(4000));
        let undo = reply_to("undo", &history);
        assert_eq!(undo.text.as_deref(), Some("Undid the last change; the video is 6 seconds long again."));
        history.apply(undo.change.as_ref().unwrap_or_else(|| panic!("no change")));
        assert_eq!(history.current()["d"], json!(6000));
        assert_eq!(history.current().pointer("/t/0/sg/0/vol"), None);
        let fresh = History::default();
        assert_eq!(reply_to("撤销", &fresh), Reply::text("There is nothing to undo yet."));
    }

    proptest::proptest! {
        #[test]
        fn every_message_is_answered_with_an_edit_or_text(message in "\\PC{0,60}") {
            let reply = reply_to(&message, &with_video(6_000));
            proptest::prop_assert!(reply.change.is_some() || reply.text.as_deref().is_some_and(|t| !t.is_empty()));
        }
    }
}
