//! The smart render's goal: "remove the pauses" on a 2-minute 1080p30 phone-style clip (a
//! keyframe every second, B-frames, a 1 s pause every 6 s) by `nemoctl --offline edit`, next
//! to one hand-written full ffmpeg re-encode of the same cuts and to auto-editor, alternating
//! run by run; then how far each output's sound is from its picture at the clip's markers (a
//! white frame and a full-scale click made at the same instant, one in every 6 s); then the
//! encoder settings on the same clip (`quality`).

use std::path::Path;
use std::process::Command;

use super::Plan;
use super::measure::{self, Stats, wall};
use super::offline::{Clip, hand_written, own_dirs};
use super::report::{Report, Row};

/// The instruction.
const PROMPT: &str = "remove the pauses";
/// The version of auto-editor measured: the last whose wheel runs from the package index
/// alone (29.x fetches a binary from elsewhere on its first run).
const AUTO_EDITOR: &str = "auto-editor 23.32.1";

/// Measures the three and adds the section.
pub fn run(plan: &Plan, bin: &Path, scratch: &Path, report: &mut Report) -> Result<(), String> {
    let seconds = if plan.quick { 24 } else { 120 };
    let clip = generate(scratch, seconds)?;
    let nemoctl = bin.join("nemoctl");
    let dirs = own_dirs(scratch, "smart");
    let envs: Vec<(&str, &str)> = dirs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let outputs = ["smart-ours.mp4", "smart-full.mp4", "smart-auto-editor.mp4"].map(|name| scratch.join(name));
    let [ours_out, full_out, auto_out] = &outputs;
    let [ours_arg, full_arg, auto_arg] = outputs.clone().map(|path| path.to_string_lossy().into_owned());
    let input = clip.path.to_string_lossy().into_owned();
    let full = hand_written(&clip, Path::new(&full_arg), false);
    let full: Vec<&str> = full.iter().map(String::as_str).collect();
    let auto_editor = Command::new("auto-editor").arg("--version").output().is_ok_and(|o| o.status.success());
    let auto_args = [input.as_str(), "--no-open", "--progress", "none", "-o", &auto_arg];
    // Each run is minutes long: at most three rounds.
    let runs = plan.runs.min(3);
    let (mut ours, mut plain, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..runs {
        plain.push(measure::run(Path::new("ffmpeg"), &full, &[], scratch)?);
        ours.push(measure::run(
            &nemoctl,
            &["--offline", "edit", &input, "-p", PROMPT, "-o", &ours_arg],
            &envs,
            scratch,
        )?);
        if auto_editor {
            theirs.push(measure::run(Path::new("auto-editor"), &auto_args, &[], scratch)?);
        }
        if round + 1 < runs {
            for out in &outputs {
                let _ = std::fs::remove_file(out);
            }
        }
    }
    let (Some(o), Some(p)) = (wall(&ours), wall(&plain)) else { return Err("no smart render figures".into()) };
    let what = format!("`nemoctl --offline edit -p \"{PROMPT}\"`, {}", clip.label);
    let mut rows =
        vec![Row::against(what.clone(), o, ("one full ffmpeg re-encode", p), "s", "≤ 0.33× the full re-encode")];
    if let Some(a) = wall(&theirs) {
        rows.push(Row::against(what, o, (AUTO_EDITOR, a), "s", "< 1× auto-editor"));
    }
    let offset = |path: &Path| {
        offsets(path, marker_count(seconds))
            .map(|found| Stats::of(found).unwrap_or(Stats { median: 0.0, min: 0.0, max: 0.0 }))
    };
    // The full re-encode's markers are read once, the reference of both rows.
    let reference = offset(full_out)?;
    let mut named = vec![("ours", ours_out, "≤ 33 ms (a frame) at every marker")];
    if auto_editor {
        named.push(("auto-editor's", auto_out, "(for comparison)"));
    }
    for (whose, out, goal) in named {
        let what = format!("A/V offset at the markers, {whose}");
        let mut row = Row::against(what, offset(out)?, ("the full re-encode", reference), "ms", goal);
        row.ratio = None;
        rows.push(row);
    }
    report.section(
        "Offline: smart render against a full re-encode and auto-editor",
        rows,
        &format!(
            "`nemoctl --offline edit CLIP -p \"{PROMPT}\" -o out.mp4` (release; the smart render copies the \
             source's whole GOPs and re-encodes from each cut to the next keyframe) next to one ffmpeg command \
             re-encoding the same cuts (`select`/`aselect`, `libx264 -preset veryfast -crf 23`, AAC 128k) and to \
             {AUTO_EDITOR} (`auto-editor CLIP --no-open`: its own cuts, 0.2 s margins, a full re-encode; \
             installed with `pip install --no-deps auto-editor==23.32.1` and `pip install av==12.0.0 \
             \"ae-ffmpeg==1.1.*\" \"numpy<2\" pillow`{}). The clip is generated once with ffmpeg: `testsrc2` \
             1920×1080 at 30 fps, `libx264 -preset veryfast -g 30` (a keyframe every second, B-frames), a \
             220 Hz tone with a 1 s pause every 6 s, and a marker in every 6 s: a white frame and a 4 ms \
             full-scale click at the same instant. The offsets are measured on each output: white frames by \
             `signalstats` (mean luma above 230), clicks as the short sounds between silences above 4 kHz \
             (`highpass`, `silencedetect`); the figure is the largest offset over the markers. ffmpeg, nemoctl, auto-editor, \
             round by round, {runs} rounds.",
            if auto_editor { "" } else { "; not installed on this run, so its rows are missing" }
        ),
    );
    for out in &outputs {
        let _ = std::fs::remove_file(out);
    }
    super::quality::run(plan, &clip.path, scratch, report)
}

/// How many markers a clip of `seconds` has: one in every 6 s.
fn marker_count(seconds: u32) -> usize {
    usize::try_from(seconds / 6).unwrap_or(0)
}

/// The clip: `seconds` of 1080p30 with 1 s GOPs, a pause at 5–6 s of every 6 s, a marker at
/// 2.5 s of every 6 s.
fn generate(scratch: &Path, seconds: u32) -> Result<Clip, String> {
    let path = scratch.join(format!("phone-{seconds}s.mp4"));
    let video = format!(
        "testsrc2=size=1920x1080:rate=30:duration={seconds},\
         drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(mod(n\\,180)\\,75)'"
    );
    let sound = format!(
        "aevalsrc='if(lt(abs(mod(t\\,6)-2.5)\\,0.002)\\,0.99\\,if(gte(mod(t\\,6)\\,5)\\,0\\,\
         0.3*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*3*t))))':s=48000:d={seconds}"
    );
    let status = Command::new("ffmpeg")
        .args(["-y", "-v", "error", "-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", &sound])
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "30", "-pix_fmt", "yuv420p"])
        .args(["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart", "-shortest"])
        .arg(&path)
        .status()
        .map_err(|e| format!("could not run ffmpeg: {e}"))?;
    if !status.success() {
        return Err("ffmpeg could not generate the phone-style clip".into());
    }
    let pauses = (0..seconds / 6).map(|k| (6.0 * f64::from(k) + 5.0, 6.0 * f64::from(k) + 6.0)).collect();
    let label = format!("a generated {seconds} s 1080p30 clip (1 s GOPs)");
    Ok(Clip { path, label, height: 1080, pauses })
}

/// How far each marker's click is from its white frame in `path`, ms; an error unless all
/// `expected` markers are found in both.
fn offsets(path: &Path, expected: usize) -> Result<Vec<f64>, String> {
    let pictures = white_frames(path)?;
    let clicks = clicks(path)?;
    if pictures.len() != expected || clicks.len() != expected {
        return Err(format!(
            "{}: {} white frames and {} clicks, not {expected} of each",
            path.display(),
            pictures.len(),
            clicks.len()
        ));
    }
    Ok(pictures.iter().zip(&clicks).map(|(picture, click)| (picture - click).abs() * 1000.0).collect())
}

/// The times of the white frames (s).
fn white_frames(path: &Path) -> Result<Vec<f64>, String> {
    let text = ffmpeg_log(
        path,
        &["-vf", "scale=64:36,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-", "-an"],
        true,
    )?;
    let mut found = Vec::new();
    let mut time = None;
    for line in text.lines() {
        if let Some(rest) = line.split("pts_time:").nth(1) {
            time = rest.split_whitespace().next().and_then(|t| t.parse::<f64>().ok());
        } else if let Some(value) = line.strip_prefix("lavfi.signalstats.YAVG=")
            && value.trim().parse::<f64>().is_ok_and(|mean| mean > 230.0)
        {
            found.extend(time);
        }
    }
    Ok(found)
}

/// The times of the clicks' middles (s): above 4 kHz only the clicks are heard, so a click
/// is where a silence there ends and the next begins within 20 ms (a silence that ends with
/// the file is no click).
fn clicks(path: &Path) -> Result<Vec<f64>, String> {
    let text =
        ffmpeg_log(path, &["-af", "highpass=f=4000,highpass=f=4000,silencedetect=n=-45dB:d=0.01", "-vn"], false)?;
    let time = |line: &str, key: &str| {
        line.split(key).nth(1).and_then(|rest| rest.split_whitespace().next()).and_then(|t| t.parse::<f64>().ok())
    };
    let (mut found, mut end) = (Vec::new(), None);
    for line in text.lines() {
        if let Some(t) = time(line, "silence_end: ") {
            end = Some(t);
        } else if let (Some(start), Some(ended)) = (time(line, "silence_start: "), end.take())
            && start - ended < 0.02
        {
            found.push((start + ended) / 2.0);
        }
    }
    Ok(found)
}

/// What ffmpeg prints decoding `path` through `filters` (stdout when `stdout`, else stderr).
fn ffmpeg_log(path: &Path, filters: &[&str], stdout: bool) -> Result<String, String> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-nostats", "-i"])
        .arg(path)
        .args(filters)
        .args(["-f", "null", "-"])
        .output()
        .map_err(|e| format!("could not run ffmpeg: {e}"))?;
    if !output.status.success() {
        return Err(format!("ffmpeg could not read {}: {}", path.display(), String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(if stdout { &output.stdout } else { &output.stderr }).into_owned())
}
