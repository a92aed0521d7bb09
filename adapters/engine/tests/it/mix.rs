//! Music mixed by loudness, measured on the sound: the library beds are as loud as their
//! constants say, and a bed under a voice is heard — 35 % of the voice's loudness (9 LU under
//! it) between phrases, and a few dB quieter again while the voice speaks — where a fixed
//! 35 % of the bed's own level left it some 20 LU under the voice.

use std::path::Path;

use nemo_engine::{Tools, beds, graph, loudness};
use serde_json::json;

use crate::support::{engine, ffmpeg, render, temp};

/// The loudness of `path`'s sound from `from` for `length` seconds, after `filter` (`anull`
/// for none), LUFS.
fn loudness_of(path: &Path, (from, length): (f64, f64), filter: &str) -> f64 {
    let tools = Tools::find().unwrap_or_else(|e| panic!("{e}"));
    let input: Vec<String> = vec![
        "-ss".into(),
        from.to_string(),
        "-t".into(),
        length.to_string(),
        "-i".into(),
        path.to_string_lossy().into_owned(),
        "-af".into(),
        filter.into(),
        "-f".into(),
        "wav".into(),
        "-y".into(),
    ];
    let piece = path.with_extension(format!("{from}.{}.wav", filter.len()));
    let mut args: Vec<&str> = input.iter().map(String::as_str).collect();
    let piece_name = piece.to_string_lossy().into_owned();
    args.push(&piece_name);
    ffmpeg(&args);
    loudness::measure(&tools, &["-i".to_owned(), piece_name]).unwrap_or_else(|| panic!("{}: silent", path.display()))
}

#[test]
fn each_library_bed_is_as_loud_as_its_constant() {
    let tools = Tools::find().unwrap_or_else(|e| panic!("{e}"));
    for style in ["lofi.mp3", "upbeat.mp3", "cinematic.mp3"] {
        let source =
            format!("aevalsrc=exprs={}:sample_rate=48000:duration=30", graph::escape(&beds::expression(style)));
        let input = ["-f", "lavfi", "-i", &source].map(String::from);
        let measured = loudness::measure(&tools, &input).unwrap_or_else(|| panic!("{style}: not measured"));
        assert!((measured - beds::loudness(style)).abs() <= 1.0, "{style}: {measured} LUFS");
    }
}

#[test]
fn a_bed_under_a_voice_is_heard_between_phrases_and_ducked_while_it_speaks() {
    let dir = temp();
    // 12 s: a 1 kHz "voice" at 0–3 s and 6–9 s, nothing at 3–6 s and 9–12 s.
    let clip = dir.path().join("talk.mp4").to_string_lossy().into_owned();
    let voice = "aevalsrc='if(lt(mod(t\\,6)\\,3)\\,0.3*sin(2*PI*1000*t)\\,0)':s=48000:d=12";
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=black:size=320x180:rate=15:duration=12",
        "-f",
        "lavfi",
        "-i",
        voice,
        "-c:v",
        "libx264",
        "-c:a",
        "aac",
        "-b:a",
        "192k",
        "-t",
        "12",
        &clip,
    ]);
    let speech = loudness_of(Path::new(&clip), (0.5, 2.0), "anull");
    let bed = json!({"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": "upbeat.mp3", "st": 0, "d": 12_000, "vol": 35}]});
    let draft = json!({"t": [{"tt": 0, "m": {}, "sg": [{"src": clip, "st": 0, "d": 12_000, "in": 0}]}, bed],
        "d": 12_000, "m": {}});
    let engine = engine();
    let out = render(&engine, &draft);
    // Between phrases (the ducking released): 35 % of the voice's loudness, 9.1 LU under it.
    let between = loudness_of(&out, (4.0, 1.9), "anull");
    let wanted = speech + 20.0 * 0.35f64.log10();
    assert!(
        (between - wanted).abs() <= 2.0,
        "the bed between phrases: {between} LUFS, the voice {speech}, wanted {wanted}"
    );
    // While the voice speaks (the voice notched out): the bed a few dB lower than between.
    let notch = "bandreject=f=1000:width_type=h:w=200,bandreject=f=1000:width_type=h:w=200";
    let under = loudness_of(&out, (7.0, 1.9), notch);
    let between_notched = loudness_of(&out, (4.0, 1.9), notch);
    let duck = between_notched - under;
    assert!((3.0..=10.0).contains(&duck), "ducked by {duck} dB under the voice ({under} against {between_notched})");
}
