//! "add captions from talk.srt", "add captions" / "generate captions" / `字幕`: captions burnt
//! into the lower part of the picture. From a subtitle file (SRT or WebVTT) the cues are
//! placed through the timeline's cuts — a cue inside a removed part is left out, one after it
//! moves earlier — and later cuts retime them again (they are text segments like any other).
//! Without a file named, an uploaded subtitle file is used ("add captions" after uploading
//! talk.srt); with neither they are made from the main clip's speech by the engine's
//! recogniser; with none configured the answer says in one sentence why there are none and how
//! to get them.

use std::path::Path;

use serde_json::{Value, json};

use crate::draft::{CAPTIONS_ROLE, Clip, Timeline, edit};
use crate::instruction::{About, Change, Context, Instruction, text};
use crate::subtitles::{self, Cue};
use crate::words::{Clause, SUBTITLE_EXTENSIONS};

/// The instruction.
pub struct Captions;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "add_captions",
    can: "add captions (add captions from talk.srt, or from the speech)",
    name: "captions",
    examples: &["add captions from talk.srt", "generate captions", "字幕"],
    needs_video: true,
};

impl Instruction for Captions {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let asks = clause.has(&["caption", "captions", "subtitle", "subtitles", "subs", "transcript"])
            || clause.contains(&["字幕"]);
        if !asks {
            return None;
        }
        let (file, _) = clause.file(&SUBTITLE_EXTENSIONS);
        Some(json!({"file": file}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let clips = Timeline::read(context.draft()).clips;
        let main = clips.first().map(|clip| clip.src.clone()).unwrap_or_default();
        let (cues, from) = match text(args, "file").map(|file| context.file(file)).or(context.uploaded_subtitles) {
            Some(file) => (subtitles::read(file)?, format!(" from {}", name_of(file))),
            None => {
                let engine = context.engine.ok_or("Captions from speech need the offline media engine (ffmpeg).")?;
                let cues = engine.transcribe(&main).map_err(|e| {
                    format!(
                        "There are no captions: {e}. Or add them from a subtitle file: \"add captions from talk.srt\"."
                    )
                })?;
                (cues, " from the speech".to_owned())
            }
        };
        let placed = place(&cues, &clips, &main);
        let left_out = (0..cues.len()).filter(|n| !placed.iter().any(|(_, _, _, placed)| placed == n)).count();
        if placed.is_empty() {
            return Err(format!("None of the {} captions{from} falls inside the video as it is now.", cues.len()));
        }
        let segments: Vec<(i64, i64, String)> = placed.into_iter().map(|(st, d, text, _)| (st, d, text)).collect();
        let count = segments.len();
        let noun = if count == 1 { "caption" } else { "captions" };
        let mut sentence = format!("Added {count} {noun}{from}.");
        if left_out > 0 {
            sentence.pop();
            sentence.push_str(&format!(" ({left_out} inside removed parts left out)."));
        }
        let args = json!({"count": count, "source": from.trim()});
        Ok(Change::edit(
            &ABOUT,
            args,
            context.draft(),
            move |draft| edit::set_text_track(draft, CAPTIONS_ROLE, &segments),
            |_| sentence,
        ))
    }
}

fn name_of(file: &str) -> String {
    Path::new(file).file_name().map_or_else(|| file.to_owned(), |name| name.to_string_lossy().into_owned())
}

/// Each cue (in `main`'s own time) where the timeline shows that part of `main`: `(st, d,
/// text, cue index)`, one piece per clip it falls in.
fn place(cues: &[Cue], clips: &[Clip], main: &str) -> Vec<(i64, i64, String, usize)> {
    let mut placed = Vec::new();
    for (n, (from, to, text)) in cues.iter().enumerate() {
        for clip in clips.iter().filter(|clip| clip.src == main) {
            // A sliver under a tenth of a second is not worth reading.
            if let Some((start, end)) = clip.shows(*from, *to).filter(|(start, end)| end - start >= 100) {
                placed.push((start, end - start, text.clone(), n));
            }
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::History;
    use crate::words::clauses;

    #[test]
    fn cues_follow_the_cuts_and_one_inside_a_removed_part_is_left_out() {
        let read = |text: &str| Captions.recognise(&clauses(text)[0]);
        assert_eq!(read("add captions from talk.srt"), Some(json!({"file": "talk.srt"})));
        assert_eq!(read("generate captions"), Some(json!({"file": null})));
        assert_eq!(read("加字幕"), Some(json!({"file": null})));

        let dir = std::env::temp_dir().join(format!("nemo-captions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let srt = dir.join("talk.srt");
        let cues = "1\n00:00:00,200 --> 00:00:01,000\nfirst\n\n2\n00:00:01,600 --> 00:00:02,400\nin the pause\n\n3\n00:00:03,000 --> 00:00:03,800\nafter\n";
        std::fs::write(&srt, cues).unwrap_or_else(|e| panic!("{e}"));
        let mut history = History::default();
        history.commit(|draft| {
            edit::append_video(draft, "/a.mp4", "a", 5000);
            edit::remove_ranges(draft, &[(1500, 2500)]);
        });
        let context = Context::bare(&history);
        let args = json!({"file": srt.to_string_lossy()});
        let change = Captions.plan(&args, &context).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(change.sentence(true), Some("Added 2 captions from talk.srt (1 inside removed parts left out)."));
        // "add captions" naming no file uses the uploaded one.
        let uploaded = srt.to_string_lossy();
        let context = Context { uploaded_subtitles: Some(&uploaded), ..context };
        let from_upload = Captions.plan(&json!({"file": null}), &context).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_upload.sentence(true), change.sentence(true));
        history.apply(&change);
        let track = &history.current()["t"][1];
        assert_eq!(track["m"]["role"], "subtitle");
        assert_eq!(track["sg"], json!([{"tx": "first", "st": 200, "d": 800}, {"tx": "after", "st": 2000, "d": 800}]));
        let _ = std::fs::remove_dir_all(&dir);

        let context = Context::bare(&history);
        let none = Captions.plan(&json!({"file": null}), &context).err().unwrap_or_default();
        assert!(none.contains("media engine"), "{none}");
    }
}
