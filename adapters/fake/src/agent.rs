//! The rule-based agent: reads a message as a list of instructions (the `instructions`
//! module), decides the edits against the draft, and words the answer. A stand-in for the
//! real model, small on purpose.
//!
//! | Instruction (case-insensitive, whole words) | Edit | Answer when alone |
//! |---|---|---|
//! | `title` or `标题` with text in quotes (`'…'`, `"…"`, `“…”`, `‘…’`, `「…」`, `『…』`), optionally `for N seconds` and `top`/`center`/`bottom` | [`Edit::AddTitle`] / [`Edit::Title`] | none (silent, like the vendor's multitrack edits) |
//! | `volume` and a number | [`Edit::MusicVolume`] (capped at 100) | "The background music volume is now N%." |
//! | `music`, `bgm` or `音乐`, optionally a FILE and `at N%` (without a FILE: the last audio file uploaded to the session, else the library's "Lo-fi") | [`Edit::AddMusic`] / [`Edit::AddMusicFrom`] | "I've added background music (Lo-fi, 35%). Click the Export button to render your video." |
//! | `pauses`, `silence`, `silent`, `停顿` | [`Edit::RemovePauses`] (needs the media engine) | "Removed N pauses (X s); the video is now Y seconds long." |
//! | `vertical`/`9:16`, `square`/`1:1`, `horizontal`/`16:9`, `竖屏`/`方形`/`横屏` | [`Edit::Aspect`] | "The video is now vertical (9:16, 1080×1920)." |
//! | `speed`, `faster`, `slower`, `倍速` and a factor | [`Edit::Speed`] (0.25-4) | "The video now plays at 2× (N seconds long)." |
//! | `cut`/`remove`/`delete`/`剪掉` and two numbers | [`Edit::Cut`] | "Cut A-B s; the video is now N seconds long." |
//! | `trim`/`cut`/`剪到` and a number of seconds | [`Edit::TrimTo`] | "Done — the video is now N seconds long." |
//! | `mute` or `静音` | [`Edit::Mute`] | "The video's original sound is now muted." |
//! | `join`, `fade`, `transition`, `淡入淡出` | [`Edit::JoinWithFade`] (500 ms) | "Joined the N clips with a fade." |
//!
//! Several instructions in one message all apply, in order, each checked against the draft
//! as the ones before left it; the answer has a sentence per instruction (a title too), and
//! names any clause it did not understand followed by the list of what it can do. A message
//! with nothing understood gets that list alone. Without a video in the draft, every edit is
//! answered with a request to upload one; an edit that cannot be made (a volume without
//! music, a trim to as long as the video or longer) is answered in text without an edit.

use std::path::Path;

use serde_json::{Value, json};

use crate::draft_ops::{self, Edit};
use crate::engine::MediaEngine;
use crate::instructions::{self, Clause, Instruction};

/// The answer to anything the agent does not understand.
const CAPABILITIES: &str = "I can add a title (add a title \"My Trip\" for 3 seconds at the top), add background music \
(add music song.mp3 at 30%), set the music volume (set the music volume to 50%), trim the video (trim to 8 seconds), \
cut a part (cut from 2 to 4 seconds), remove the pauses, change the speed (speed ×2), make it vertical 9:16, square \
or 16:9, mute it, or join the clips with a fade. Several at once work too: \"remove the pauses, add a title 'Hi' and \
make it vertical\".";
const UPLOAD_FIRST: &str = "Please upload a video first, then tell me how to edit it.";
const NO_MUSIC: &str = "There is no background music yet; ask me to add music first.";
const NO_ENGINE: &str = "Removing pauses needs the offline media engine (ffmpeg), which this service does not have.";
/// How long a fade between clips lasts.
const FADE_MS: i64 = 500;

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

/// What the agent can use besides the draft.
#[derive(Clone, Copy, Default)]
pub(crate) struct Context<'a> {
    /// The media engine, when the service has one (pause removal, music files).
    pub(crate) engine: Option<&'a dyn MediaEngine>,
    /// The last audio file uploaded to the session (name, source): the music "add music"
    /// uses when it names no file.
    pub(crate) uploaded_music: Option<(&'a str, &'a str)>,
}

/// Decides what to do about `message` given the session's current `draft` and `context`.
pub(crate) fn reply(message: &str, draft: &Value, context: Context<'_>) -> Reply {
    let clauses = instructions::parse(message);
    if !clauses.iter().any(|clause| matches!(clause, Clause::Understood(_))) {
        return Reply::text(CAPABILITIES);
    }
    if draft_ops::video_end(draft) == 0 {
        return Reply::text(UPLOAD_FIRST);
    }
    let alone = clauses.len() == 1;
    let mut draft = draft.clone();
    let (mut edits, mut sentences, mut unknown) = (Vec::new(), Vec::new(), false);
    for clause in clauses {
        let instruction = match clause {
            Clause::Understood(instruction) => instruction,
            Clause::Unknown(text) => {
                sentences.push(Some(format!("I did not understand \"{text}\".")));
                unknown = true;
                continue;
            }
        };
        match plan(instruction, &draft, context) {
            Ok(edit) => {
                edit.apply(&mut draft);
                sentences.push(sentence(&edit, &draft, alone));
                edits.push(edit);
            }
            Err(text) => sentences.push(text),
        }
    }
    if unknown {
        sentences.push(Some(CAPABILITIES.into()));
    }
    let text = sentences.into_iter().flatten().collect::<Vec<_>>().join(" ");
    let text = (!text.is_empty()).then_some(text);
    let edit = match edits.len() {
        0 => None,
        1 => edits.pop(),
        _ => Some(Edit::Several(edits)),
    };
    Reply { edit, text }
}

/// The tool the agent "calls" for an edit, with its arguments.
pub(crate) fn tool(edit: &Edit) -> (&'static str, Value) {
    match edit {
        Edit::AddTitle(text) => ("add_title", json!({"text": text})),
        Edit::Title { text, ms, pos } => ("add_title", json!({"text": text, "duration_ms": ms, "position": pos})),
        Edit::AddMusic => ("add_background_music", json!({"track": "Lo-fi"})),
        Edit::AddMusicFrom { src, volume, .. } => ("add_background_music", json!({"file": src, "volume": volume})),
        Edit::MusicVolume(volume) => ("set_music_volume", json!({"volume": volume})),
        Edit::TrimTo(limit) => ("trim_video", json!({"duration_ms": limit})),
        Edit::Cut(from, to) => ("cut_range", json!({"from_ms": from, "to_ms": to})),
        Edit::RemovePauses(ranges) => ("remove_pauses", json!({"ranges_ms": ranges})),
        Edit::Speed(factor) => ("set_speed", json!({"factor": factor})),
        Edit::Aspect(ratio) => ("set_aspect_ratio", json!({"ratio": ratio})),
        Edit::Mute => ("mute_video", json!({})),
        Edit::JoinWithFade(ms) => ("join_with_fade", json!({"fade_ms": ms})),
        Edit::Several(edits) => {
            let calls: Vec<Value> =
                edits.iter().map(tool).map(|(name, args)| json!({"name": name, "args": args})).collect();
            ("edit_video", json!({"edits": calls}))
        }
    }
}

/// The edit an instruction makes to `draft`, or the text saying why it cannot.
fn plan(instruction: Instruction, draft: &Value, context: Context<'_>) -> Result<Edit, Option<String>> {
    let engine = context.engine;
    let video_end = draft_ops::video_end(draft);
    let too_short = || format!("The video is {} seconds long, so there is nothing to trim.", seconds(video_end));
    Ok(match instruction {
        Instruction::Title { text, ms: None, pos: None } => Edit::AddTitle(text),
        Instruction::Title { text, ms, pos } => {
            Edit::Title { text, ms: ms.unwrap_or(draft_ops::TITLE_MS).min(video_end), pos }
        }
        Instruction::MusicVolume(_) if !draft_ops::has_music(draft) => return Err(Some(NO_MUSIC.into())),
        Instruction::MusicVolume(volume) => Edit::MusicVolume(volume),
        Instruction::Music { file: None, volume } if context.uploaded_music.is_some() => {
            let (name, src) = context.uploaded_music.unwrap_or_default();
            Edit::AddMusicFrom {
                src: src.to_owned(),
                name: name.to_owned(),
                volume: volume.unwrap_or(draft_ops::MUSIC_VOLUME),
            }
        }
        Instruction::Music { file: None, volume: None } => Edit::AddMusic,
        Instruction::Music { file: None, volume: Some(volume) } => {
            Edit::AddMusicFrom { src: draft_ops::MUSIC_SRC.into(), name: draft_ops::MUSIC_NAME.into(), volume }
        }
        Instruction::Music { file: Some(file), volume } => music_file(&file, volume, engine)?,
        Instruction::TrimTo(limit) if limit >= video_end => return Err(Some(too_short())),
        Instruction::TrimTo(limit) => Edit::TrimTo(limit),
        Instruction::Cut(from, _) if from >= video_end => {
            let long = seconds(video_end);
            return Err(Some(format!(
                "The video is {long} seconds long, so there is nothing after {} s to cut.",
                seconds(from)
            )));
        }
        Instruction::Cut(0, to) if to >= video_end => {
            return Err(Some("That would cut the whole video; say which part to keep instead.".into()));
        }
        Instruction::Cut(from, to) => Edit::Cut(from, to.min(video_end)),
        Instruction::RemovePauses => pauses(draft, engine)?,
        Instruction::Speed(factor) if (factor - 1.0).abs() < f64::EPSILON => {
            return Err(Some("The video already plays at normal speed.".into()));
        }
        Instruction::Speed(factor) => Edit::Speed(factor),
        Instruction::Aspect(ratio) => Edit::Aspect(ratio),
        Instruction::Mute => Edit::Mute,
        Instruction::JoinWithFade if draft_ops::joins(draft) == 0 => {
            return Err(Some("There is only one clip, so there is nothing to join; upload more clips first.".into()));
        }
        Instruction::JoinWithFade => Edit::JoinWithFade(FADE_MS),
    })
}

/// Music from a local file: probed by the engine when there is one.
fn music_file(file: &str, volume: Option<u8>, engine: Option<&dyn MediaEngine>) -> Result<Edit, Option<String>> {
    let path = Path::new(file);
    let src = match (engine, std::path::absolute(path)) {
        (Some(_), Ok(absolute)) => absolute.to_string_lossy().into_owned(),
        _ => file.to_owned(),
    };
    if let Some(engine) = engine {
        match engine.probe(&src) {
            Ok(probe) if probe.has_audio => {}
            Ok(_) => return Err(Some(format!("{file} has no sound, so it cannot be background music."))),
            Err(error) => return Err(Some(format!("I could not use {file} as background music: {error}"))),
        }
    }
    let name = path.file_stem().map_or_else(|| file.to_owned(), |stem| stem.to_string_lossy().into_owned());
    Ok(Edit::AddMusicFrom { src, name, volume: volume.unwrap_or(draft_ops::MUSIC_VOLUME) })
}

/// The pauses of every clip, on the timeline.
fn pauses(draft: &Value, engine: Option<&dyn MediaEngine>) -> Result<Edit, Option<String>> {
    let engine = engine.ok_or_else(|| Some(NO_ENGINE.to_owned()))?;
    let clips = draft_ops::clips(draft);
    let mut ranges = Vec::new();
    let mut heard = false;
    let mut sources: Vec<(String, Vec<(i64, i64)>)> = Vec::new();
    for clip in &clips {
        if !sources.iter().any(|(src, _)| *src == clip.src) {
            let probe = engine.probe(&clip.src).map_err(|e| Some(format!("I could not read {}: {e}", clip.src)))?;
            let silences = if probe.has_audio {
                heard = true;
                engine.silences(&clip.src).map_err(|e| Some(format!("I could not listen to {}: {e}", clip.src)))?
            } else {
                Vec::new()
            };
            sources.push((clip.src.clone(), silences));
        }
        let silences = sources.iter().find(|(src, _)| *src == clip.src).map(|(_, s)| s.as_slice()).unwrap_or_default();
        ranges.extend(on_timeline(clip, silences));
    }
    if !heard {
        return Err(Some("The video has no sound, so there are no pauses to find; I left it as it is.".into()));
    }
    let ranges = merged(ranges);
    if ranges.is_empty() {
        return Err(Some("I found no pauses to remove.".into()));
    }
    Ok(Edit::RemovePauses(ranges))
}

/// A clip's source silences as timeline ranges (only the parts the clip shows).
fn on_timeline(clip: &draft_ops::Clip, silences: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let source_end = clip.in_ms + (clip.d as f64 * clip.sp).round() as i64;
    silences
        .iter()
        .map(|&(from, to)| (from.max(clip.in_ms), to.min(source_end)))
        .filter(|(from, to)| to > from)
        .map(|(from, to)| {
            let at = |source: i64| clip.st + ((source - clip.in_ms) as f64 / clip.sp).round() as i64;
            (at(from), at(to))
        })
        .filter(|(from, to)| to > from)
        .collect()
}

/// Ranges sorted with overlaps joined.
fn merged(mut ranges: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    ranges.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (from, to) in ranges {
        match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// The sentence for an edit just applied (`draft` is after it); titles alone are silent.
fn sentence(edit: &Edit, draft: &Value, alone: bool) -> Option<String> {
    let long = || seconds(draft_ops::video_end(draft));
    Some(match edit {
        Edit::AddTitle(_) | Edit::Title { .. } if alone => return None,
        Edit::AddTitle(text) => format!("Added the title \"{text}\" (0-3 s)."),
        Edit::Title { text, ms, pos } => {
            format!("Added the title \"{text}\" (0-{} s, {}).", seconds(*ms), pos.unwrap_or("center"))
        }
        Edit::AddMusic if alone => {
            "I've added background music (Lo-fi, 35%). Click the Export button to render your video.".into()
        }
        Edit::AddMusic => "Added background music (Lo-fi, 35%).".into(),
        Edit::AddMusicFrom { name, volume, .. } => format!("Added background music ({name}, {volume}%)."),
        Edit::MusicVolume(volume) => format!("The background music volume is now {volume}%."),
        Edit::TrimTo(limit) => format!("Done — the video is now {} seconds long.", seconds(*limit)),
        Edit::Cut(from, to) => {
            format!("Cut {}-{} s; the video is now {} seconds long.", seconds(*from), seconds(*to), long())
        }
        Edit::RemovePauses(ranges) => {
            let removed: i64 = ranges.iter().map(|(from, to)| to - from).sum();
            let count = ranges.len();
            let noun = if count == 1 { "pause" } else { "pauses" };
            format!("Removed {count} {noun} ({} s); the video is now {} seconds long.", seconds(removed), long())
        }
        Edit::Speed(factor) => format!("The video now plays at {factor}× ({} seconds long).", long()),
        Edit::Aspect(ratio) => {
            let (width, height) = draft_ops::canvas_of(ratio);
            let shape = match *ratio {
                "9:16" => "vertical",
                "1:1" => "square",
                _ => "horizontal",
            };
            format!("The video is now {shape} ({ratio}, {width}×{height}).")
        }
        Edit::Mute => "The video's original sound is now muted.".into(),
        Edit::JoinWithFade(_) => format!("Joined the {} clips with a fade.", draft_ops::joins(draft) + 1),
        Edit::Several(_) => return None,
    })
}

/// The edit one message asks for on its own, without a draft or engine (for the tests).
#[cfg(test)]
fn understand(message: &str) -> Option<Edit> {
    match instructions::understand(message) {
        Clause::Understood(Instruction::RemovePauses | Instruction::JoinWithFade) | Clause::Unknown(_) => None,
        Clause::Understood(instruction) => {
            let mut draft = draft_ops::empty();
            draft_ops::append_video(&mut draft, "a.mp4", "a", 1_000_000_000);
            Edit::AddMusic.apply(&mut draft);
            plan(instruction, &draft, Context::default()).ok()
        }
    }
}

/// Milliseconds as seconds: whole when whole, else one decimal.
fn seconds(ms: i64) -> String {
    if ms % 1000 == 0 { (ms / 1000).to_string() } else { format!("{:.1}", ms as f64 / 1000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply_to(message: &str, draft: &Value) -> Reply {
        reply(message, draft, Context::default())
    }

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
        assert_eq!(reply_to("add music", &draft), Reply::text(UPLOAD_FIRST));
        draft_ops::append_video(&mut draft, "a.mp4", "a", 10_000);
        assert_eq!(reply_to("hello", &draft), Reply::text(CAPABILITIES));
        assert_eq!(reply_to("set the music volume to 5%", &draft), Reply::text(NO_MUSIC));
        assert_eq!(
            reply_to("trim to 12 seconds", &draft),
            Reply::text("The video is 10 seconds long, so there is nothing to trim.")
        );
        assert_eq!(
            reply_to("trim to 2.5 seconds", &draft),
            Reply { edit: Some(Edit::TrimTo(2500)), text: Some("Done — the video is now 2.5 seconds long.".into()) }
        );
    }

    #[test]
    fn several_instructions_all_apply_and_each_is_answered() {
        let mut draft = draft_ops::empty();
        draft_ops::append_video(&mut draft, "/v/a.mp4", "a", 6_000);
        let reply = reply_to("add a title 'Hello' and make it vertical, trim to 4 seconds", &draft);
        assert_eq!(
            reply.edit,
            Some(Edit::Several(vec![Edit::AddTitle("Hello".into()), Edit::Aspect("9:16"), Edit::TrimTo(4000)]))
        );
        assert_eq!(
            reply.text.as_deref(),
            Some(
                "Added the title \"Hello\" (0-3 s). The video is now vertical (9:16, 1080×1920). \
                 Done — the video is now 4 seconds long."
            )
        );
    }

    #[test]
    fn a_clause_it_does_not_understand_is_named_with_the_capabilities() {
        let mut draft = draft_ops::empty();
        draft_ops::append_video(&mut draft, "/v/a.mp4", "a", 6_000);
        let reply = reply_to("mute it, make it pop", &draft);
        assert_eq!(reply.edit, Some(Edit::Mute));
        let text = reply.text.unwrap_or_default();
        assert!(
            text.starts_with("The video's original sound is now muted. I did not understand \"make it pop\". I can")
        );
    }

    #[test]
    fn pauses_need_the_engine() {
        let mut draft = draft_ops::empty();
        draft_ops::append_video(&mut draft, "/v/a.mp4", "a", 6_000);
        assert_eq!(reply_to("remove the pauses", &draft), Reply::text(NO_ENGINE));
    }

    #[test]
    fn silences_map_onto_the_timeline_through_in_points_and_speed() {
        let clip = draft_ops::Clip { src: "a".into(), st: 1000, d: 2000, in_ms: 4000, sp: 2.0 };
        assert_eq!(
            on_timeline(&clip, &[(0, 500), (3000, 5000), (6000, 7000), (7500, 9000)]),
            [(1000, 1500), (2000, 2500), (2750, 3000)]
        );
        assert_eq!(merged(vec![(5, 9), (1, 3), (2, 4)]), [(1, 4), (5, 9)]);
    }

    proptest::proptest! {
        #[test]
        fn every_message_is_answered_with_an_edit_or_text(message in "\\PC{0,60}") {
            let mut draft = draft_ops::empty();
            draft_ops::append_video(&mut draft, "/v/a.mp4", "a", 6_000);
            let reply = reply_to(&message, &draft);
            proptest::prop_assert!(reply.edit.is_some() || reply.text.as_deref().is_some_and(|t| !t.is_empty()));
        }
    }
}
