//! Reading the draft (the short keys of `docs/draft-keys.md`) into typed values: the video
//! clips in timeline order, the titles, the audio tracks and the canvas — what a render needs
//! and what the instructions plan against. Tolerant like the core's view: a missing or
//! mistyped key reads as its default (the defaults of [`super`]).

use serde_json::Value;

use super::{
    BLACK, CAPTIONS_ROLE, CLIP_VOLUME, DISSOLVE, FADE, FIT_BLUR, FIT_CROP, HIGH_QUALITY, MUSIC_VOLUME, TITLE_POSITION,
    TrackType,
};

/// A video segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Clip {
    /// The source file.
    pub src: String,
    /// Start on the timeline, ms.
    pub st: i64,
    /// In-point in the source, ms.
    pub in_ms: i64,
    /// Duration on the timeline, ms.
    pub d: i64,
    /// Speed factor (`sp`, default 1).
    pub sp: f64,
    /// Volume percent (`vol`, default 100).
    pub vol: f64,
    /// A dip to black into this clip (`fx: {"in": "fade", "ms": N}`), ms: the clip before
    /// fades out and this one in, each over half, the clips' lengths kept.
    pub fade_ms: i64,
    /// A transition centred on the cut into this clip (`fx: {"in": "dissolve" | "black",
    /// "ms": N}`): the clips overlap for N ms around the cut, each lengthened by half of it
    /// from its source, so the timeline keeps its length.
    pub cross: Option<Cross>,
    /// A still picture (`"still": true`: a photo, or a title card's background), shown for
    /// `d` with a gentle zoom; it has no sound and any length of it can be shown.
    pub still: bool,
}

impl Clip {
    /// How much of its source the clip shows, ms: its length times its speed.
    #[must_use]
    pub fn source_span(&self) -> i64 {
        (self.d as f64 * self.sp).round() as i64
    }

    /// The part of `[from, to)` (its source's ms) that the clip shows, placed on the
    /// timeline; `None` when it shows none of it.
    #[must_use]
    pub fn shows(&self, from: i64, to: i64) -> Option<(i64, i64)> {
        let (a, b) = (from.max(self.in_ms), to.min(self.in_ms + self.source_span()));
        let at = |source: i64| self.st + ((source - self.in_ms) as f64 / self.sp).round() as i64;
        Some((at(a), at(b))).filter(|(start, end)| b > a && end > start)
    }
}

/// A transition centred on a cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cross {
    /// How long, ms (the engine shortens it where a clip or its source is too short).
    pub ms: i64,
    /// Through black (`"black"`) rather than a dissolve (`"dissolve"`).
    pub black: bool,
}

/// A text segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    /// The text.
    pub text: String,
    /// Start on the timeline, ms.
    pub st: i64,
    /// Duration, ms.
    pub d: i64,
    /// `top`, `center` (default) or `bottom`.
    pub pos: String,
    /// A caption (a segment of a `subtitle` track), drawn in the lower part, not a title.
    pub caption: bool,
}

/// An audio segment (background music or any other audio track).
#[derive(Debug, Clone, PartialEq)]
pub struct Music {
    /// The source: a file, or a library name such as `lofi.mp3` (rendered as a soft generated chord).
    pub src: String,
    /// In-point in the source, ms.
    pub in_ms: i64,
    /// Start on the timeline, ms.
    pub st: i64,
    /// Duration, ms.
    pub d: i64,
    /// Volume percent (`vol`, default 35 for music).
    pub vol: f64,
}

/// What a draft asks to render.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// The video, played in order, end to end.
    pub clips: Vec<Clip>,
    /// The titles.
    pub titles: Vec<Title>,
    /// The audio tracks' segments.
    pub music: Vec<Music>,
    /// The canvas (`m.width` × `m.height`), when set.
    pub canvas: Option<(u32, u32)>,
    /// How a picture of another shape fills the canvas (`m.fit`).
    pub fit: Fit,
    /// The render in high quality (`m.quality: "high"`), else the quick default.
    pub high_quality: bool,
}

/// How a picture of another shape fills the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fit {
    /// Letterboxed with black bars (`"pad"`, or no `m.fit`).
    #[default]
    Pad,
    /// Cropped to fill (`"crop"`).
    Crop,
    /// Fitted over a blurred, zoomed copy of itself (`"blur"`).
    Blur,
}

impl Timeline {
    /// Reads a draft's JSON text; `None` when it is not JSON.
    #[must_use]
    pub fn parse(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok().map(|draft: Value| Self::read(&draft))
    }

    /// Reads a draft.
    #[must_use]
    pub fn read(draft: &Value) -> Self {
        let mut timeline = Self::default();
        let tracks = draft.get("t").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for track in tracks {
            let segments = track.get("sg").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            match track.get("tt").and_then(Value::as_f64).and_then(TrackType::from_code) {
                Some(TrackType::Video) => {
                    let mut clips: Vec<Clip> = segments.iter().filter_map(clip).collect();
                    clips.sort_by_key(|clip| clip.st);
                    timeline.clips.extend(clips);
                }
                Some(TrackType::Audio) => timeline.music.extend(segments.iter().filter_map(music)),
                Some(TrackType::Text) => {
                    let caption = track.pointer("/m/role").and_then(Value::as_str) == Some(CAPTIONS_ROLE);
                    timeline.titles.extend(segments.iter().filter_map(title).map(|title| Title { caption, ..title }));
                }
                None => {}
            }
        }
        let size =
            |key: &str| draft.pointer(&format!("/m/{key}")).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
        timeline.canvas = size("width").zip(size("height")).filter(|(w, h)| *w > 0 && *h > 0);
        timeline.high_quality = draft.pointer("/m/quality").and_then(Value::as_str) == Some(HIGH_QUALITY);
        timeline.fit = match draft.pointer("/m/fit").and_then(Value::as_str) {
            Some(FIT_BLUR) => Fit::Blur,
            Some(FIT_CROP) => Fit::Crop,
            _ => Fit::Pad,
        };
        timeline
    }

    /// The canvas when a render starts from a still (a photo or a card): `m.width` ×
    /// `m.height`, else 1920×1080.
    #[must_use]
    pub fn still_canvas(&self) -> (u32, u32) {
        self.canvas.unwrap_or((1920, 1080))
    }

    /// The video's length, ms.
    #[must_use]
    pub fn duration_ms(&self) -> i64 {
        self.clips.iter().map(|clip| clip.d).sum()
    }
}

fn ms(segment: &Value, key: &str) -> i64 {
    segment.get(key).and_then(Value::as_f64).map_or(0, |n| n.round() as i64)
}

fn number(segment: &Value, key: &str, default: f64) -> f64 {
    segment.get(key).and_then(Value::as_f64).filter(|n| n.is_finite() && *n >= 0.0).unwrap_or(default)
}

fn clip(segment: &Value) -> Option<Clip> {
    let src = segment.get("src")?.as_str()?.to_owned();
    let d = ms(segment, "d");
    let fx = segment.get("fx");
    let kind = fx.and_then(|fx| fx.get("in")).and_then(Value::as_str);
    let fx_ms = fx.map_or(0, |fx| ms(fx, "ms").max(0));
    let clip = Clip {
        src,
        st: ms(segment, "st"),
        in_ms: ms(segment, "in").max(0),
        d,
        sp: number(segment, "sp", 1.0).max(0.01),
        vol: number(segment, "vol", CLIP_VOLUME),
        fade_ms: if kind == Some(FADE) { fx_ms } else { 0 },
        cross: match kind {
            Some(DISSOLVE) if fx_ms > 0 => Some(Cross { ms: fx_ms, black: false }),
            Some(BLACK) if fx_ms > 0 => Some(Cross { ms: fx_ms, black: true }),
            _ => None,
        },
        still: segment.get("still").and_then(Value::as_bool) == Some(true),
    };
    (d > 0).then_some(clip)
}

fn title(segment: &Value) -> Option<Title> {
    let text = segment.get("tx")?.as_str()?.to_owned();
    let pos = segment.get("pos").and_then(Value::as_str).unwrap_or(TITLE_POSITION).to_owned();
    let d = ms(segment, "d");
    (d > 0 && !text.trim().is_empty()).then(|| Title { text, st: ms(segment, "st").max(0), d, pos, caption: false })
}

fn music(segment: &Value) -> Option<Music> {
    let src = segment.get("src")?.as_str()?.to_owned();
    let d = ms(segment, "d");
    let music = Music {
        src,
        in_ms: ms(segment, "in").max(0),
        st: ms(segment, "st").max(0),
        d,
        vol: number(segment, "vol", f64::from(MUSIC_VOLUME)),
    };
    (d > 0 && music.vol > 0.0).then_some(music)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_clips_in_timeline_order_titles_music_and_the_canvas() {
        let json = r#"{"t": [
            {"tt": 0, "sg": [{"src": "/b.mp4", "st": 2000, "d": 1000, "in": 500, "fx": {"in": "fade", "ms": 500}},
                             {"src": "/a.mp4", "st": 0, "d": 2000, "sp": 2, "vol": 0}]},
            {"tt": 7, "m": {"role": "title"}, "sg": [{"tx": "Hi", "st": 0, "d": 3000}]},
            {"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": "lofi.mp3", "st": 0, "d": 3000, "in": 0}]}
        ], "m": {"ratio": "9:16", "width": 1080, "height": 1920}}"#;
        let timeline = Timeline::parse(json).unwrap_or_default();
        assert_eq!(timeline.clips.iter().map(|c| c.src.as_str()).collect::<Vec<_>>(), ["/a.mp4", "/b.mp4"]);
        assert_eq!((timeline.clips[0].sp, timeline.clips[0].vol, timeline.clips[1].fade_ms), (2.0, 0.0, 500));
        assert_eq!(timeline.titles[0].pos, "center");
        assert_eq!(timeline.music[0].vol, 35.0);
        assert_eq!(timeline.canvas, Some((1080, 1920)));
        assert_eq!(timeline.duration_ms(), 3000);
    }
}
