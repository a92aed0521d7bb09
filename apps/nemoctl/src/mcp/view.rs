//! The timeline's tracks and length as the `tracks` and `edit` tools show them: what the
//! CLI's JSON (the daemon's wire views, reused) does not already shape.

use nemo_core::draft::{Timeline, Track, TrackKind};
use serde_json::{Value, json};

/// The timeline's length in seconds, when the draft says.
pub fn duration_s(timeline: &Timeline) -> Option<f64> {
    seconds(timeline.duration_ms)
}

/// Milliseconds as seconds.
fn seconds(ms: Option<u64>) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    ms.map(|ms| ms as f64 / 1000.0)
}

/// One track: its kind, role, name, length and segments.
pub fn track(track: &Track) -> Value {
    let kind = match track.kind {
        TrackKind::Video => "video".to_owned(),
        TrackKind::Audio => "audio".to_owned(),
        TrackKind::Text => "text".to_owned(),
        TrackKind::Other(n) => format!("type {n}"),
        TrackKind::Unknown => "unknown".to_owned(),
    };
    let segments: Vec<Value> = track
        .segments
        .iter()
        .map(|s| {
            json!({
                "start_s": seconds(s.start_ms),
                "duration_s": seconds(s.duration_ms),
                "source": s.source,
                "text": s.text,
                "volume": s.volume,
                "speed": s.speed,
            })
        })
        .collect();
    json!({
        "kind": kind,
        "role": track.role,
        "name": track.name,
        "duration_s": seconds(track.duration_ms),
        "segments": segments,
    })
}
