//! The music library: beds this project makes itself with `aevalsrc`, so they are free of
//! any licence — chords that change every bar over a bass line, a kick and hi-hats, in three
//! styles. A music `src` that is not a file names one (`lofi.mp3`, `upbeat.mp3`,
//! `cinematic.mp3`; anything else plays the lo-fi one).

use std::fmt::Write;

/// One style.
struct Bed {
    /// Beats per minute.
    bpm: f64,
    /// The chords, one a bar (four beats), as frequencies in Hz.
    chords: [[f64; 4]; 4],
    /// A kick on every beat (else on beats one and three).
    four_on_the_floor: bool,
    /// Chords swell over the bar (else they pulse on every beat).
    swell: bool,
    /// Hi-hats on the off-beats.
    hats: bool,
    /// Its integrated loudness made stereo, LUFS (EBU R128, measured with ffmpeg's `ebur128`
    /// over 30 s; `tests/it/mix.rs` measures it again), so that a bed is mixed by loudness
    /// like a music file without a measuring run of its own.
    lufs: f64,
}

/// Am7 – Dm7 – G7 – Cmaj7, slow, pulsing chords, a kick on one and three, soft hats.
const LOFI: Bed = Bed {
    bpm: 75.0,
    chords: [
        [220.0, 261.63, 329.63, 392.0],
        [146.83, 174.61, 220.0, 261.63],
        [196.0, 246.94, 293.66, 349.23],
        [130.81, 164.81, 196.0, 246.94],
    ],
    four_on_the_floor: false,
    swell: false,
    hats: true,
    lufs: -25.4,
};

/// C – G – Am – F, quick, a kick on every beat and hats.
const UPBEAT: Bed = Bed {
    bpm: 118.0,
    chords: [
        [261.63, 329.63, 392.0, 523.25],
        [196.0, 246.94, 293.66, 392.0],
        [220.0, 261.63, 329.63, 440.0],
        [174.61, 220.0, 261.63, 349.23],
    ],
    four_on_the_floor: true,
    swell: false,
    hats: true,
    lufs: -23.1,
};

/// Dm – B♭ – F – C, slow swelling chords over a low pulse, no hats.
const CINEMATIC: Bed = Bed {
    bpm: 60.0,
    chords: [
        [146.83, 220.0, 293.66, 349.23],
        [116.54, 233.08, 293.66, 349.23],
        [174.61, 220.0, 261.63, 349.23],
        [130.81, 196.0, 261.63, 329.63],
    ],
    four_on_the_floor: false,
    swell: true,
    hats: false,
    lufs: -26.6,
};

/// The bed a library `src` names.
fn named(src: &str) -> &'static Bed {
    match src.rsplit('/').next().unwrap_or(src).to_lowercase().as_str() {
        "upbeat.mp3" => &UPBEAT,
        "cinematic.mp3" => &CINEMATIC,
        _ => &LOFI,
    }
}

/// The integrated loudness of the bed a library `src` names, LUFS.
#[must_use]
pub fn loudness(src: &str) -> f64 {
    named(src).lufs
}

/// The `aevalsrc` expression of the bed a library `src` names (before filter escaping).
#[must_use]
pub fn expression(src: &str) -> String {
    let bed = named(src);
    let beat = 60.0 / bed.bpm;
    let bar = 4.0 * beat;
    let cycle = 4.0 * bar;
    let which = format!("floor(mod(t,{cycle:.4})/{bar:.4})");
    let envelope = if bed.swell {
        format!("(0.55-0.45*cos(2*PI*mod(t,{bar:.4})/{bar:.4}))")
    } else {
        format!("(0.55+0.45*exp(-3*mod(t,{beat:.4})))")
    };
    let mut out = String::new();
    for (n, chord) in bed.chords.iter().enumerate() {
        let tones: Vec<String> = chord.iter().map(|f| format!("sin(2*PI*{f}*t)")).collect();
        let bass = chord[0] / 2.0;
        let _ = write!(
            out,
            "{plus}eq({which},{n})*(0.04*({tones})*{envelope}+0.12*sin(2*PI*{bass}*t)*exp(-3*mod(t,{beat:.4})))",
            plus = if n == 0 { "" } else { "+" },
            tones = tones.join("+"),
        );
    }
    let kick_every = if bed.four_on_the_floor { beat } else { 2.0 * beat };
    let _ = write!(
        out,
        "+0.3*sin(2*PI*(45+70*exp(-25*mod(t,{kick_every:.4})))*mod(t,{kick_every:.4}))*exp(-9*mod(t,{kick_every:.4}))"
    );
    if bed.hats {
        let _ = write!(out, "+0.05*(2*random(0)-1)*exp(-70*mod(t+{half:.4},{beat:.4}))", half = beat / 2.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_style_has_four_chords_a_kick_and_its_own_tempo() {
        let lofi = expression("lofi.mp3");
        assert_eq!(lofi.matches("eq(floor(").count(), 4, "{lofi}");
        assert!(lofi.contains("random(0)") && lofi.contains("mod(t,1.6000)"), "{lofi}");
        assert!(expression("upbeat.mp3").contains("mod(t,0.5085)"));
        assert!(!expression("cinematic.mp3").contains("random"));
        assert_eq!(expression("unknown"), lofi);
    }
}
