//! Finding the pauses to cut with ffmpeg's `silencedetect`, and turning its log into ranges.
//!
//! The filter runs as `silencedetect=noise=0.04:d=0.5`: audio quieter than **4 % of full
//! scale** (−28 dBFS) for at least **0.5 s** is a silence. Each silence is then shrunk by a
//! **margin of 0.05 s** on every side that touches sound, so words are not clipped; the rest is
//! cut. Compared with auto-editor's defaults: the same 4 % threshold (auto-editor measures it
//! against the loudest point of the file; silencedetect against full scale, which is the same
//! for well-levelled speech and stricter for quiet recordings), and smaller margins (auto-editor
//! keeps 0.2 s on each side, which leaves 0.4 s of every pause; 0.05 s makes a tight jump cut).
//! On `samples/clip.mp4` (pauses at 1.5–2.5 s and 4.0–5.0 s) this removes 2 × 0.9 s = 1.8 s,
//! leaving 4.2 s.
//!
//! [`analyse`] finds them in this process when it can (`sound`: an MP4's AAC sound, the
//! common upload) and with ffmpeg otherwise ([`detect`], read by [`parse`]): the same rule
//! either way.

use std::path::Path;
use std::process::Command;

use nemo_editor::EngineError;

use crate::sound;
use crate::tools::Tools;

/// A silence in ms: where it starts and where the sound comes back (`None`: it never did).
pub type Silence = (i64, Option<i64>);

/// Quieter than this amplitude (of full scale) is silence.
pub const THRESHOLD: f64 = 0.04;
/// Silences shorter than this (seconds) are left alone.
pub const MIN_SILENCE_S: f64 = 0.5;
/// Sound kept on each side of a cut, in ms.
pub const MARGIN_MS: i64 = 50;

/// The silences of `path`'s sound: decoded in this process when [`sound`] can read it, else
/// by ffmpeg's `silencedetect`.
///
/// # Errors
/// As [`detect`], when ffmpeg is needed.
pub fn analyse(tools: &Tools, path: &str) -> Result<Vec<Silence>, EngineError> {
    match sound::silences(Path::new(path), THRESHOLD as f32, MIN_SILENCE_S) {
        Some(found) => Ok(found),
        None => detect(tools, path).map(|log| parse(&log)),
    }
}

/// Runs `silencedetect` over `path`'s audio and returns its log (read it with [`parse`]).
///
/// # Errors
/// [`EngineError::Unreadable`] when ffmpeg cannot read the audio, [`EngineError::MissingTool`].
pub fn detect(tools: &Tools, path: &str) -> Result<String, EngineError> {
    let filter = format!("silencedetect=noise={THRESHOLD}:d={MIN_SILENCE_S}");
    let output = Command::new(&tools.ffmpeg)
        .args(["-hide_banner", "-nostdin", "-nostats", "-i"])
        .arg(path)
        .args(["-vn", "-af", &filter, "-f", "null", "-"])
        .output()
        .map_err(|e| EngineError::MissingTool(format!("cannot run {}: {e}", tools.ffmpeg.display())))?;
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        let reason = log.lines().last().unwrap_or("unknown error").trim();
        return Err(EngineError::Unreadable(format!("cannot read the sound of {path} ({reason})")));
    }
    Ok(log)
}

/// The silences in a `silencedetect` log, in ms: `silence_start: X` opens one, the next
/// `silence_end: Y` closes it; one still open at the end has no end. Total: anything else is
/// ignored.
#[must_use]
pub fn parse(log: &str) -> Vec<Silence> {
    let mut found = Vec::new();
    let mut open = None;
    for line in log.lines() {
        if let Some(start) = value_after(line, "silence_start:") {
            open = Some(start);
        } else if let Some(end) = value_after(line, "silence_end:") {
            let start = open.take().unwrap_or(0);
            found.push((start, Some(end)));
        }
    }
    found.extend(open.map(|start| (start, None)));
    found
}

/// The silences of a file `duration_ms` long as ranges: one still open closes at the end;
/// empty ones are dropped.
#[must_use]
pub fn closed(silences: &[Silence], duration_ms: i64) -> Vec<(i64, i64)> {
    silences
        .iter()
        .map(|&(start, end)| (start, end.unwrap_or(duration_ms).min(duration_ms)))
        .filter(|(start, end)| end > start)
        .collect()
}

/// The number (seconds) right after `key` on the line, in ms (negative clamps to 0).
fn value_after(line: &str, key: &str) -> Option<i64> {
    let rest = line.split_once(key)?.1.trim_start();
    let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e')).collect();
    let seconds = number.parse::<f64>().ok().filter(|s| s.is_finite())?;
    Some((seconds.max(0.0) * 1000.0).round() as i64)
}

/// The silences shrunk by [`MARGIN_MS`] where they touch sound (not at the file's start or
/// end); what is left empty is dropped.
#[must_use]
pub fn cuts(silences: &[(i64, i64)], duration_ms: i64) -> Vec<(i64, i64)> {
    silences
        .iter()
        .map(|&(start, end)| {
            let start = if start <= 0 { 0 } else { start + MARGIN_MS };
            let end = if end >= duration_ms { duration_ms } else { end - MARGIN_MS };
            (start, end)
        })
        .filter(|(start, end)| end > start)
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const LOG: &str = "\
[silencedetect @ 0x55d] silence_start: 1.50127
[silencedetect @ 0x55d] silence_end: 2.49651 | silence_duration: 0.99524
size=N/A time=00:00:06.00 bitrate=N/A speed= 402x
[silencedetect @ 0x55d] silence_start: 4.0013
[silencedetect @ 0x55d] silence_end: 4.99651 | silence_duration: 0.995
[silencedetect @ 0x55d] silence_start: 5.8
";

    #[test]
    fn reads_starts_and_ends_and_closes_a_trailing_silence_at_the_end() {
        assert_eq!(closed(&parse(LOG), 6000), [(1501, 2497), (4001, 4997), (5800, 6000)]);
        assert_eq!(closed(&parse("silence_start: -0.01\nsilence_end: 0.7"), 6000), [(0, 700)]);
        assert_eq!(closed(&parse("silence_start: 7.5"), 6000), []);
    }

    #[test]
    fn margins_keep_sound_on_each_side_but_not_past_the_ends() {
        assert_eq!(
            cuts(&[(0, 700), (1500, 2500), (1000, 1080), (5800, 6000)], 6000),
            [(0, 650), (1550, 2450), (5850, 6000)]
        );
    }

    proptest! {
        #[test]
        fn any_log_gives_ordered_ranges_within_the_file(log in "(silence_start: [0-9.e-]{0,6}\n|silence_end: [0-9.]{0,6}\n|junk\n|\\PC{0,10}){0,12}", duration in 0i64..100_000) {
            for (start, end) in cuts(&closed(&parse(&log), duration), duration) {
                prop_assert!(start < end);
                prop_assert!(start >= 0);
            }
        }
    }
}
