//! ffmpeg's `silencedetect` rule over decoded sound, as a pure state machine: a frame (one
//! sample per channel) is quiet when every channel is within ±threshold; a run of at least
//! `min_frames` quiet frames is a silence from its first quiet frame to the first loud one
//! after it. Fed by the in-process decoder (`sound`), so its silences match what
//! `silencedetect=noise=T:d=D` prints for the same sound.

/// Silences found so far in frames: `(first quiet frame, first loud frame after it)`.
#[derive(Debug, Clone)]
pub struct Detector {
    threshold: f32,
    min_frames: u64,
    channels: usize,
    /// Frames seen.
    frame: u64,
    /// Quiet frames in a row, up to the current one.
    run: u64,
    found: Vec<(u64, Option<u64>)>,
}

impl Detector {
    /// A detector for sound with `channels` channels (at least 1) where a silence lasts at
    /// least `min_frames` frames (at least 1).
    #[must_use]
    pub fn new(threshold: f32, min_frames: u64, channels: usize) -> Self {
        Self {
            threshold,
            min_frames: min_frames.max(1),
            channels: channels.max(1),
            frame: 0,
            run: 0,
            found: Vec::new(),
        }
    }

    /// Reads interleaved samples (a trailing partial frame is ignored).
    pub fn push(&mut self, interleaved: &[f32]) {
        for frame in interleaved.chunks_exact(self.channels) {
            let quiet = frame.iter().all(|sample| sample.abs() < self.threshold);
            if quiet {
                self.run += 1;
                if self.run == self.min_frames {
                    self.found.push((self.frame + 1 - self.min_frames, None));
                }
            } else {
                if self.run >= self.min_frames
                    && let Some(last) = self.found.last_mut()
                {
                    last.1 = Some(self.frame);
                }
                self.run = 0;
            }
            self.frame += 1;
        }
    }

    /// The silences in frames; the last one's end is `None` when the sound ended silent.
    #[must_use]
    pub fn finish(self) -> Vec<(u64, Option<u64>)> {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_run_as_long_as_the_minimum_is_a_silence_and_a_shorter_one_is_not() {
        let mut detector = Detector::new(0.04, 3, 1);
        detector.push(&[0.5, 0.0, 0.0, 0.5, 0.0, 0.01, -0.03, 0.9, 0.0, 0.0, 0.0]);
        assert_eq!(detector.finish(), [(4, Some(7)), (8, None)]);
    }

    #[test]
    fn a_frame_is_loud_when_any_channel_is() {
        let mut detector = Detector::new(0.04, 2, 2);
        detector.push(&[0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.3, 0.0]);
        assert_eq!(detector.finish(), [(2, Some(4))]);
    }

    /// The rule stated plainly: maximal runs of quiet frames at least `min` long.
    fn runs(quiet: &[bool], min: u64) -> Vec<(u64, Option<u64>)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, q) in quiet.iter().chain([&false]).enumerate() {
            match (q, start) {
                (true, None) => start = Some(i as u64),
                (false, Some(s)) => {
                    if i as u64 - s >= min {
                        out.push((s, (i < quiet.len()).then_some(i as u64)));
                    }
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    proptest! {
        #[test]
        fn silences_are_the_long_quiet_runs_however_the_sound_is_split(
            samples in proptest::collection::vec(prop_oneof![Just(0.0f32), Just(0.5f32), -0.05f32..0.05], 0..400),
            min in 1u64..20,
            split in 0usize..400,
        ) {
            let mut detector = Detector::new(0.04, min, 1);
            let split = split.min(samples.len());
            detector.push(&samples[..split]);
            detector.push(&samples[split..]);
            let quiet: Vec<bool> = samples.iter().map(|s| s.abs() < 0.04).collect();
            prop_assert_eq!(detector.finish(), runs(&quiet, min));
        }
    }
}
