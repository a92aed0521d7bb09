//! "remove the pauses", "remove silent parts", `去掉停顿`: every silent stretch of every clip
//! cut out of the timeline (needs the media engine to listen).

use serde_json::{Value, json};

use crate::draft::{Clip, Timeline, edit};
use crate::instruction::{About, Change, Context, Instruction, seconds};
use crate::media::MediaEngine;
use crate::words::Clause;

/// The instruction.
pub struct Pauses;

/// How it presents itself.
pub static ABOUT: About = About {
    tool: "remove_pauses",
    can: "remove the pauses",
    name: "remove pauses",
    examples: &["remove the pauses", "去掉停顿"],
    needs_video: true,
};

impl Instruction for Pauses {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn recognise(&self, clause: &Clause) -> Option<Value> {
        let words = ["pause", "pauses", "silence", "silences", "silent", "gaps"];
        (clause.has(&words) || clause.contains(&["停顿", "空白", "沉默"])).then(|| json!({}))
    }

    fn plan(&self, _args: &Value, context: &Context<'_>) -> Result<Change, String> {
        let engine = context.engine.ok_or_else(|| {
            "Removing pauses needs the offline media engine (ffmpeg), which this service does not have.".to_owned()
        })?;
        let ranges = pauses(context.draft(), engine)?;
        let removed: i64 = ranges.iter().map(|(from, to)| to - from).sum();
        let count = ranges.len();
        let args = json!({"ranges_ms": ranges});
        Ok(Change::edit(
            &ABOUT,
            args,
            context.draft(),
            move |draft| edit::remove_ranges(draft, &ranges),
            |after| {
                let noun = if count == 1 { "pause" } else { "pauses" };
                let long = seconds(edit::video_end(after));
                format!("Removed {count} {noun} ({} s); the video is now {long} seconds long.", seconds(removed))
            },
        ))
    }
}

/// The pauses of every clip, on the timeline, sorted and merged.
fn pauses(draft: &Value, engine: &dyn MediaEngine) -> Result<Vec<(i64, i64)>, String> {
    let clips = Timeline::read(draft).clips;
    let mut ranges = Vec::new();
    let mut heard = false;
    let mut sources: Vec<(String, Vec<(i64, i64)>)> = Vec::new();
    for clip in &clips {
        if !sources.iter().any(|(src, _)| *src == clip.src) {
            let probe = engine.probe(&clip.src).map_err(|e| format!("I could not read {}: {e}", clip.src))?;
            let silences = if probe.has_audio {
                heard = true;
                let found =
                    engine.silences(&clip.src).map_err(|e| format!("I could not listen to {}: {e}", clip.src))?;
                on_frames(&found, probe.fps)
            } else {
                Vec::new()
            };
            sources.push((clip.src.clone(), silences));
        }
        let silences = sources.iter().find(|(src, _)| *src == clip.src).map(|(_, s)| s.as_slice()).unwrap_or_default();
        ranges.extend(on_timeline(clip, silences));
    }
    if !heard {
        return Err("The video has no sound, so there are no pauses to find; I left it as it is.".into());
    }
    let ranges = merged(ranges);
    if ranges.is_empty() {
        return Err("I found no pauses to remove.".into());
    }
    Ok(ranges)
}

/// Silences with both ends moved to the nearest frame of a `fps` source, so that every
/// stretch kept between them is a whole number of frames: the muxer then never carries a
/// fraction of a frame from one stretch to the next, and the sound stays on the picture
/// however many pauses are cut (without it the sound drifted −46 ms over 27 cuts).
fn on_frames(silences: &[(i64, i64)], fps: Option<f64>) -> Vec<(i64, i64)> {
    let Some(frame) = fps.filter(|fps| *fps > 0.0).map(|fps| 1000.0 / fps) else { return silences.to_vec() };
    let snap = |ms: i64| ((ms as f64 / frame).round() * frame).round() as i64;
    silences.iter().map(|&(from, to)| (snap(from), snap(to))).filter(|(from, to)| to > from).collect()
}

/// A clip's source silences as timeline ranges (only the parts the clip shows).
fn on_timeline(clip: &Clip, silences: &[(i64, i64)]) -> Vec<(i64, i64)> {
    silences.iter().filter_map(|&(from, to)| clip.shows(from, to)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silences_map_onto_the_timeline_through_in_points_and_speed() {
        let clip = Clip {
            src: "a".into(),
            st: 1000,
            d: 2000,
            in_ms: 4000,
            sp: 2.0,
            vol: 100.0,
            fade_ms: 0,
            cross: None,
            still: false,
        };
        assert_eq!(
            on_timeline(&clip, &[(0, 500), (3000, 5000), (6000, 7000), (7500, 9000)]),
            [(1000, 1500), (2000, 2500), (2750, 3000)]
        );
        assert_eq!(merged(vec![(5, 9), (1, 3), (2, 4)]), [(1, 4), (5, 9)]);
    }

    #[test]
    fn silences_are_moved_to_whole_frames_so_every_kept_stretch_is_whole_frames() {
        let snapped = on_frames(&[(1_520, 2_480), (4_010, 4_012), (5_555, 6_000)], Some(30.0));
        assert_eq!(snapped, [(1_533, 2_467), (5_567, 6_000)], "a silence shorter than a frame is gone");
        let frame = 1000.0 / 30.0;
        for (from, to) in &snapped {
            for bound in [*from, *to] {
                let frames = f64::from(i32::try_from(bound).unwrap_or(0)) / frame;
                assert!((frames - frames.round()).abs() * frame < 0.5, "{bound} ms is on a frame");
            }
        }
        assert_eq!(on_frames(&[(1, 2)], None), [(1, 2)]);
    }
}
