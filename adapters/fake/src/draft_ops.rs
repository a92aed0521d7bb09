//! Building and editing the draft JSON with the documented keys (`docs/draft-keys.md`): the
//! published `t`, `tt`, `sg`, `d`, `m` and this project's segment keys `st`, `in`, `src`, `nm`,
//! `tx`, `vol`. Every edit keeps the top-level `d` equal to the end of the last segment.

use serde_json::{Value, json};

/// Track types (`tt`).
const VIDEO: i64 = 0;
const AUDIO: i64 = 1;
const TEXT: i64 = 7;

/// How long a title stays on screen.
const TITLE_MS: i64 = 3000;
/// The one track of the fake's music library, and its default volume.
const MUSIC_NAME: &str = "Lo-fi";
const MUSIC_SRC: &str = "lofi.mp3";
const MUSIC_VOLUME: u8 = 35;

/// An edit the agent can make to a draft.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Edit {
    /// A text track (role `title`) showing the text from 0 to 3 s.
    AddTitle(String),
    /// An audio track (role `bgm`) "Lo-fi" at 35 % spanning the video; replaces earlier music.
    AddMusic,
    /// Sets `vol` on every background-music segment.
    MusicVolume(u8),
    /// Cuts every track at this many milliseconds.
    TrimTo(i64),
    /// Sets `vol` 0 on every video segment.
    Mute,
}

impl Edit {
    /// Applies the edit to `draft`.
    pub(crate) fn apply(&self, draft: &mut Value) {
        match self {
            Self::AddTitle(text) => {
                push_track(draft, TEXT, json!({"role": "title"}), json!({"tx": text, "st": 0, "d": TITLE_MS}))
            }
            Self::AddMusic => {
                let end = video_end(draft);
                tracks_mut(draft).retain(|track| !is_music(track));
                let segment =
                    json!({"src": MUSIC_SRC, "nm": MUSIC_NAME, "st": 0, "d": end, "in": 0, "vol": MUSIC_VOLUME});
                push_track(draft, AUDIO, json!({"role": "bgm", "name": MUSIC_NAME}), segment);
            }
            Self::MusicVolume(volume) => set_volume(draft, is_music, *volume),
            Self::TrimTo(limit) => trim(draft, *limit),
            Self::Mute => set_volume(draft, |track| track_type(track) == Some(VIDEO), 0),
        }
        update_duration(draft);
    }
}

/// The draft of a new session: no tracks.
pub(crate) fn empty() -> Value {
    json!({"t": []})
}

/// Appends a clip to the first video track (made if there is none), after its last segment.
pub(crate) fn append_video(draft: &mut Value, src: &str, name: &str, duration_ms: i64) {
    let start = video_end(draft);
    let segment = json!({"src": src, "nm": name, "st": start, "d": duration_ms, "in": 0});
    let video = tracks_mut(draft).iter_mut().find(|track| track_type(track) == Some(VIDEO));
    match video.and_then(|track| track.get_mut("sg")).and_then(Value::as_array_mut) {
        Some(segments) => segments.push(segment),
        None => push_track(draft, VIDEO, json!({}), segment),
    }
    update_duration(draft);
}

/// Where the video ends, in milliseconds (0 without video).
pub(crate) fn video_end(draft: &Value) -> i64 {
    tracks(draft).filter(|track| track_type(track) == Some(VIDEO)).flat_map(segments).map(end).max().unwrap_or(0)
}

/// Whether the draft has background music.
pub(crate) fn has_music(draft: &Value) -> bool {
    tracks(draft).any(is_music)
}

fn tracks(draft: &Value) -> impl Iterator<Item = &Value> {
    draft.get("t").and_then(Value::as_array).into_iter().flatten()
}

fn tracks_mut(draft: &mut Value) -> &mut Vec<Value> {
    if !draft["t"].is_array() {
        draft["t"] = json!([]);
    }
    match &mut draft["t"] {
        Value::Array(tracks) => tracks,
        _ => unreachable!("the tracks were just made an array"),
    }
}

fn segments(track: &Value) -> impl Iterator<Item = &Value> {
    track.get("sg").and_then(Value::as_array).into_iter().flatten()
}

fn segments_mut(track: &mut Value) -> impl Iterator<Item = &mut Value> {
    track.get_mut("sg").and_then(Value::as_array_mut).into_iter().flatten()
}

fn track_type(track: &Value) -> Option<i64> {
    track.get("tt").and_then(Value::as_i64)
}

fn is_music(track: &Value) -> bool {
    let role = track.pointer("/m/role").and_then(Value::as_str);
    track_type(track) == Some(AUDIO) && role.is_none_or(|role| role == "bgm")
}

fn start(segment: &Value) -> i64 {
    segment.get("st").and_then(Value::as_i64).unwrap_or(0)
}

fn end(segment: &Value) -> i64 {
    start(segment) + segment.get("d").and_then(Value::as_i64).unwrap_or(0)
}

fn push_track(draft: &mut Value, kind: i64, meta: Value, segment: Value) {
    tracks_mut(draft).push(json!({"tt": kind, "m": meta, "sg": [segment]}));
}

fn set_volume(draft: &mut Value, on: impl Fn(&Value) -> bool, volume: u8) {
    for track in tracks_mut(draft).iter_mut().filter(|track| on(track)) {
        for segment in segments_mut(track) {
            segment["vol"] = json!(volume);
        }
    }
}

/// Drops what starts at or after `limit` and shortens what runs past it, on every track.
fn trim(draft: &mut Value, limit: i64) {
    for track in tracks_mut(draft) {
        if let Some(segments) = track.get_mut("sg").and_then(Value::as_array_mut) {
            segments.retain(|segment| start(segment) < limit);
            for segment in segments.iter_mut().filter(|segment| end(segment) > limit) {
                segment["d"] = json!(limit - start(segment));
            }
        }
    }
}

fn update_duration(draft: &mut Value) {
    match tracks(draft).flat_map(segments).map(end).max() {
        Some(total) => draft["d"] = json!(total),
        None => {
            if let Some(object) = draft.as_object_mut() {
                object.remove("d");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_clips(durations: &[i64]) -> Value {
        let mut draft = empty();
        for (i, d) in durations.iter().enumerate() {
            append_video(&mut draft, &format!("clip{i}.mp4"), &format!("clip{i}"), *d);
        }
        draft
    }

    fn check(mut draft: Value, edit: Edit, expected: Value) {
        edit.apply(&mut draft);
        assert_eq!(draft, expected, "{edit:?}");
    }

    #[test]
    fn clips_are_laid_end_to_end_on_one_video_track() {
        assert_eq!(
            with_clips(&[10_000, 4_000]),
            json!({"t": [{"tt": 0, "m": {}, "sg": [
                {"src": "clip0.mp4", "nm": "clip0", "st": 0, "d": 10_000, "in": 0},
                {"src": "clip1.mp4", "nm": "clip1", "st": 10_000, "d": 4_000, "in": 0},
            ]}], "d": 14_000})
        );
    }

    #[test]
    fn a_title_is_a_text_track_for_three_seconds() {
        let mut expected = with_clips(&[10_000]);
        expected["t"]
            .as_array_mut()
            .unwrap()
            .push(json!({"tt": 7, "m": {"role": "title"}, "sg": [{"tx": "Hi", "st": 0, "d": 3000}]}));
        check(with_clips(&[10_000]), Edit::AddTitle("Hi".into()), expected);
    }

    #[test]
    fn music_spans_the_video_and_replaces_earlier_music() {
        let mut draft = with_clips(&[10_000, 2_000]);
        Edit::AddMusic.apply(&mut draft);
        Edit::MusicVolume(80).apply(&mut draft);
        Edit::AddMusic.apply(&mut draft);
        let music: Vec<&Value> = tracks(&draft).filter(|t| is_music(t)).collect();
        assert_eq!(
            music,
            [&json!({"tt": 1, "m": {"role": "bgm", "name": "Lo-fi"}, "sg": [
                {"src": "lofi.mp3", "nm": "Lo-fi", "st": 0, "d": 12_000, "in": 0, "vol": 35}
            ]})]
        );
        Edit::MusicVolume(10).apply(&mut draft);
        assert_eq!(draft.pointer("/t/1/sg/0/vol"), Some(&json!(10)));
    }

    #[test]
    fn trimming_cuts_every_track_at_the_limit() {
        let mut draft = with_clips(&[10_000, 10_000]);
        Edit::AddMusic.apply(&mut draft);
        Edit::AddTitle("T".into()).apply(&mut draft);
        Edit::TrimTo(12_500).apply(&mut draft);
        assert_eq!(video_end(&draft), 12_500);
        assert_eq!(draft.pointer("/t/0/sg/1/d"), Some(&json!(2_500)));
        assert_eq!(draft.pointer("/t/1/sg/0/d"), Some(&json!(12_500)));
        assert_eq!(draft.pointer("/t/2/sg/0/d"), Some(&json!(3000)));
        assert_eq!(draft["d"], json!(12_500));
        Edit::TrimTo(5_000).apply(&mut draft);
        assert_eq!(draft.pointer("/t/0/sg").and_then(Value::as_array).map(Vec::len), Some(1));
    }

    #[test]
    fn muting_silences_the_video_only() {
        let mut draft = with_clips(&[1_000, 1_000]);
        Edit::AddMusic.apply(&mut draft);
        Edit::Mute.apply(&mut draft);
        assert_eq!(draft.pointer("/t/0/sg/0/vol"), Some(&json!(0)));
        assert_eq!(draft.pointer("/t/0/sg/1/vol"), Some(&json!(0)));
        assert_eq!(draft.pointer("/t/1/sg/0/vol"), Some(&json!(35)));
    }

    #[test]
    fn an_empty_draft_has_no_duration() {
        let draft = empty();
        assert_eq!(draft, json!({"t": []}));
        assert_eq!(video_end(&draft), 0);
        assert!(!has_music(&draft));
    }
}
