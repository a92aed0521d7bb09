//! The seeds' own example edits, verbatim, through the offline backend, each result checked
//! on the video itself (ffprobe, decoded frames), never by trusting the editor's answer.

use super::backend::World;
use super::support::*;

/// The mean red, green and blue of a frame.
fn mean_rgb(frame: &[u8]) -> [f64; 3] {
    let mut sum = [0.0; 3];
    for pixel in frame.chunks_exact(3) {
        for (total, value) in sum.iter_mut().zip(pixel) {
            *total += f64::from(*value);
        }
    }
    let n = (frame.len() / 3).max(1) as f64;
    sum.map(|total| total / n)
}

/// 5 s at 15 fps: red until 2.5 s, then green; a tone except 2-3 s (one pause to remove).
fn red_then_green(dir: &std::path::Path) -> String {
    let out = dir.join("red-green.mp4").to_string_lossy().into_owned();
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=red:s=320x240:r=15:d=2.5[a];color=c=green:s=320x240:r=15:d=2.5[b];[a][b]concat[out0]",
        "-f",
        "lavfi",
        "-i",
        "aevalsrc='if(between(t\\,2\\,3)\\,0\\,0.4*sin(2*PI*220*t))':s=44100:d=5",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-t",
        "5",
        &out,
    ]);
    out
}

#[test]
fn free_editing_trim_the_pauses_add_transitions_and_export_a_clean_final_cut() {
    let world = World::new();
    let dir = temp();
    world.upload(&red_then_green(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("trim the pauses, add transitions, and export a clean final cut");
    assert!(!answer.contains("did not understand"), "{answer}");
    assert!(answer.contains("Added 1 transition (0.3 s dissolves)"), "{answer}");
    let out = world.export(dir.path());
    // 5 s less the 1 s pause, 50 ms of sound kept on each side: 4.1 s, transitions included.
    check_mp4(&out, 4.1, FRAME_S, true);
    let [r, g, _] = mean_rgb(&frame_at(&out, 2.05));
    assert!(r > 60.0 && g > 40.0, "the frame at the cut blends red and green: {r:.0} {g:.0}");
    let [r, g, _] = mean_rgb(&frame_at(&out, 1.5));
    assert!(r > 200.0 && g < 30.0, "red before the transition: {r:.0} {g:.0}");
    let [r, g, _] = mean_rgb(&frame_at(&out, 2.6));
    assert!(r < 30.0 && g > 100.0, "green after it: {r:.0} {g:.0}");
}
