//! A read-only, typed view of a draft's timeline for summaries and diffs. Reading is tolerant:
//! a key that is missing or holds the wrong type reads as absent, and nothing ever fails.

use serde_json::value::RawValue;

use super::raw;
use super::segment_text::segment_text;

/// The timeline of a draft: its tracks in stacking order and its metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// One entry per element of `t`, in order (an element that is not an object reads as a
    /// track of [`TrackKind::Unknown`] with nothing in it).
    pub tracks: Vec<Track>,
    /// Total duration (`d`), in milliseconds.
    pub duration_ms: Option<u64>,
    /// Aspect ratio (`m.ratio`), for example `"9:16"`.
    pub ratio: Option<String>,
    /// Canvas width in pixels (`m.width`).
    pub width: Option<u64>,
    /// Canvas height in pixels (`m.height`).
    pub height: Option<u64>,
    /// The draft's title (`m.title`).
    pub title: Option<String>,
}

/// One track of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// What the track holds (`tt`).
    pub kind: TrackKind,
    /// Its role (`m.role`): `"bgm"`, `"voice"`, `"title"`, `"subtitle"`, or anything else.
    pub role: Option<String>,
    /// Its display name (`m.name`).
    pub name: Option<String>,
    /// Its duration (`d`), in milliseconds.
    pub duration_ms: Option<u64>,
    /// One entry per element of `sg`, in order (an element that is not an object reads as a
    /// segment with nothing in it).
    pub segments: Vec<Segment>,
}

/// The track type (`tt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackKind {
    /// `tt` 0.
    Video,
    /// `tt` 1.
    Audio,
    /// `tt` 7: titles and subtitles.
    Text,
    /// Any other integer `tt`.
    Other(i64),
    /// No `tt`, or one that is not an integer.
    Unknown,
}

/// One segment of a track. Only `d` is a published key; the others are this project's own
/// (see `docs/draft-keys.md`) and are absent in drafts that do not use them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Segment {
    /// Start on the timeline (`st`), in milliseconds.
    pub start_ms: Option<u64>,
    /// Duration on the timeline (`d`), in milliseconds.
    pub duration_ms: Option<u64>,
    /// In-point in the source (`in`), in milliseconds.
    pub in_ms: Option<u64>,
    /// The source asset (`src`): a file name or URL.
    pub source: Option<String>,
    /// Display name (`nm`).
    pub name: Option<String>,
    /// The text shown (`tx`; on text tracks also `text`, `content` or another string that
    /// reads as display text, see `docs/draft-keys.md`).
    pub text: Option<String>,
    /// Volume in percent (`vol`); 0 is muted.
    pub volume: Option<f64>,
    /// Playback speed factor (`sp`).
    pub speed: Option<f64>,
    /// The transition into it (`fx.in`: `fade`, `dissolve`, `black`…), when it has one.
    pub transition: Option<String>,
}

impl TrackKind {
    fn from_tt(tt: Option<i64>) -> Self {
        match tt {
            Some(0) => Self::Video,
            Some(1) => Self::Audio,
            Some(7) => Self::Text,
            Some(n) => Self::Other(n),
            None => Self::Unknown,
        }
    }
}

impl Timeline {
    /// Reads the timeline out of a draft's JSON text.
    pub(super) fn read(draft: &RawValue) -> Self {
        let mut timeline = Self::default();
        let (mut tracks, mut meta) = (None, None);
        for (key, value) in raw::members(draft).unwrap_or_default() {
            match key.as_ref() {
                b"t" => tracks = Some(value),
                b"d" => timeline.duration_ms = raw::whole(value),
                b"m" => meta = Some(value),
                _ => {}
            }
        }
        let tracks = tracks.and_then(raw::objects).unwrap_or_default();
        timeline.tracks = tracks.into_iter().map(Track::read).collect();
        for (key, value) in meta.and_then(raw::members).unwrap_or_default() {
            match key.as_ref() {
                b"ratio" => timeline.ratio = raw::text(value),
                b"width" => timeline.width = raw::whole(value),
                b"height" => timeline.height = raw::whole(value),
                b"title" => timeline.title = raw::text(value),
                _ => {}
            }
        }
        timeline
    }
}

impl Track {
    fn read(track: Option<raw::Members<'_>>) -> Self {
        let (mut tt, mut duration_ms, mut segments, mut meta) = (None, None, None, None);
        for (key, value) in track.unwrap_or_default() {
            match key.as_ref() {
                b"tt" => tt = raw::integer(value),
                b"sg" => segments = Some(value),
                b"d" => duration_ms = raw::whole(value),
                b"m" => meta = Some(value),
                _ => {}
            }
        }
        let kind = TrackKind::from_tt(tt);
        let segments = segments
            .and_then(raw::objects)
            .unwrap_or_default()
            .into_iter()
            .map(|segment| Segment::read(segment, kind == TrackKind::Text))
            .collect();
        let (mut role, mut name) = (None, None);
        for (key, value) in meta.and_then(raw::members).unwrap_or_default() {
            match key.as_ref() {
                b"role" => role = raw::text(value),
                b"name" => name = raw::text(value),
                _ => {}
            }
        }
        Self { kind, role, name, duration_ms, segments }
    }
}

impl Segment {
    /// Reads a segment; on a text track its text is found under other keys too, when `tx` has
    /// none ([`segment_text`]).
    fn read(segment: Option<raw::Members<'_>>, on_text_track: bool) -> Self {
        let mut s = Self::default();
        let members = segment.unwrap_or_default();
        if on_text_track {
            s.text = segment_text(&members);
        }
        for (key, value) in members {
            match key.as_ref() {
                b"st" => s.start_ms = raw::whole(value),
                b"d" => s.duration_ms = raw::whole(value),
                b"in" => s.in_ms = raw::whole(value),
                b"src" => s.source = raw::text(value),
                b"nm" => s.name = raw::text(value),
                b"tx" if !on_text_track => s.text = raw::text(value),
                b"vol" => s.volume = raw::number(value),
                b"sp" => s.speed = raw::number(value),
                b"fx" => s.transition = raw::member(value, b"in").and_then(raw::text),
                _ => {}
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::Draft;
    use proptest::prelude::*;

    fn timeline(json: &str) -> Timeline {
        Draft::from_json(json).unwrap().timeline()
    }

    #[test]
    fn reads_the_published_and_project_keys() {
        let t = timeline(
            r#"{"d":10000,"m":{"title":"Trip","ratio":"9:16","width":1080,"height":1920},"t":[
                {"tt":0,"d":10000,"m":{"name":"Main"},"sg":[{"st":0,"d":10000,"in":500,"src":"a/city.mp4","nm":"city","vol":80,"sp":1.5}]},
                {"tt":7,"m":{"role":"title"},"sg":[{"d":3000.0,"tx":"Héllo 🎬"}]}]}"#,
        );
        assert_eq!(
            (t.duration_ms, t.ratio.as_deref(), t.width, t.height),
            (Some(10000), Some("9:16"), Some(1080), Some(1920))
        );
        assert_eq!(t.title.as_deref(), Some("Trip"));
        let video = &t.tracks[0];
        assert_eq!(
            (video.kind, video.name.as_deref(), video.duration_ms),
            (TrackKind::Video, Some("Main"), Some(10000))
        );
        assert_eq!(
            video.segments[0],
            Segment {
                start_ms: Some(0),
                duration_ms: Some(10000),
                in_ms: Some(500),
                source: Some("a/city.mp4".into()),
                name: Some("city".into()),
                text: None,
                volume: Some(80.0),
                speed: Some(1.5),
                transition: None,
            }
        );
        let title = &t.tracks[1];
        assert_eq!((title.kind, title.role.as_deref()), (TrackKind::Text, Some("title")));
        assert_eq!((title.segments[0].duration_ms, title.segments[0].text.as_deref()), (Some(3000), Some("Héllo 🎬")));
    }

    #[test]
    fn wrong_types_read_as_absent() {
        let t = timeline(
            r#"{"d":"long","m":[1],"t":[
                5, {"tt":"0","sg":{"d":1}}, {"tt":1.0,"m":"x","sg":[7,{"d":-3,"st":true,"nm":4,"vol":"loud","sp":1e400}]},
                {"tt":42,"sg":null}, {"tt":2.5}]}"#,
        );
        assert_eq!(t.duration_ms, None);
        let kinds: Vec<TrackKind> = t.tracks.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [TrackKind::Unknown, TrackKind::Unknown, TrackKind::Audio, TrackKind::Other(42), TrackKind::Unknown]
        );
        assert!(t.tracks[1].segments.is_empty());
        assert_eq!(t.tracks[2].segments, [Segment::default(), Segment::default()]);
        assert_eq!(timeline(r#"{"t":"x"}"#), Timeline::default());
    }

    proptest! {
        #[test]
        fn never_panics_on_any_object(json in crate::draft::tests::any_object()) {
            let draft = Draft::from_json(json).unwrap();
            let t = draft.timeline();
            prop_assert!(t.tracks.len() <= draft.as_json().len());
        }
    }
}
