//! Music mixed by loudness, not by a fixed fraction: a bed at 35 % of its file's own level
//! sat some 20 LU under a voice recorded at −21 LUFS and was ducked 10 dB more — inaudible.
//! So the speech and the music are measured (EBU R128 integrated loudness, ffmpeg's
//! `ebur128`: gated, so a talk's pauses do not pull it down), and the bed is set relative to
//! the speech: the track's volume is a fraction of the speech's loudness — the default 35 %
//! puts the music 9 LU under the voice between phrases — and while someone speaks a sidechain
//! compressor, keyed on the speech brought to −23 LUFS, takes about 6 dB more off: the bed
//! then sits some 15 LU under the voice. Those figures follow the broadcast and podcast
//! mixing guides, which put a music bed 15 to 20 dB under dialogue while it is spoken over
//! (enough for every word to carry) and let it come up to within 6 to 10 dB of the voice
//! between phrases, where it carries the piece; 15 LU is the audible end of that range, which
//! a phone's speaker needs. Music with no speech to follow (a muted or silent clip) is set to
//! −16 LUFS, the level the streaming platforms play mobile content at.

use std::process::Command;

use crate::graph::STEREO;
use crate::tools::Tools;

/// Where a music bed with nothing to follow is set, LUFS.
pub const ALONE_LUFS: f64 = -16.0;

/// Where the speech is brought, LUFS, before it keys the ducking compressor (so that the
/// compressor's fixed threshold means the same for a quiet and a loud recording).
pub const KEY_LUFS: f64 = -23.0;

/// The loudness music is matched to, LUFS: the speech's when the clips are heard (`None`
/// when it was not measured), else [`ALONE_LUFS`].
#[must_use]
pub fn reference(clips_heard: bool, speech: Option<f64>) -> Option<f64> {
    if clips_heard { speech } else { Some(ALONE_LUFS) }
}

/// The gain, dB, that puts music of loudness `music` (LUFS) at `reference`; 0 when either is
/// unknown (the file's own level, as before any was measured). The track's volume is applied
/// on top of it.
#[must_use]
pub fn matching_gain(reference: Option<f64>, music: Option<f64>) -> f64 {
    match (reference, music) {
        (Some(reference), Some(music)) => reference - music,
        _ => 0.0,
    }
}

/// The integrated loudness of the first sound of what `input` (ffmpeg's input options, up to
/// and including `-i …`) reads, made stereo as the mix makes every sound, LUFS; `None` when it
/// has none, is silent, or ffmpeg fails.
#[must_use]
pub fn measure(tools: &Tools, input: &[String]) -> Option<f64> {
    let output = Command::new(&tools.ffmpeg)
        .args(["-hide_banner", "-nostdin", "-nostats"])
        .args(input)
        .args(["-map", "0:a:0", "-af", &format!("{STEREO},ebur128=framelog=verbose"), "-f", "null", "-"])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    parse(&String::from_utf8_lossy(&output.stderr))
}

/// The integrated loudness in `ebur128`'s summary (`I: -21.7 LUFS`); `None` without one or for
/// silence (−70 LUFS, the absolute gate, or below).
#[must_use]
pub fn parse(log: &str) -> Option<f64> {
    let summary = &log[log.rfind("Integrated loudness")?..];
    let line = summary.lines().find(|line| line.trim_start().starts_with("I:"))?;
    let value: f64 = line.trim_start().strip_prefix("I:")?.trim().strip_suffix("LUFS")?.trim().parse().ok()?;
    (value.is_finite() && value > -70.0).then_some(value)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_bed_is_matched_to_the_speech_or_set_alone() {
        assert!((matching_gain(reference(true, Some(-21.7)), Some(-14.0)) + 7.7).abs() < 1e-9);
        assert!((matching_gain(reference(false, None), Some(-20.0)) - 4.0).abs() < 1e-9);
        assert!(matching_gain(reference(true, None), Some(-20.0)).abs() < 1e-9, "speech not measured");
        assert!(matching_gain(Some(-20.0), None).abs() < 1e-9);
    }

    #[test]
    fn reads_the_summary_and_not_silence() {
        let log = "[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -21.7 LUFS\n    \
                   Threshold: -32.0 LUFS\n\n  Loudness range:\n    LRA:         3.1 LU\n";
        assert_eq!(parse(log), Some(-21.7));
        assert_eq!(parse(&log.replace("-21.7", "-70.0")), None);
        assert_eq!(parse(&log.replace("-21.7", "-inf")), None);
        assert_eq!(parse("no summary"), None);
    }

    proptest! {
        #[test]
        fn any_log_reads_as_a_loudness_or_nothing(log in "\\PC{0,200}") {
            let _ = parse(&format!("Integrated loudness\n{log}"));
            let _ = parse(&log);
        }
    }
}
