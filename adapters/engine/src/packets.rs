//! A source's video stream as the smart render needs it: its coding parameters (codec,
//! profile, level, pixel format, size, colour, rotation, time base) and every packet's time
//! and key flag, read with ONE `ffprobe -show_packets` run (packets are read, not decoded:
//! about a tenth of a second for two minutes of 1080p). [`parse`] is a pure, total reading.

use std::path::Path;
use std::process::Command;

use nemo_editor::EngineError;
use serde_json::Value;

use crate::colour::{self, Colour};
use crate::gops::Packet;
use crate::tools::Tools;

/// A video stream's parameters and packets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoStream {
    /// `h264`, `hevc`, …
    pub codec: String,
    /// `High`, `Main`, … (empty when unknown).
    pub profile: String,
    /// The level ×10 for H.264 (40 is 4.0), ×30 for HEVC; 0 when unknown.
    pub level: i64,
    /// `yuv420p`, `yuv420p10le`, …
    pub pix_fmt: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// The stream's time base, `(numerator, denominator)`.
    pub time_base: (i64, i64),
    /// Where the file's time starts (ffmpeg's origin for `-ss` and for a filter's `t`), in
    /// the time base: the file's start time, else the first packet's.
    pub start: i64,
    /// Its colour description.
    pub colour: Colour,
    /// Whether the container asks players to rotate the picture.
    pub rotated: bool,
    /// Its packets in decode order.
    pub packets: Vec<Packet>,
}

/// Reads the first video stream of `path`.
///
/// # Errors
/// [`EngineError::MissingTool`] when ffprobe cannot be started, [`EngineError::Unreadable`]
/// when it has no video stream ffprobe can read.
pub fn read(tools: &Tools, path: &str) -> Result<VideoStream, EngineError> {
    let output = Command::new(&tools.ffprobe)
        .args(["-v", "error", "-select_streams", "v:0", "-of", "json", "-show_entries"])
        .arg(
            "format=start_time:stream=codec_name,profile,level,pix_fmt,width,height,time_base,color_primaries,\
             color_transfer,color_space,color_range:stream_side_data=rotation:packet=pts,flags",
        )
        .arg("--")
        .arg(Path::new(path))
        .output()
        .map_err(|e| EngineError::MissingTool(format!("cannot run {}: {e}", tools.ffprobe.display())))?;
    if !output.status.success() {
        return Err(EngineError::Unreadable(format!("{path}: ffprobe cannot read its video packets")));
    }
    parse(&String::from_utf8_lossy(&output.stdout))
        .ok_or_else(|| EngineError::Unreadable(format!("{path} has no video stream whose packets can be read")))
}

/// Reads ffprobe's JSON; `None` without a video stream, a time base or any timed packet.
#[must_use]
pub fn parse(json: &str) -> Option<VideoStream> {
    let value: Value = serde_json::from_str(json).ok()?;
    let stream = value.get("streams")?.as_array()?.first()?;
    let text = |key: &str| stream.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let number = |key: &str| stream.get(key).and_then(Value::as_i64).unwrap_or(0);
    let (num, den) = text("time_base").split_once('/').and_then(|(n, d)| Some((n.parse().ok()?, d.parse().ok()?)))?;
    if num <= 0 || den <= 0 {
        return None;
    }
    let colour = colour::of_stream(stream);
    let rotated = stream.get("side_data_list").and_then(Value::as_array).is_some_and(|list| {
        list.iter().any(|side| side.get("rotation").and_then(Value::as_i64).is_some_and(|r| r % 360 != 0))
    });
    let packets: Vec<Packet> = value
        .get("packets")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|packet| {
            let pts = packet.get("pts")?.as_i64()?;
            let key = packet.get("flags").and_then(Value::as_str).is_some_and(|flags| flags.starts_with('K'));
            Some(Packet { pts, key })
        })
        .collect();
    let first = packets.iter().map(|packet| packet.pts).min()?;
    let start = value
        .pointer("/format/start_time")
        .and_then(Value::as_str)
        .and_then(|text| text.parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && seconds.abs() < 1e9)
        .map_or(first, |seconds| (seconds * den as f64 / num as f64).round() as i64);
    Some(VideoStream {
        codec: text("codec_name"),
        profile: text("profile"),
        level: number("level"),
        pix_fmt: text("pix_fmt"),
        width: u32::try_from(number("width")).unwrap_or(0),
        height: u32::try_from(number("height")).unwrap_or(0),
        time_base: (num, den),
        start,
        colour,
        rotated,
        packets,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn reads_the_parameters_and_the_packets_in_decode_order() {
        let json = r#"{"packets":[{"pts":0,"flags":"K__"},{"pts":1024,"flags":"___"},{"pts":512,"flags":"__"},
            {"flags":"K_"}],
            "streams":[{"codec_name":"h264","profile":"High","level":40,"pix_fmt":"yuv420p","width":1920,
            "height":1080,"time_base":"1/15360","color_primaries":"bt709","color_transfer":"unknown",
            "side_data_list":[{"rotation":-90}]}],"format":{"start_time":"0.050000"}}"#;
        let stream = parse(json).unwrap_or_else(|| panic!("a stream"));
        assert_eq!((stream.codec.as_str(), stream.profile.as_str(), stream.level), ("h264", "High", 40));
        assert_eq!((stream.width, stream.height, stream.time_base, stream.start), (1920, 1080, (1, 15360), 768));
        assert_eq!((stream.colour.primaries.as_deref(), stream.colour.transfer.as_deref()), (Some("bt709"), None));
        assert!(stream.rotated);
        let packets: Vec<(i64, bool)> = stream.packets.iter().map(|p| (p.pts, p.key)).collect();
        assert_eq!(packets, [(0, true), (1024, false), (512, false)], "a packet without a time is left out");
    }

    #[test]
    fn no_stream_no_time_base_or_no_packet_is_nothing() {
        assert_eq!(parse(r#"{"streams":[]}"#), None);
        assert_eq!(parse(r#"{"streams":[{"time_base":"0/1"}],"packets":[{"pts":0}]}"#), None);
        assert_eq!(parse(r#"{"streams":[{"time_base":"1/25"}],"packets":[]}"#), None);
        let no_start = parse(r#"{"streams":[{"time_base":"1/25"}],"packets":[{"pts":3},{"pts":2}]}"#);
        assert_eq!(no_start.map(|stream| stream.start), Some(2), "the first packet's time");
        assert_eq!(parse("not json"), None);
    }

    proptest! {
        #[test]
        fn any_text_never_panics(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }
    }
}
