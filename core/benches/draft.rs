//! How long the summary, the diff and their parsing take on a large draft: 10,000 segments over
//! five tracks, the size a long edit with subtitles and pause removal reaches.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use nemo_core::draft::{Draft, diff};
use serde_json::{Value, json};

/// Segments per track: video, background music, voice, subtitles, title.
const SEGMENTS: [usize; 5] = [4_000, 500, 500, 4_990, 10];

/// The draft, with every `trim_every`-th video clip 100 ms shorter and the music at `volume`.
fn draft(trim_every: usize, volume: u32) -> Value {
    let clip = |i: usize| {
        let d = if trim_every > 0 && i.is_multiple_of(trim_every) { 2_400 } else { 2_500 };
        json!({"st": i * 2_500, "d": d, "in": i * 100, "src": format!("clip{}.mp4", i % 7), "vol": 100, "x": {"k": 9007199254740993_u64}})
    };
    let sound =
        |i: usize, name: &str, vol: u32| json!({"st": i * 20_000, "d": 20_000, "src": "a.mp3", "nm": name, "vol": vol});
    let line = |i: usize| json!({"st": i * 2_000, "d": 2_000, "tx": format!("Line {i} — ünïcode 🎬"), "pos": "bottom"});
    let tracks = [
        json!({"tt": 0, "sg": (0..SEGMENTS[0]).map(clip).collect::<Vec<_>>()}),
        json!({"tt": 1, "m": {"role": "bgm"}, "sg": (0..SEGMENTS[1]).map(|i| sound(i, "Lo-fi", volume)).collect::<Vec<_>>()}),
        json!({"tt": 1, "m": {"role": "voice"}, "sg": (0..SEGMENTS[2]).map(|i| sound(i, "Narration", 100)).collect::<Vec<_>>()}),
        json!({"tt": 7, "m": {"role": "subtitle"}, "sg": (0..SEGMENTS[3]).map(line).collect::<Vec<_>>()}),
        json!({"tt": 7, "m": {"role": "title"}, "sg": (0..SEGMENTS[4]).map(line).collect::<Vec<_>>()}),
    ];
    json!({"t": tracks, "d": 10_000_000, "m": {"ratio": "16:9", "width": 1920, "height": 1080, "title": "Long"}})
}

fn benches(c: &mut Criterion) {
    let before = Draft::from_json(draft(0, 35).to_string()).unwrap();
    let edited = Draft::from_json(draft(10, 50).to_string()).unwrap();
    let respaced = Draft::from_json(serde_json::to_string_pretty(&draft(0, 35)).unwrap()).unwrap();
    assert_eq!(before.timeline().tracks.iter().map(|t| t.segments.len()).sum::<usize>(), 10_000);
    assert!(diff(&before, &respaced).is_empty());

    c.bench_function("timeline 10k segments", |b| b.iter(|| black_box(&before).timeline()));
    c.bench_function("summary 10k segments", |b| b.iter(|| black_box(&before).summary()));
    c.bench_function("is_export_ready 10k segments", |b| b.iter(|| black_box(&before).is_export_ready()));
    c.bench_function("diff 10k segments, edited", |b| b.iter(|| diff(black_box(&before), black_box(&edited))));
    c.bench_function("diff 10k segments, same content respaced", |b| {
        b.iter(|| diff(black_box(&before), black_box(&respaced)))
    });
}

criterion_group!(draft_benches, benches);
criterion_main!(draft_benches);
