//! The edits the instructions make to the draft JSON, with the documented keys
//! (`docs/draft-keys.md`): the published `t`, `tt`, `sg`, `d`, `m` and this project's segment
//! keys `st`, `in`, `src`, `nm`, `tx`, `pos`, `vol`, `sp`, `fx`. Every edit keeps the top-level
//! `d` equal to the end of the last segment. Pure: what needs a media engine (the pauses to
//! remove) is decided before.

use serde_json::{Value, json};

use super::{LIBRARY_MUSIC_NAME, LIBRARY_MUSIC_SRC, MUSIC_VOLUME, TrackType};

const VIDEO: i64 = TrackType::Video.code();
const AUDIO: i64 = TrackType::Audio.code();
const TEXT: i64 = TrackType::Text.code();

/// How many clips follow a clip of another source (the joins a fade would cover).
#[must_use]
pub fn joins(draft: &Value) -> usize {
    super::Timeline::read(draft).clips.windows(2).filter(|pair| pair[0].src != pair[1].src).count()
}

/// How many cuts the video has: every video segment after the first.
#[must_use]
pub fn cuts(draft: &Value) -> usize {
    super::Timeline::read(draft).clips.len().saturating_sub(1)
}

/// A transition (`fx: {"in": kind, "ms": ms}`) into every video segment but the first.
pub fn transitions(draft: &mut Value, kind: &str, ms: i64) {
    for track in tracks_mut(draft).iter_mut().filter(|track| track_type(track) == Some(VIDEO)) {
        for segment in segments_mut(track).skip(1) {
            segment["fx"] = json!({"in": kind, "ms": ms});
        }
    }
}

/// Replaces every text track of `role` with one holding `segments` (`(st, d, text)`, ms).
pub fn set_text_track(draft: &mut Value, role: &str, segments: &[(i64, i64, String)]) {
    tracks_mut(draft).retain(|track| {
        track_type(track) != Some(TEXT) || track.pointer("/m/role").and_then(Value::as_str) != Some(role)
    });
    let segments: Vec<Value> = segments.iter().map(|(st, d, text)| json!({"tx": text, "st": st, "d": d})).collect();
    if !segments.is_empty() {
        tracks_mut(draft).push(json!({"tt": TEXT, "m": {"role": role}, "sg": segments}));
    }
    update_duration(draft);
}

/// The draft of a new session: no tracks.
pub fn empty() -> Value {
    json!({"t": []})
}

/// Appends a clip to the first video track (made if there is none), after its last segment.
pub fn append_video(draft: &mut Value, src: &str, name: &str, duration_ms: i64) {
    let start = video_end(draft);
    let segment = json!({"src": src, "nm": name, "st": start, "d": duration_ms, "in": 0});
    let video = tracks_mut(draft).iter_mut().find(|track| track_type(track) == Some(VIDEO));
    match video.and_then(|track| track.get_mut("sg")).and_then(Value::as_array_mut) {
        Some(segments) => segments.push(segment),
        None => push_track(draft, VIDEO, json!({}), segment),
    }
    update_duration(draft);
}

/// Appends a still (a photo at `src`, or [`super::CARD_SRC`]) of `ms` to the video track.
pub fn append_still(draft: &mut Value, src: &str, name: &str, ms: i64) {
    append_video(draft, src, name, ms);
    if let Some(last) = tracks_mut(draft)
        .iter_mut()
        .find(|track| track_type(track) == Some(VIDEO))
        .and_then(|track| track.get_mut("sg"))
        .and_then(Value::as_array_mut)
        .and_then(|segments| segments.last_mut())
    {
        last["still"] = json!(true);
    }
}

/// Puts a still of `ms` at the start of the video track (made if there is none) and moves
/// everything on every track `ms` later.
pub fn prepend_still(draft: &mut Value, src: &str, name: &str, ms: i64) {
    for track in tracks_mut(draft) {
        for segment in segments_mut(track) {
            segment["st"] = json!(start(segment) + ms);
        }
    }
    let still = json!({"src": src, "nm": name, "st": 0, "d": ms, "in": 0, "still": true});
    let video = tracks_mut(draft).iter_mut().find(|track| track_type(track) == Some(VIDEO));
    match video.and_then(|track| track.get_mut("sg")).and_then(Value::as_array_mut) {
        Some(segments) => segments.insert(0, still),
        None => push_track(draft, VIDEO, json!({}), still),
    }
    update_duration(draft);
}

/// Lays the stills of the video track end to end, `ms` each, from where the first one starts.
pub fn time_stills(draft: &mut Value, ms: i64) {
    for track in tracks_mut(draft).iter_mut().filter(|track| track_type(track) == Some(VIDEO)) {
        let mut at = None;
        for segment in segments_mut(track) {
            let st = at.unwrap_or_else(|| start(segment));
            if segment.get("still").and_then(Value::as_bool) == Some(true) {
                segment["d"] = json!(ms);
            }
            segment["st"] = json!(st);
            at = Some(st + duration(segment));
        }
    }
    update_duration(draft);
}

/// Sets the canvas (`m.width`, `m.height`, `m.ratio` reduced: 320×180 → `"16:9"`) unless the
/// draft has one.
pub fn set_canvas_if_unset(draft: &mut Value, width: u32, height: u32) {
    if width == 0 || height == 0 || draft.pointer("/m/width").is_some() {
        return;
    }
    set_size(draft, width, height);
}

/// Sets the canvas to `width`×`height`, its ratio reduced (1280×720 → `"16:9"`).
pub fn set_size(draft: &mut Value, width: u32, height: u32) {
    let (mut a, mut b) = (width, height);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    let a = a.max(1);
    set_canvas(draft, &format!("{}:{}", width / a, height / a), width, height);
}

/// Sets the canvas: `m.ratio`, `m.width`, `m.height`.
pub fn set_canvas(draft: &mut Value, ratio: &str, width: u32, height: u32) {
    if !draft["m"].is_object() {
        draft["m"] = json!({});
    }
    draft["m"]["ratio"] = json!(ratio);
    draft["m"]["width"] = json!(width);
    draft["m"]["height"] = json!(height);
}

/// Where the video ends, in milliseconds (0 without video).
pub fn video_end(draft: &Value) -> i64 {
    tracks(draft).filter(|track| track_type(track) == Some(VIDEO)).flat_map(segments).map(end).max().unwrap_or(0)
}

/// Whether the draft has background music.
pub fn has_music(draft: &Value) -> bool {
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

/// A text track (role `title`) showing `text` from 0 for `ms`, at `pos` when given.
pub fn add_title(draft: &mut Value, text: &str, ms: i64, pos: Option<&str>) {
    let mut segment = json!({"tx": text, "st": 0, "d": ms});
    if let Some(pos) = pos {
        segment["pos"] = json!(pos);
    }
    push_track(draft, TEXT, json!({"role": "title"}), segment);
    update_duration(draft);
}

/// An audio track (role `bgm`) from `src` at `volume` spanning the video; replaces earlier
/// music.
pub fn add_music(draft: &mut Value, src: &str, name: &str, volume: u8) {
    let end = video_end(draft);
    tracks_mut(draft).retain(|track| !is_music(track));
    let segment = json!({"src": src, "nm": name, "st": 0, "d": end, "in": 0, "vol": volume});
    push_track(draft, AUDIO, json!({"role": "bgm", "name": name}), segment);
    update_duration(draft);
}

/// The library's music ("Lo-fi" at 35 %) spanning the video.
pub fn add_library_music(draft: &mut Value) {
    add_music(draft, LIBRARY_MUSIC_SRC, LIBRARY_MUSIC_NAME, MUSIC_VOLUME);
}

/// Sets `vol` on every background-music segment.
pub fn set_music_volume(draft: &mut Value, volume: u8) {
    set_volume(draft, is_music, volume);
}

/// Sets `vol` 0 on every video segment.
pub fn mute(draft: &mut Value) {
    set_volume(draft, |track| track_type(track) == Some(VIDEO), 0);
}

/// Drops what starts at or after `limit` and shortens what runs past it, on every track.
pub fn trim(draft: &mut Value, limit: i64) {
    for track in tracks_mut(draft) {
        if let Some(segments) = track.get_mut("sg").and_then(Value::as_array_mut) {
            segments.retain(|segment| start(segment) < limit);
            for segment in segments.iter_mut().filter(|segment| end(segment) > limit) {
                segment["d"] = json!(limit - start(segment));
            }
        }
    }
    update_duration(draft);
}

/// Removes each timeline range (ms, in order, not overlapping) as [`remove_range`] does.
pub fn remove_ranges(draft: &mut Value, ranges: &[(i64, i64)]) {
    for (from, to) in ranges.iter().rev() {
        remove_range(draft, *from, *to);
    }
}

/// Removes `[from, to)` from every track and shifts what follows back by its length. A video
/// segment across a bound keeps its picture in sync (its `in` moves); text and music
/// segments across it just get shorter (a ripple cut).
pub fn remove_range(draft: &mut Value, from: i64, to: i64) {
    let gap = to - from;
    if gap <= 0 {
        return;
    }
    for track in tracks_mut(draft) {
        let video = track_type(track) == Some(VIDEO);
        let Some(segments) = track.get_mut("sg").and_then(Value::as_array_mut) else { continue };
        let mut kept = Vec::new();
        for mut segment in segments.drain(..) {
            let (s, e) = (start(&segment), end(&segment));
            if e <= from {
                kept.push(segment);
            } else if s >= to {
                segment["st"] = json!(s - gap);
                kept.push(segment);
            } else if s >= from && e <= to {
                // Inside the range: gone.
            } else if video {
                if s < from {
                    let mut head = segment.clone();
                    head["d"] = json!(from - s);
                    kept.push(head);
                }
                if e > to {
                    let mut tail = segment;
                    let skipped = (to - s) as f64 * speed_of(&tail);
                    tail["in"] = json!(in_of(&tail) + skipped.round() as i64);
                    tail["st"] = json!(from);
                    tail["d"] = json!(e - to);
                    if s < from
                        && let Some(object) = tail.as_object_mut()
                    {
                        object.remove("fx");
                    }
                    kept.push(tail);
                }
            } else {
                let new_start = s.min(from);
                let overlap = e.min(to) - s.max(from);
                segment["st"] = json!(new_start);
                segment["d"] = json!(e - s - overlap);
                kept.push(segment);
            }
        }
        *segments = kept;
    }
    update_duration(draft);
}

/// Multiplies the video's speed by `factor`, lays the video end to end again, and fits the
/// music to the new length (text stays in real time, cut at the end).
pub fn speed(draft: &mut Value, factor: f64) {
    if factor <= 0.0 {
        return;
    }
    for track in tracks_mut(draft).iter_mut().filter(|track| track_type(track) == Some(VIDEO)) {
        let mut at = None;
        for segment in segments_mut(track) {
            let sp = speed_of(segment) * factor;
            let d = (duration(segment) as f64 / factor).round() as i64;
            let st = at.unwrap_or_else(|| (start(segment) as f64 / factor).round() as i64);
            segment["sp"] = json!((sp * 1000.0).round() / 1000.0);
            segment["st"] = json!(st);
            segment["d"] = json!(d);
            at = Some(st + d);
        }
    }
    let end = video_end(draft);
    for track in tracks_mut(draft).iter_mut().filter(|track| is_music(track)) {
        for segment in segments_mut(track) {
            segment["d"] = json!((end - start(segment)).max(0));
        }
    }
    trim(draft, end);
}

/// A fade (`fx`) of `ms` into every clip that follows a clip of another source.
pub fn join_with_fade(draft: &mut Value, ms: i64) {
    for track in tracks_mut(draft).iter_mut().filter(|track| track_type(track) == Some(VIDEO)) {
        let mut previous: Option<String> = None;
        for segment in segments_mut(track) {
            let src = segment.get("src").and_then(Value::as_str).map(str::to_owned);
            if previous.is_some() && previous != src {
                segment["fx"] = json!({"in": "fade", "ms": ms});
            }
            previous = src;
        }
    }
}

fn duration(segment: &Value) -> i64 {
    segment.get("d").and_then(Value::as_i64).unwrap_or(0)
}

fn in_of(segment: &Value) -> i64 {
    segment.get("in").and_then(Value::as_i64).unwrap_or(0)
}

fn speed_of(segment: &Value) -> f64 {
    segment.get("sp").and_then(Value::as_f64).filter(|sp| *sp > 0.0).unwrap_or(1.0)
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
        let mut draft = with_clips(&[10_000]);
        add_title(&mut draft, "Hi", 3000, None);
        assert_eq!(draft, expected);
    }

    #[test]
    fn music_spans_the_video_and_replaces_earlier_music() {
        let mut draft = with_clips(&[10_000, 2_000]);
        add_library_music(&mut draft);
        set_music_volume(&mut draft, 80);
        add_library_music(&mut draft);
        let music: Vec<&Value> = tracks(&draft).filter(|t| is_music(t)).collect();
        assert_eq!(
            music,
            [&json!({"tt": 1, "m": {"role": "bgm", "name": "Lo-fi"}, "sg": [
                {"src": "lofi.mp3", "nm": "Lo-fi", "st": 0, "d": 12_000, "in": 0, "vol": 35}
            ]})]
        );
        set_music_volume(&mut draft, 10);
        assert_eq!(draft.pointer("/t/1/sg/0/vol"), Some(&json!(10)));
    }

    #[test]
    fn trimming_cuts_every_track_at_the_limit() {
        let mut draft = with_clips(&[10_000, 10_000]);
        add_library_music(&mut draft);
        add_title(&mut draft, "T", 3000, None);
        trim(&mut draft, 12_500);
        assert_eq!(video_end(&draft), 12_500);
        assert_eq!(draft.pointer("/t/0/sg/1/d"), Some(&json!(2_500)));
        assert_eq!(draft.pointer("/t/1/sg/0/d"), Some(&json!(12_500)));
        assert_eq!(draft.pointer("/t/2/sg/0/d"), Some(&json!(3000)));
        assert_eq!(draft["d"], json!(12_500));
        trim(&mut draft, 5_000);
        assert_eq!(draft.pointer("/t/0/sg").and_then(Value::as_array).map(Vec::len), Some(1));
    }

    #[test]
    fn muting_silences_the_video_only() {
        let mut draft = with_clips(&[1_000, 1_000]);
        add_library_music(&mut draft);
        mute(&mut draft);
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

    #[test]
    fn a_cut_ripples_and_keeps_the_picture_in_sync() {
        let mut draft = with_clips(&[6_000]);
        add_title(&mut draft, "T", 3000, Some("top"));
        remove_ranges(&mut draft, &[(1_500, 2_500), (4_000, 5_000)]);
        assert_eq!(
            draft["t"][0]["sg"],
            json!([
                {"src": "clip0.mp4", "nm": "clip0", "st": 0, "d": 1500, "in": 0},
                {"src": "clip0.mp4", "nm": "clip0", "st": 1500, "d": 1500, "in": 2500},
                {"src": "clip0.mp4", "nm": "clip0", "st": 3000, "d": 1000, "in": 5000},
            ])
        );
        assert_eq!(draft["t"][1]["sg"], json!([{"tx": "T", "st": 0, "d": 2000, "pos": "top"}]));
        assert_eq!(draft["d"], json!(4000));
    }

    #[test]
    fn speed_relays_the_video_and_fits_the_music() {
        let mut draft = with_clips(&[4_000, 2_000]);
        add_library_music(&mut draft);
        speed(&mut draft, 2.0);
        assert_eq!(
            draft.pointer("/t/0/sg/1"),
            Some(&json!({"src": "clip1.mp4", "nm": "clip1", "st": 2000, "d": 1000, "in": 0, "sp": 2.0}))
        );
        assert_eq!(draft.pointer("/t/1/sg/0/d"), Some(&json!(3000)));
        assert_eq!(draft["d"], json!(3000));
    }

    #[test]
    fn aspect_sets_the_canvas_and_fades_go_into_later_clips() {
        let mut draft = with_clips(&[1_000, 1_000]);
        set_canvas(&mut draft, "9:16", 1080, 1920);
        join_with_fade(&mut draft, 500);
        assert_eq!(draft["m"], json!({"ratio": "9:16", "width": 1080, "height": 1920}));
        assert_eq!(draft.pointer("/t/0/sg/0/fx"), None);
        assert_eq!(draft.pointer("/t/0/sg/1/fx"), Some(&json!({"in": "fade", "ms": 500})));
        assert_eq!(joins(&draft), 1);
    }

    #[test]
    fn the_first_probed_clip_sets_the_canvas_once() {
        let mut draft = with_clips(&[1_000]);
        set_canvas_if_unset(&mut draft, 320, 180);
        set_canvas_if_unset(&mut draft, 1080, 1080);
        assert_eq!(draft["m"], json!({"ratio": "16:9", "width": 320, "height": 180}));
        let mut odd = empty();
        set_canvas_if_unset(&mut odd, 1366, 768);
        assert_eq!(odd["m"]["ratio"], "683:384");
    }
}
