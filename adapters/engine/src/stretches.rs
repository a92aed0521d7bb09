//! A timeline that is one file with stretches left out — what removing pauses or cutting A–B
//! leaves — as ONE chain per stream instead of a `trim` per clip joined by `concat`: `select`
//! keeps the frames of the kept stretches and `setpts` closes the gaps between them.
//!
//! The joins land exactly where the cuts are: `concat` rounds every clip up to a whole frame
//! of picture and pads its sound to match (on the 6 s sample at 15 fps the sound came back
//! 50 ms late after each join), while here a kept frame keeps its own time less the gaps
//! before it. Sound is selected a frame at a time (1024 samples: 23 ms at 44.1 kHz), then the
//! resampler holds it to its timestamps to the millisecond
//! (`aresample=async=1:min_hard_comp=0.001`), dropping the overlap or filling the gap a frame
//! leaves at a join — so the samples a player plays line up with the picture however many
//! cuts there are (`tests/it/engine.rs` decodes the output and finds every join within 30 ms
//! on a clip with six). Without the resampler the sound drifted ~18 ms a join. ffmpeg runs
//! this in about the time of the concat of trims.

use std::fmt::Write;

use crate::graph::secs;
use nemo_editor::draft::Clip;

/// The stretches `[start, end)` (ms, in the input's time) that clips `clips` keep of the ONE
/// input they are all cut from — `uses[i]` is clip `i`'s input and offset in it — when they
/// qualify: two or more clips of one file, in order without overlapping, at normal speed,
/// without fades or transitions, at one volume. `None` otherwise: they are joined clip by clip.
#[must_use]
pub fn kept(clips: &[Clip], uses: &[(usize, i64)]) -> Option<(usize, Vec<(i64, i64)>)> {
    let first = clips.first()?;
    let input = uses.first()?.0;
    if clips.len() < 2 || uses.len() != clips.len() {
        return None;
    }
    let plain = |clip: &Clip| {
        clip.src == first.src
            && (clip.sp - 1.0).abs() < 1e-9
            && clip.fade_ms == 0
            && clip.cross.is_none()
            && clip.vol == first.vol
    };
    if !clips.iter().all(plain) || uses.iter().any(|(other, _)| *other != input) {
        return None;
    }
    let stretches: Vec<(i64, i64)> =
        clips.iter().zip(uses).map(|(clip, (_, offset))| (*offset, offset + clip.d)).collect();
    let in_order = stretches.windows(2).all(|pair| pair[0].1 <= pair[1].0);
    let positive = stretches.iter().all(|(start, end)| end > start && *start >= 0);
    (in_order && positive).then_some((input, stretches))
}

/// How much earlier than a stretch's bounds a picture's frames are counted in, ms: half a
/// frame at `fps` (0 when it is unknown). A stretch cut on whole frames has its bounds in whole
/// milliseconds, each up to half a millisecond off its frame's time (frame 359 at 30 fps is at
/// 11966.67 ms, its cut at 11967): counted from half a frame earlier, the stretch keeps the
/// frames it was cut on — as many as its length holds — instead of losing or gaining one at
/// a bound and slipping a frame from its sound.
#[must_use]
pub fn frame_lead_ms(fps: f64) -> i64 {
    if fps > 0.0 { (500.0 / fps).floor() as i64 } else { 0 }
}

/// The `select`/`aselect` expression keeping a frame whose time `t` is in a stretch.
#[must_use]
pub fn keep(stretches: &[(i64, i64)]) -> String {
    let mut out = String::new();
    for (i, (start, end)) in stretches.iter().enumerate() {
        let plus = if i == 0 { "" } else { "+" };
        let _ = write!(out, "{plus}gte(t,{})*lt(t,{})", secs(*start), secs(*end));
    }
    out
}

/// The `setpts`/`asetpts` expression moving each stretch to follow the one before: a frame at
/// `T` in stretch k goes to `T − start₁ − (the gaps before stretch k)`. A frame belongs to
/// the stretch it was kept for: counted from `lead` ms before its start (a picture's frames,
/// [`frame_lead_ms`]; 0 for sound), yet placed from the start itself, so a frame cut on —
/// a fraction of a ms before its stretch's rounded start — lands on its output slot.
#[must_use]
pub fn close_gaps(stretches: &[(i64, i64)], lead: i64) -> String {
    let first = stretches.first().map_or(0, |(start, _)| *start);
    let mut out = format!("(T-{}", secs(first));
    for pair in stretches.windows(2) {
        let (end, next) = (pair[0].1, pair[1].0);
        if next > end {
            // Never into the stretch before (a gap shorter than the lead).
            let _ = write!(out, "-gte(T,{})*{}", secs((next - lead).max(end)), secs(next - end));
        }
    }
    out.push_str(")/TB");
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn clip(in_ms: i64, d: i64) -> Clip {
        Clip { src: "/a.mp4".into(), st: 0, in_ms, d, sp: 1.0, vol: 100.0, fade_ms: 0, cross: None, still: false }
    }

    #[test]
    fn removed_pauses_keep_three_stretches_and_close_two_gaps() {
        let clips = [clip(0, 1550), clip(2450, 1600), clip(4950, 1050)];
        let uses = [(0, 0), (0, 2450), (0, 4950)];
        let (input, stretches) = kept(&clips, &uses).unwrap_or_else(|| panic!("a cut list"));
        assert_eq!((input, stretches.as_slice()), (0, [(0, 1550), (2450, 4050), (4950, 6000)].as_slice()));
        assert_eq!(keep(&stretches), "gte(t,0.000)*lt(t,1.550)+gte(t,2.450)*lt(t,4.050)+gte(t,4.950)*lt(t,6.000)");
        assert_eq!(close_gaps(&stretches, 0), "(T-0.000-gte(T,2.450)*0.900-gte(T,4.950)*0.900)/TB");
        assert_eq!(close_gaps(&stretches, 16), "(T-0.000-gte(T,2.434)*0.900-gte(T,4.934)*0.900)/TB");
    }

    #[test]
    fn speed_fades_volumes_order_overlap_other_files_and_one_clip_are_joined_clip_by_clip() {
        let uses = [(0, 0), (0, 2000)];
        let two = |second: Clip| kept(&[clip(0, 1000), second], &uses);
        assert!(two(clip(2000, 1000)).is_some());
        assert_eq!(two(Clip { sp: 2.0, ..clip(2000, 1000) }), None);
        assert_eq!(two(Clip { fade_ms: 500, ..clip(2000, 1000) }), None);
        assert_eq!(two(Clip { vol: 50.0, ..clip(2000, 1000) }), None);
        assert_eq!(two(Clip { src: "/b.mp4".into(), ..clip(2000, 1000) }), None);
        assert_eq!(kept(&[clip(0, 2500), clip(2000, 1000)], &uses), None, "overlapping");
        assert_eq!(kept(&[clip(2000, 1000), clip(0, 1000)], &[(0, 2000), (0, 0)]), None, "out of order");
        assert_eq!(kept(&[clip(0, 1000), clip(2000, 1000)], &[(0, 0), (1, 0)]), None, "two inputs");
        assert_eq!(kept(&[clip(0, 1000)], &[(0, 0)]), None, "one clip");
    }

    /// Evaluates a [`close_gaps`] expression at `t` (seconds), as ffmpeg would.
    fn moved(expression: &str, t: f64) -> f64 {
        let number = |text: &str| text.parse::<f64>().unwrap_or_else(|e| panic!("{text}: {e}"));
        let body = expression.strip_prefix("(T-").and_then(|rest| rest.strip_suffix(")/TB"));
        let mut terms = body.unwrap_or_else(|| panic!("{expression}")).split("-gte(T,");
        let mut out = t - number(terms.next().unwrap_or_default());
        for term in terms {
            let (at, gap) = term.split_once(")*").unwrap_or_else(|| panic!("{term}"));
            if t >= number(at) {
                out -= number(gap);
            }
        }
        out
    }

    proptest! {
        #[test]
        fn kept_stretches_follow_each_other_without_gaps(
            pieces in proptest::collection::vec((0i64..5000, 1i64..5000), 2..12),
        ) {
            let mut at = 0;
            let mut stretches = Vec::new();
            for (gap, length) in pieces {
                stretches.push((at + gap, at + gap + length));
                at += gap + length;
            }
            // Each stretch starts where the ones before it end on the output's clock, and a
            // frame inside it keeps its distance from the stretch's start.
            let expression = close_gaps(&stretches, 0);
            // Counted from 16 ms early, a frame a fraction of a ms before a stretch's start
            // is that stretch's first, not the gap's.
            let led = close_gaps(&stretches, 16);
            let mut output = 0.0;
            for (start, end) in &stretches {
                let (start_s, end_s) = (*start as f64 / 1000.0, *end as f64 / 1000.0);
                prop_assert!((moved(&expression, start_s) - output).abs() < 1e-6, "{expression}");
                prop_assert!((moved(&led, start_s - 0.0004) - (output - 0.0004)).abs() < 1e-6, "{led}");
                let inside = (start_s + end_s) / 2.0;
                prop_assert!((moved(&expression, inside) - (output + inside - start_s)).abs() < 1e-6);
                output += end_s - start_s;
            }
        }
    }
}
