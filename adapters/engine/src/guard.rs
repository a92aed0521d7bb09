//! The smart render's guard: before a smart render counts as done, its output's video stream
//! is counted and measured against the plan — from the MP4 header read in this process
//! (`mp4`: the track's sample count and media length, no ffprobe start), else with
//! `ffprobe -count_packets` (packets read, not decoded). A file that holds fewer or
//! more frames, or lasts longer or shorter than a frame's slack, is not a success: the render
//! runs again in full ([`crate::render`] does that), and the log says why.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::mp4::{self, Kind};
use crate::tools::Tools;

/// What a smart render's output must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// Video frames (one packet each).
    pub frames: usize,
    /// The video stream's length, ms.
    pub duration_ms: f64,
    /// The time between frames, ms: the slack allowed on the length.
    pub frame_ms: f64,
}

/// Checks the file at `path` against `expected`.
///
/// # Errors
/// A sentence saying what is wrong with the file (or that it cannot be read).
pub fn check(tools: &Tools, path: &str, expected: &Expected) -> Result<(), String> {
    let found = match header(path) {
        Some(found) => found,
        None => counted(tools, path)?,
    };
    judge(found, expected)
}

/// The video track's sample count and media length (ms) in the MP4 header of `path`.
fn header(path: &str) -> Option<(usize, f64)> {
    let movie = mp4::parse(&mp4::read_moov(Path::new(path)).ok()??)?;
    let track = movie.tracks.iter().find(|track| track.kind == Kind::Video)?;
    let length = track.media_duration as f64 * 1000.0 / f64::from(track.timescale.max(1));
    Some((usize::try_from(track.samples).ok()?, length))
}

/// The packet count and length (ms) of the video stream as ffprobe counts them.
fn counted(tools: &Tools, path: &str) -> Result<(usize, f64), String> {
    let output = Command::new(&tools.ffprobe)
        .args(["-v", "error", "-select_streams", "v:0", "-count_packets", "-of", "json", "-show_entries"])
        .arg("stream=nb_read_packets,duration")
        .arg("--")
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run {} to check the output: {e}", tools.ffprobe.display()))?;
    if !output.status.success() {
        return Err("ffprobe cannot read the output".into());
    }
    parse(&String::from_utf8_lossy(&output.stdout)).ok_or_else(|| "the output has no readable video stream".into())
}

/// The packet count and length (ms) of the video stream in ffprobe's JSON.
fn parse(json: &str) -> Option<(usize, f64)> {
    let value: Value = serde_json::from_str(json).ok()?;
    let stream = value.get("streams")?.as_array()?.first()?;
    let number = |key: &str| stream.get(key)?.as_str()?.parse::<f64>().ok().filter(|n| n.is_finite());
    let packets = number("nb_read_packets")?;
    Some((packets as usize, number("duration")? * 1000.0))
}

/// Whether `(frames, duration_ms)` is what was expected.
fn judge((frames, duration_ms): (usize, f64), expected: &Expected) -> Result<(), String> {
    if frames != expected.frames {
        return Err(format!("the output holds {frames} frames, not the {} planned", expected.frames));
    }
    if (duration_ms - expected.duration_ms).abs() > expected.frame_ms + 1.0 {
        return Err(format!(
            "the output's picture lasts {:.3} s, not the {:.3} s planned",
            duration_ms / 1000.0,
            expected.duration_ms / 1000.0
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const PLANNED: Expected = Expected { frames: 300, duration_ms: 10_000.0, frame_ms: 1000.0 / 30.0 };

    #[test]
    fn a_short_or_long_output_is_refused_and_says_why() {
        assert_eq!(judge((300, 10_000.0), &PLANNED), Ok(()));
        assert_eq!(judge((300, 10_033.0), &PLANNED), Ok(()), "a frame's slack");
        let short = judge((60, 2_000.0), &PLANNED).err().unwrap_or_default();
        assert!(short.contains("60 frames, not the 300"), "{short}");
        let long = judge((300, 12_000.0), &PLANNED).err().unwrap_or_default();
        assert!(long.contains("12.000 s, not the 10.000 s"), "{long}");
    }

    #[test]
    fn reads_ffprobes_count_and_length() {
        let json = r#"{"programs":[],"streams":[{"duration":"10.000000","nb_read_packets":"300"}]}"#;
        assert_eq!(parse(json), Some((300, 10_000.0)));
        assert_eq!(parse(r#"{"streams":[{"duration":"N/A","nb_read_packets":"3"}]}"#), None);
        assert_eq!(parse(r#"{"streams":[]}"#), None);
    }

    proptest! {
        #[test]
        fn any_text_reads_as_a_count_or_nothing(text in "\\PC{0,120}") {
            let _ = parse(&text);
        }
    }
}
