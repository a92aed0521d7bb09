//! The offline main job against plain ffmpeg: `nemoctl --offline edit … -p "remove the pauses,
//! add a title 'Hello'"` next to the one ffmpeg command a person who already knows where the
//! pauses are would write for the same result (same cuts, same title, same encoder settings),
//! on the 6 s sample and on a longer generated clip with the same pattern of pauses.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::Plan;
use super::measure::{self, wall};
use super::report::{Report, Row};

/// The instruction of the README's main job.
const PROMPT: &str = "remove the pauses, add a title 'Hello'";

/// The engine's margin kept on each side of a cut, seconds.
const MARGIN_S: f64 = 0.05;

/// The title font the engine uses when installed.
const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// A clip whose pauses are known.
pub(super) struct Clip {
    pub(super) path: PathBuf,
    pub(super) label: String,
    pub(super) height: u32,
    /// Silent stretches, seconds.
    pub(super) pauses: Vec<(f64, f64)>,
}

/// Measures both clips and adds the section.
pub fn run(plan: &Plan, bin: &Path, root: &Path, scratch: &Path, report: &mut Report) -> Result<(), String> {
    let ffmpeg = Path::new("ffmpeg");
    if Command::new(ffmpeg).arg("-version").output().is_err() {
        return Err("ffmpeg is missing: install it with `apt-get install ffmpeg`".into());
    }
    let sample = Clip {
        path: root.join("samples").join("clip.mp4"),
        label: "the 6 s sample (320×180)".into(),
        height: 180,
        pauses: vec![(1.5, 2.5), (4.0, 5.0)],
    };
    // The sample's pattern (1.5 s of sound, 1 s of silence), n times, then 1 s of sound.
    let cycles = if plan.quick { 4 } else { 24 };
    let long = generate(scratch, cycles)?;
    let nemoctl = bin.join("nemoctl");
    let dirs = own_dirs(scratch, "offline");
    let envs: Vec<(&str, &str)> = dirs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut rows = Vec::new();
    for clip in [&sample, &long] {
        let (mut ours, mut plain) = (Vec::new(), Vec::new());
        let (ours_out, plain_out) = (scratch.join("offline-ours.mp4"), scratch.join("offline-ffmpeg.mp4"));
        let input = clip.path.to_string_lossy().into_owned();
        let ours_arg = ours_out.to_string_lossy().into_owned();
        let reference = hand_written(clip, &plain_out, true);
        let reference: Vec<&str> = reference.iter().map(String::as_str).collect();
        // A 0.2 s job is at the mercy of the machine's drift: three times the runs.
        let runs = if clip.path == sample.path { plan.runs * 3 } else { plan.runs };
        for _ in 0..runs {
            plain.push(measure::run(ffmpeg, &reference, &[], scratch)?);
            ours.push(measure::run(
                &nemoctl,
                &["--offline", "edit", &input, "-p", PROMPT, "-o", &ours_arg],
                &envs,
                scratch,
            )?);
            for out in [&ours_out, &plain_out] {
                std::fs::remove_file(out).map_err(|e| format!("{} was not written: {e}", out.display()))?;
            }
        }
        let (Some(o), Some(p)) = (wall(&ours), wall(&plain)) else { return Err("no offline figures".into()) };
        let what = format!("`nemoctl --offline edit`, {}", clip.label);
        rows.push(Row::against(what, o, ("one hand-written ffmpeg command", p), "s", "≤ 1.15× ffmpeg"));
    }
    report.section(
        "Offline: the main job against plain ffmpeg",
        rows,
        &format!(
            "`nemoctl --offline edit INPUT -p \"{PROMPT}\" -o out.mp4` (release; it reads the clip's MP4 header \
             and decodes its sound in process to find the pauses, then renders with one ffmpeg command) next to one \
             ffmpeg command written knowing the pauses: `select`/`aselect` dropping each pause less 50 ms \
             margins, `drawtext` for 0–3 s, `libx264 -preset veryfast -crf 23`, AAC 128k, `+faststart` — the \
             engine's settings (its sound is cut a whole AAC frame at a time and drifts up to a frame per cut; \
             the engine's is held to the picture). The long clip is generated once with ffmpeg (`testsrc2` 640×360 at 25 fps, the \
             sample's tone pattern: {cycles} pauses of 1 s). ffmpeg first, then nemoctl, run by run; the sample \
             {} times, the long clip {} times.",
            plan.runs * 3,
            plan.runs
        ),
    );
    Ok(())
}

/// A nemoctl of its own: its config and state folders under `scratch`, named after `what`.
pub(super) fn own_dirs(scratch: &Path, what: &str) -> [(&'static str, String); 2] {
    let dir = |kind: &str| scratch.join(format!("{what}-{kind}")).to_string_lossy().into_owned();
    [("NEMO_CONFIG_DIR", dir("config")), ("NEMO_STATE_DIR", dir("state"))]
}

/// `cycles` × (1.5 s of tone, 1 s of silence), then 1 s of tone.
fn generate(scratch: &Path, cycles: u32) -> Result<Clip, String> {
    let duration = 2.5 * f64::from(cycles) + 1.0;
    let path = scratch.join(format!("long-{duration}s.mp4"));
    let tone = format!(
        "aevalsrc='if(lt(mod(t\\,2.5)\\,1.5)\\,0.4*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*3*t))\\,0)':s=44100:d={duration}"
    );
    let video = format!("testsrc2=size=640x360:rate=25:duration={duration}");
    let status = Command::new("ffmpeg")
        .args(["-y", "-v", "error", "-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", &tone])
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p"])
        .args(["-c:a", "aac", "-b:a", "64k", "-shortest"])
        .arg(&path)
        .status()
        .map_err(|e| format!("could not run ffmpeg: {e}"))?;
    if !status.success() {
        return Err("ffmpeg could not generate the long clip".into());
    }
    let pauses = (0..cycles).map(|k| (2.5 * f64::from(k) + 1.5, 2.5 * f64::from(k) + 2.5)).collect();
    Ok(Clip { path, label: format!("a generated {duration:.0} s clip (640×360)"), height: 360, pauses })
}

/// The one ffmpeg command for the same edit: the pauses less their margins dropped, with the
/// title "Hello" for 0–3 s when `title`.
pub(super) fn hand_written(clip: &Clip, output: &Path, title: bool) -> Vec<String> {
    let cuts: Vec<String> = clip
        .pauses
        .iter()
        .map(|(start, end)| format!("between(t\\,{:.3}\\,{:.3})", start + MARGIN_S, end - MARGIN_S))
        .collect();
    let keep = format!("not({})", cuts.join("+"));
    let size = clip.height / 10;
    let font = if Path::new(FONT).exists() { format!("fontfile={FONT}:") } else { String::new() };
    let drawn = if title {
        format!(
            ",drawtext={font}text=Hello:fontsize={size}:fontcolor=white:borderw={border}:bordercolor=black@0.8:\
             x=(w-text_w)/2:y=h-text_h-{margin}:enable='between(t,0,3)'",
            border = (size / 18).max(1),
            margin = clip.height * 6 / 100,
        )
    } else {
        String::new()
    };
    let graph =
        format!("[0:v]select='{keep}',setpts=N/FRAME_RATE/TB{drawn}[v];[0:a]aselect='{keep}',asetpts=N/SR/TB[a]");
    let mut args: Vec<String> = ["-y", "-v", "error", "-i"].map(String::from).to_vec();
    args.push(clip.path.to_string_lossy().into_owned());
    args.extend(["-filter_complex".to_owned(), graph]);
    args.extend(
        ["-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
            .map(String::from),
    );
    args.extend(["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"].map(String::from));
    args.push(output.to_string_lossy().into_owned());
    args
}
