//! The encoder settings measured: for each x264 preset and CRF the engine could use, the time
//! to encode 10 s of 1080p30 and how close the result is to its source (PSNR of the luma and
//! SSIM, ffmpeg's `psnr` and `ssim` filters) — what the engine's quick default and its "high
//! quality" were chosen from.

use std::path::Path;
use std::process::Command;

use super::Plan;
use super::measure::{self, wall};
use super::report::{Report, Row};

/// The settings compared: preset, CRF, and what the engine uses it for.
const SETTINGS: [(&str, &str, &str); 4] = [
    ("veryfast", "23", "the quick default"),
    ("veryfast", "20", ""),
    ("medium", "21", ""),
    ("slow", "20", "\"in high quality\""),
];

/// Measures every setting on `clip` (at least 10 s of 1080p) and adds the section.
pub fn run(plan: &Plan, clip: &Path, scratch: &Path, report: &mut Report) -> Result<(), String> {
    let source = clip.to_string_lossy().into_owned();
    let out = scratch.join("quality.mp4");
    let out_arg = out.to_string_lossy().into_owned();
    let mut rows = Vec::new();
    let mut default = None;
    for (preset, crf, use_) in SETTINGS {
        let args = [
            "-y", "-v", "error", "-i", &source, "-t", "10", "-an", "-c:v", "libx264", "-preset", preset, "-crf", crf,
            "-pix_fmt", "yuv420p", &out_arg,
        ];
        let mut samples = Vec::new();
        for _ in 0..plan.runs.min(3) {
            samples.push(measure::run(Path::new("ffmpeg"), &args, &[], scratch)?);
        }
        let time = wall(&samples).ok_or("no encoding figures")?;
        let (psnr, ssim) = closeness(&out, clip)?;
        let reference = *default.get_or_insert(time);
        let role = if use_.is_empty() { String::new() } else { format!(" — {use_}") };
        rows.push(Row::against(
            format!("`-preset {preset} -crf {crf}`{role}: PSNR-Y {psnr:.1} dB, SSIM {ssim:.4}"),
            time,
            ("`-preset veryfast -crf 23`", reference),
            "s",
            "time against quality",
        ));
    }
    let _ = std::fs::remove_file(&out);
    report.section(
        "Offline: encoder settings, time against quality",
        rows,
        "10 s of the generated 1080p30 clip encoded with `libx264` at each preset and CRF (no sound), timed; \
         the result compared with its source by ffmpeg's `psnr` (luma) and `ssim` filters. The engine renders \
         with `veryfast`, CRF 23 by default (quick, and the least time of these) and with `slow`, CRF 20 and a \
         keyframe every 2 s \"in high quality\"; the smart render encodes its re-encoded pieces at `veryfast`, \
         CRF 18, so that they are no worse than the frames copied beside them. The test picture is synthetic \
         (`testsrc2`): its figures rank the settings, they do not predict a phone video's.",
    );
    Ok(())
}

/// PSNR of the luma (dB) and SSIM of `encoded` against the first 10 s of `source`.
fn closeness(encoded: &Path, source: &Path) -> Result<(f64, f64), String> {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-nostats", "-i"])
        .arg(encoded)
        .args(["-t", "10", "-i"])
        .arg(source)
        .args(["-lavfi", "[0:v]split[a0][a1];[1:v]split[b0][b1];[a0][b0]psnr;[a1][b1]ssim", "-f", "null", "-"])
        .output()
        .map_err(|e| format!("could not run ffmpeg: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let after = |marker: &str| {
        log.lines()
            .find_map(|line| line.split(marker).nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|value| value.parse::<f64>().ok())
    };
    match (after("PSNR y:"), after("All:")) {
        (Some(psnr), Some(ssim)) => Ok((psnr, ssim)),
        _ => Err(format!("ffmpeg did not compare {} with its source: {log}", encoded.display())),
    }
}
