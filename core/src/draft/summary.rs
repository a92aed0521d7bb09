//! The vendor's one-line timeline summary, and the wording helpers (labels, names, ranges,
//! numbers) that the change sentences of [`super::diff`] share with it. Rules: docs/draft-keys.md.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;

use super::timeline::{Segment, Timeline, Track, TrackKind};

/// How many distinct names a track shows before `+N more`.
const SHOWN_NAMES: usize = 3;

/// What a track is called, from its type and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Label {
    Video,
    Music,
    Voice,
    Title,
    Subtitles,
    Text,
    Type(i64),
    Untyped,
}

impl Label {
    pub(super) fn of(track: &Track) -> Self {
        match (track.kind, track.role.as_deref()) {
            (TrackKind::Video, _) => Self::Video,
            (TrackKind::Audio, None | Some("bgm")) => Self::Music,
            (TrackKind::Audio, Some(_)) => Self::Voice,
            (TrackKind::Text, None | Some("title")) => Self::Title,
            (TrackKind::Text, Some("subtitle")) => Self::Subtitles,
            (TrackKind::Text, Some(_)) => Self::Text,
            (TrackKind::Other(n), _) => Self::Type(n),
            (TrackKind::Unknown, _) => Self::Untyped,
        }
    }

    /// The label in the summary: `BGM`.
    pub(super) fn short(self) -> Cow<'static, str> {
        match self {
            Self::Music => "BGM".into(),
            _ => self.long(),
        }
    }

    /// The label in a sentence: `Background music`.
    pub(super) fn long(self) -> Cow<'static, str> {
        match self {
            Self::Video => "Video".into(),
            Self::Music => "Background music".into(),
            Self::Voice => "Audio".into(),
            Self::Title => "Title".into(),
            Self::Subtitles => "Subtitles".into(),
            Self::Text => "Text".into(),
            Self::Type(n) => format!("Track (type {n})").into(),
            Self::Untyped => "Track".into(),
        }
    }

    /// The volume a segment plays at without `vol`.
    pub(super) fn default_volume(self) -> f64 {
        if self == Self::Music { 35.0 } else { 100.0 }
    }
}

/// What the summary says about a track after its label: `Lo-fi` and `0-10s, 35%`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Description {
    /// Up to three distinct names and `+N more`, when any segment or the track has one.
    pub(super) names: Option<String>,
    /// Inside the parentheses: the segment count when there are no names, the range, and the
    /// volume of an audio track.
    pub(super) details: Option<String>,
}

impl Description {
    pub(super) fn of(track: &Track) -> Self {
        let names = names(track);
        let mut details = Vec::new();
        if names.is_none() {
            let n = track.segments.len();
            details.push(format!("{n} segment{}", if n == 1 { "" } else { "s" }));
        }
        if let Some((start, end)) = span_ms(track) {
            details.push(format!("{}-{}s", seconds(start), seconds(end)));
        }
        let transitions = transitions(track);
        if transitions > 0 {
            details.push(format!("{transitions} transition{}", if transitions == 1 { "" } else { "s" }));
        }
        if track.kind == TrackKind::Audio
            && let Some(volume) = track.segments.iter().find_map(|s| s.volume)
        {
            details.push(format!("{}%", number(volume)));
        }
        Self { names, details: (!details.is_empty()).then(|| details.join(", ")) }
    }
}

/// How many of a track's segments have a transition into them.
pub(super) fn transitions(track: &Track) -> usize {
    track.segments.iter().filter(|segment| segment.transition.is_some()).count()
}

/// `head`, then `: names` and ` (details)` when present.
pub(super) fn entry(head: &str, names: Option<&str>, details: Option<&str>) -> String {
    let mut out = head.to_owned();
    if let Some(names) = names {
        let _ = write!(out, ": {names}");
    }
    if let Some(details) = details {
        let _ = write!(out, " ({details})");
    }
    out
}

/// The one-line summary of a timeline.
pub(super) fn summary(timeline: &Timeline) -> String {
    let n = timeline.tracks.len();
    let mut out = format!("Timeline ({n} track{})", if n == 1 { "" } else { "s" });
    for (i, track) in timeline.tracks.iter().enumerate() {
        let Description { names, details } = Description::of(track);
        let head = format!("{}. {}", i + 1, Label::of(track).short());
        out.push_str(if i == 0 { ": " } else { " " });
        out.push_str(&entry(&head, names.as_deref(), details.as_deref()));
    }
    out
}

/// A segment's name: its text in quotes on a text track, else `nm`, else the file name of
/// `src` (else, off text tracks, its text in quotes).
pub(super) fn segment_name(kind: TrackKind, segment: &Segment) -> Option<String> {
    let quoted = || segment.text.as_deref().and_then(one_line).map(|text| format!("\"{text}\""));
    let plain = || segment.name.as_deref().and_then(one_line).or_else(|| segment.source.as_deref().and_then(file_name));
    if kind == TrackKind::Text { quoted().or_else(plain) } else { plain().or_else(quoted) }
}

/// The names a track shows: up to three distinct segment names and `+N more`, else `m.name`.
pub(super) fn names(track: &Track) -> Option<String> {
    let (mut seen, mut shown) = (HashSet::new(), Vec::new());
    for name in track.segments.iter().filter_map(|s| segment_name(track.kind, s)) {
        if !seen.contains(&name) {
            if shown.len() < SHOWN_NAMES {
                shown.push(name.clone());
            }
            seen.insert(name);
        }
    }
    if shown.is_empty() {
        return track.name.as_deref().and_then(one_line);
    }
    let mut text = shown.join(", ");
    if seen.len() > SHOWN_NAMES {
        let _ = write!(text, " +{} more", seen.len() - SHOWN_NAMES);
    }
    Some(text)
}

/// From the earliest start to the latest end, in milliseconds. A segment without `st` starts
/// where the one before it ended (0 for the first); when no segment has a `d`, the track's `d`
/// from 0; else none.
pub(super) fn span_ms(track: &Track) -> Option<(u64, u64)> {
    let mut cursor = 0_u64;
    let mut span: Option<(u64, u64)> = None;
    for segment in &track.segments {
        let start = segment.start_ms.unwrap_or(cursor);
        cursor = start.saturating_add(segment.duration_ms.unwrap_or(0));
        if segment.duration_ms.is_some() {
            span = Some(span.map_or((start, cursor), |(lo, hi)| (lo.min(start), hi.max(cursor))));
        }
    }
    span.or_else(|| track.duration_ms.map(|d| (0, d)))
}

/// Milliseconds as seconds rounded to a tenth, without the decimal when it is whole: `3`, `2.5`.
pub(super) fn seconds(ms: u64) -> String {
    let tenths = ms / 100 + u64::from(ms % 100 >= 50);
    if tenths.is_multiple_of(10) { format!("{}", tenths / 10) } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// A percentage or factor with at most two decimals: `35`, `1.5`, `0.25`.
pub(super) fn number(x: f64) -> String {
    let text = format!("{x:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

/// The last path segment of a file name or URL, without query or fragment.
fn file_name(source: &str) -> Option<String> {
    let path = source.split(['?', '#']).next().unwrap_or(source);
    path.rsplit(['/', '\\']).next().and_then(one_line)
}

/// `text` on one line (control characters become spaces, ends trimmed), when not blank.
pub(super) fn one_line(text: &str) -> Option<String> {
    let line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let line = line.trim();
    (!line.is_empty()).then(|| line.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::Draft;
    use proptest::prelude::*;

    const VENDOR: &str = r#"{"t":[
        {"tt":0,"sg":[{"st":0,"d":10000,"src":"https://cdn.example/u/city.mp4","nm":"city timelapse"}]},
        {"tt":1,"m":{"role":"bgm"},"sg":[{"st":0,"d":10000,"src":"lofi.mp3","nm":"Lo-fi","vol":35}]},
        {"tt":7,"m":{"role":"title"},"sg":[{"st":0,"d":3000,"tx":"Urban Dreams","pos":"center"}]}]}"#;

    fn check(json: &str, expected: &str) {
        let draft = Draft::from_json(json).unwrap();
        assert_eq!(draft.summary(), expected, "{json}");
    }

    #[test]
    fn transitions_are_counted_on_their_track() {
        check(
            r#"{"t":[{"tt":0,"sg":[{"st":0,"d":1500,"nm":"a"},{"st":1500,"d":1500,"nm":"a","fx":{"in":"dissolve","ms":300}}]}]}"#,
            "Timeline (1 track): 1. Video: a (0-3s, 1 transition)",
        );
    }

    #[test]
    fn reads_like_the_vendor() {
        check(
            VENDOR,
            r#"Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)"#,
        );
        check(
            r#"{"t":[{"tt":0,"sg":[{"d":10000,"src":"beach.mp4"}]}]}"#,
            "Timeline (1 track): 1. Video: beach.mp4 (0-10s)",
        );
        check("{}", "Timeline (0 tracks)");
        check(r#"{"t":[]}"#, "Timeline (0 tracks)");
    }

    #[test]
    fn labels_follow_type_and_role() {
        check(
            r#"{"t":[{"tt":1,"m":{"role":"voice","name":"Narration"}},{"tt":1,"m":{"role":"sfx"}},
                {"tt":7,"m":{"role":"subtitle"}},{"tt":7,"m":{"role":"caption"}},{"tt":1},{"tt":7},{"tt":3},{}]}"#,
            "Timeline (8 tracks): 1. Audio: Narration 2. Audio (0 segments) 3. Subtitles (0 segments) \
             4. Text (0 segments) 5. BGM (0 segments) 6. Title (0 segments) 7. Track (type 3) (0 segments) \
             8. Track (0 segments)",
        );
    }

    #[test]
    fn falls_back_to_type_count_and_duration() {
        check(
            r#"{"t":[{"tt":0,"d":10000,"sg":[{"d":4000},{"d":6000}]},{"tt":0,"d":8000,"sg":[{},{}]},{"tt":0,"sg":[{}]}]}"#,
            "Timeline (3 tracks): 1. Video (2 segments, 0-10s) 2. Video (2 segments, 0-8s) 3. Video (1 segment)",
        );
        check(r#"{"t":[{"tt":1,"sg":[{"d":1000,"vol":20}]}]}"#, "Timeline (1 track): 1. BGM (1 segment, 0-1s, 20%)");
        check(r#"{"t":[{"tt":0,"m":{"name":"Main"},"sg":[{"src":"x/"}]}]}"#, "Timeline (1 track): 1. Video: Main");
    }

    #[test]
    fn ranges_use_start_or_lay_segments_end_to_end() {
        check(
            r#"{"t":[{"tt":0,"sg":[{"d":2500,"nm":"a"},{"d":2000,"nm":"b"},{"st":9000,"d":1049,"nm":"c"},{"d":1,"nm":"d"}]}]}"#,
            "Timeline (1 track): 1. Video: a, b, c +1 more (0-10.1s)",
        );
        check(
            r#"{"t":[{"tt":0,"sg":[{"st":1500,"d":1000,"src":"x.mp4"},{"st":500,"d":500,"src":"x.mp4"}]}]}"#,
            "Timeline (1 track): 1. Video: x.mp4 (0.5-2.5s)",
        );
    }

    #[test]
    fn accepts_floats_for_milliseconds() {
        check(
            r#"{"t":[{"tt":7,"sg":[{"st":0.0,"d":3000.0,"tx":"Hi"}]},{"tt":1,"sg":[{"d":1e4,"vol":33.333}]}]}"#,
            r#"Timeline (2 tracks): 1. Title: "Hi" (0-3s) 2. BGM (1 segment, 0-10s, 33.33%)"#,
        );
    }

    #[test]
    fn garbage_types_read_as_absent() {
        check(
            r#"{"t":[7,null,{"tt":"0","sg":"x"},{"tt":0,"sg":[{"d":"10","nm":[],"src":{}},"seg",{"tx":1,"st":-5,"d":-1}]}]}"#,
            "Timeline (4 tracks): 1. Track (0 segments) 2. Track (0 segments) 3. Track (0 segments) 4. Video (3 segments)",
        );
        check(r#"{"t":{"tt":0}}"#, "Timeline (0 tracks)");
    }

    #[test]
    fn unicode_text_stays_on_one_line() {
        check(
            r#"{"t":[{"tt":7,"sg":[{"d":1500,"tx":"Café\n🎬 \"Ω\""}]},{"tt":0,"sg":[{"d":1000,"src":"C:\\clips\\été.mov?x=1"}]},{"tt":7,"sg":[{"d":1,"tx":"\ud800"}]}]}"#,
            "Timeline (3 tracks): 1. Title: \"Café 🎬 \"Ω\"\" (0-1.5s) 2. Video: été.mov (0-1s) 3. Title: \"\u{fffd}\u{fffd}\u{fffd}\" (0-0s)",
        );
    }

    #[test]
    fn numbers_and_seconds_read_short() {
        assert_eq!([0, 949, 950, 2_500, 2_960, 10_000].map(seconds), ["0", "0.9", "1", "2.5", "3", "10"]);
        assert_eq!([35.0, 1.5, 0.25, -0.0, 2.0 / 3.0].map(number), ["35", "1.5", "0.25", "0", "0.67"]);
        assert_eq!(seconds(u64::MAX), "18446744073709551.6");
    }

    proptest! {
        #[test]
        fn never_panics_on_any_object(json in crate::draft::tests::any_object()) {
            let summary = Draft::from_json(json).unwrap().summary();
            prop_assert!(summary.starts_with("Timeline ("));
            prop_assert!(!summary.contains('\n'));
        }
    }
}
