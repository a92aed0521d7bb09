//! A clip's sound as the speech recogniser hears it: its first audio stream decoded by ffmpeg
//! to 16 kHz mono 32-bit float samples (what whisper.cpp takes).

use std::process::Command;

use nemo_editor::EngineError;

use crate::tools::Tools;

/// Samples a second.
pub const RATE: usize = 16_000;

/// The samples of `path`'s first audio stream.
///
/// # Errors
/// [`EngineError::MissingTool`] when ffmpeg cannot be run, [`EngineError::Unreadable`] when
/// it cannot decode the sound.
pub fn decode(tools: &Tools, path: &str) -> Result<Vec<f32>, EngineError> {
    let rate = RATE.to_string();
    let output = Command::new(&tools.ffmpeg)
        .args(["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-i"])
        .arg(path)
        .args(["-map", "0:a:0", "-ac", "1", "-ar", &rate, "-f", "f32le", "-"])
        .output()
        .map_err(|e| EngineError::MissingTool(format!("cannot run {}: {e}", tools.ffmpeg.display())))?;
    if !output.status.success() {
        let log = String::from_utf8_lossy(&output.stderr);
        let reason = log.lines().last().unwrap_or("unknown error").trim().to_owned();
        return Err(EngineError::Unreadable(format!("cannot decode the sound of {path} ({reason})")));
    }
    Ok(samples(&output.stdout))
}

/// Little-endian 32-bit floats; a trailing partial sample is dropped.
fn samples(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_little_endian_floats() {
        let mut bytes = [0.5f32.to_le_bytes(), (-1.0f32).to_le_bytes()].concat();
        bytes.push(7);
        assert_eq!(samples(&bytes), vec![0.5, -1.0]);
    }
}
