//! `cargo xtask sample`: regenerates `samples/clip.mp4` with ffmpeg, with the command
//! `samples/README.md` documents (6 s, 320×180 at 15 fps, a tone with pauses at 1.5–2.5 s and
//! 4.0–5.0 s). Written to `clip.mp4.part`, renamed when complete. The bytes may differ
//! between ffmpeg versions; the content does not.

use std::path::Path;
use std::process::Command;

/// The tone: bursts at 220 Hz with a 3 Hz tremolo, silent for the last second of every 2.5 s.
const TONE: &str =
    "aevalsrc='if(lt(mod(t\\,2.5)\\,1.5)\\,0.4*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*3*t))\\,0)':s=22050:d=6";

/// The command, `TONE` standing for [`TONE`] (which holds no space); the output comes last.
const ARGS: &str = "-hide_banner -loglevel error -nostdin -y \
    -f lavfi -i testsrc2=size=320x180:rate=15:duration=6 -f lavfi -i TONE \
    -c:v libx264 -preset veryslow -crf 38 -pix_fmt yuv420p -c:a aac -b:a 24k -ac 1 \
    -movflags +faststart -shortest -f mp4";

/// Regenerates the sample.
pub fn run() -> Result<(), String> {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let (dest, part) = (samples.join("clip.mp4"), samples.join("clip.mp4.part"));
    let ffmpeg = std::env::var("NEMO_FFMPEG").unwrap_or_else(|_| "ffmpeg".into());
    let part_arg = part.to_string_lossy().into_owned();
    let mut args: Vec<&str> = ARGS.split_whitespace().map(|arg| if arg == "TONE" { TONE } else { arg }).collect();
    args.push(&part_arg);
    eprintln!("xtask: {ffmpeg} {}", args.join(" "));
    let status = Command::new(&ffmpeg)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run {ffmpeg} ({e}): install it with `sudo apt-get install ffmpeg`"))?;
    if !status.success() {
        let _ = std::fs::remove_file(&part);
        return Err(format!("{ffmpeg} failed ({status})"));
    }
    std::fs::rename(&part, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let size = std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0);
    eprintln!("xtask: wrote {} ({size} bytes)", dest.display());
    Ok(())
}
