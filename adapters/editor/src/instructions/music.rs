//! "add background music [FILE] [at N%]", `添加背景音乐`: an audio track (role `bgm`) spanning
//! the video, replacing earlier music. Without a FILE: the last audio file uploaded to the
//! project, else the library's "Lo-fi".

use std::path::Path;

use serde_json::{Value, json};

use crate::draft::{LIBRARY_MUSIC_NAME, LIBRARY_MUSIC_SRC, MUSIC_VOLUME, edit};
use crate::instruction::{About, Change, Context, Instruction, number, text};
use crate::instructions::volume::speaks_of_volume;
use crate::media::MediaEngine;
use crate::words::{Clause, audio_file, percent, percent_in};

/// The instruction.
pub struct Music;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "add_background_music",
    can: "add background music (add music song.mp3 at 30%)",
    name: "music",
    examples: &["add background music song.mp3 at 30%", "添加背景音乐"],
};

impl Instruction for Music {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        if !(clause.has(&["music", "bgm", "soundtrack"]) || clause.contains(&["音乐", "配乐"]))
            || speaks_of_volume(clause)
        {
            return None;
        }
        let (file, rest) = match clause.quoted() {
            Some((text, rest)) => (Some(text), rest),
            None => audio_file(clause.text()),
        };
        Some(json!({"file": file, "volume": percent_in(&rest)}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let volume = number(args, "volume").map(percent);
        let (src, name, volume) = match (text(args, "file"), context.uploaded_music) {
            (Some(file), _) => {
                let (src, name) = music_file(file, context.engine)?;
                (src, name, volume.unwrap_or(MUSIC_VOLUME))
            }
            (None, Some((name, src))) => (src.to_owned(), name.to_owned(), volume.unwrap_or(MUSIC_VOLUME)),
            (None, None) => {
                (LIBRARY_MUSIC_SRC.to_owned(), LIBRARY_MUSIC_NAME.to_owned(), volume.unwrap_or(MUSIC_VOLUME))
            }
        };
        let plain = src == LIBRARY_MUSIC_SRC && text(args, "file").is_none() && number(args, "volume").is_none();
        let planned = if plain { json!({"track": LIBRARY_MUSIC_NAME}) } else { json!({"file": src, "volume": volume}) };
        let sentence = format!("Added background music ({name}, {volume}%).");
        let alone = if plain {
            format!("I've added background music ({name}, {volume}%). Click the Export button to render your video.")
        } else {
            sentence.clone()
        };
        let change = Change::edit(
            &ABOUT,
            planned,
            context.draft(),
            move |draft| {
                edit::add_music(draft, &src, &name, volume);
            },
            |_| sentence,
        );
        Ok(change.alone(Some(alone)))
    }
}

/// Music from a local file (its absolute path and display name), checked by the engine when
/// there is one.
fn music_file(file: &str, engine: Option<&dyn MediaEngine>) -> Result<(String, String), String> {
    let path = Path::new(file);
    let src = match (engine, std::path::absolute(path)) {
        (Some(_), Ok(absolute)) => absolute.to_string_lossy().into_owned(),
        _ => file.to_owned(),
    };
    if let Some(engine) = engine {
        match engine.probe(&src) {
            Ok(probe) if probe.has_audio => {}
            Ok(_) => return Err(format!("{file} has no sound, so it cannot be background music.")),
            Err(error) => return Err(format!("I could not use {file} as background music: {error}")),
        }
    }
    let name = path.file_stem().map_or_else(|| file.to_owned(), |stem| stem.to_string_lossy().into_owned());
    Ok((src, name))
}
