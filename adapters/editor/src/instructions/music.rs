//! "add background music FILE at N%", "add trending music", "lo-fi" / "upbeat" /
//! "cinematic", `添加背景音乐`: an audio track (role `bgm`) spanning the video, replacing
//! earlier music; the engine fades it in and out and ducks it under the clips' sound. Without
//! a FILE: a style named → that bed of the library, else the last audio file uploaded to the
//! project, else the library's "Lo-fi". A FILE is the project's upload of that name first,
//! else a path.

use std::path::Path;

use serde_json::{Value, json};

use crate::draft::{LIBRARY_MUSIC_NAME, LIBRARY_MUSIC_SRC, MUSIC_VOLUME, edit};
use crate::instruction::{About, Change, Context, Instruction, number, text};
use crate::instructions::volume::speaks_of_volume;
use crate::media::MediaEngine;
use crate::words::{AUDIO_EXTENSIONS, Clause, percent, percent_in};

/// The instruction.
pub struct Music;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "add_background_music",
    can: "add background music (add music song.mp3 at 30%, add upbeat music)",
    name: "music",
    examples: &["add background music song.mp3 at 30%", "add trending music", "cinematic music", "添加背景音乐"],
    needs_video: true,
};

/// The library's beds: the words that name each (English, then Chinese), its display name
/// and its `src`.
const STYLES: [(&[&str], &[&str], &str, &str); 3] = [
    (&["upbeat", "trending", "energetic", "happy", "pop", "dance"], &["欢快", "动感", "流行"], "Upbeat", "upbeat.mp3"),
    (&["cinematic", "epic", "dramatic", "emotional"], &["大气", "史诗", "电影"], "Cinematic", "cinematic.mp3"),
    (&["lofi", "lo", "chill", "relaxed", "calm"], &["轻松", "舒缓"], LIBRARY_MUSIC_NAME, LIBRARY_MUSIC_SRC),
];

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
        let (file, rest) = clause.file(&AUDIO_EXTENSIONS);
        let style = STYLES.iter().find(|(words, zh, _, _)| clause.has(words) || clause.contains(zh)).map(|s| s.2);
        Some(json!({"file": file, "volume": percent_in(&rest), "style": style}))
    }

    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let volume = number(args, "volume").map(percent);
        let style = text(args, "style").and_then(|name| STYLES.iter().find(|s| s.2 == name));
        let (src, name) = match (text(args, "file"), style, context.uploaded_music) {
            (Some(file), _, _) => music_file(context.file(file), context.engine)?,
            (None, Some((_, _, name, src)), _) => ((*src).to_owned(), (*name).to_owned()),
            (None, None, Some((name, src))) => (src.to_owned(), name.to_owned()),
            (None, None, None) => (LIBRARY_MUSIC_SRC.to_owned(), LIBRARY_MUSIC_NAME.to_owned()),
        };
        let plain = src == LIBRARY_MUSIC_SRC && text(args, "file").is_none() && volume.is_none() && style.is_none();
        let volume = volume.unwrap_or(MUSIC_VOLUME);
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
