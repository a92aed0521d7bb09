//! Probing a media file into the shape the cloud returns for an upload (`video_infos`:
//! duration, size, width, height, fps) plus which streams it has: from an MP4/MOV header read
//! in this process ([`from_movie`]) when there is one, else with
//! `ffprobe -of json -show_format -show_streams` ([`parse`]). Both readings are pure, total
//! functions. The picture's colour description comes with it (the MP4 `colr` box, or
//! ffprobe's stream fields): a render keeps it, or tone-maps a high dynamic range.

use std::path::Path;
use std::process::Command;

use nemo_editor::{EngineError, Probe};
use serde_json::Value;

use crate::colour::{self, Colour};
use crate::mp4::{self, Kind, Movie};
use crate::tools::Tools;

/// Probes `path`.
///
/// # Errors
/// [`EngineError::Unreadable`] when the file is missing, not media, or has neither picture nor
/// sound; [`EngineError::MissingTool`] when ffprobe cannot be started.
pub fn probe(tools: &Tools, path: &str) -> Result<(Probe, Colour), EngineError> {
    let metadata = std::fs::metadata(path).map_err(|e| EngineError::Unreadable(format!("{path}: {e}")))?;
    if !metadata.is_file() {
        return Err(EngineError::Unreadable(format!("{path}: not a file")));
    }
    let header = mp4::read_moov(Path::new(path)).ok().flatten();
    if let Some(movie) = header.as_deref().and_then(mp4::parse)
        && let Some(probe) = from_movie(&movie, metadata.len())
    {
        let colr = movie.tracks.iter().find(|track| track.kind == Kind::Video).and_then(|track| track.colr);
        let colour = colr.map_or_else(Colour::default, |(p, t, m, full)| colour::from_codes(p, t, m, full));
        return Ok((probe, colour));
    }
    let output = Command::new(&tools.ffprobe)
        .args(["-v", "error", "-of", "json", "-show_format", "-show_streams", "--"])
        .arg(Path::new(path))
        .output()
        .map_err(|e| EngineError::MissingTool(format!("cannot run {}: {e}", tools.ffprobe.display())))?;
    if !output.status.success() {
        let errors = String::from_utf8_lossy(&output.stderr);
        let last = errors.lines().last().unwrap_or("not a media file").trim();
        let reason = last.strip_prefix(path).map_or(last, |rest| rest.trim_start_matches(':').trim());
        return Err(EngineError::Unreadable(format!("{path} is not a readable video or audio file ({reason})")));
    }
    let json = String::from_utf8_lossy(&output.stdout);
    let probe = parse(&json, metadata.len())
        .ok_or_else(|| EngineError::Unreadable(format!("{path} has no video or audio stream")))?;
    let value: Value = serde_json::from_str(&json).unwrap_or_default();
    let video = value.get("streams").and_then(Value::as_array).and_then(|streams| {
        streams.iter().find(|stream| stream.get("codec_type").and_then(Value::as_str) == Some("video"))
    });
    Ok((probe, video.map_or_else(Colour::default, colour::of_stream)))
}

/// Reads ffprobe's JSON; `None` when there is no usable stream, or sound without a
/// duration (a still image reads as 0 ms long).
#[must_use]
pub fn parse(json: &str, size: u64) -> Option<Probe> {
    let value: Value = serde_json::from_str(json).ok()?;
    let streams = value.get("streams").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let kind = |stream: &&Value| stream.get("codec_type").and_then(Value::as_str).map(str::to_owned);
    let picture = streams.iter().find(|stream| {
        kind(stream).as_deref() == Some("video")
            && stream.pointer("/disposition/attached_pic").and_then(Value::as_i64) != Some(1)
    });
    let has_audio = streams.iter().any(|stream| kind(&stream).as_deref() == Some("audio"));
    if picture.is_none() && !has_audio {
        return None;
    }
    let seconds = |v: Option<&Value>| v.and_then(Value::as_str).and_then(|s| s.parse::<f64>().ok());
    let duration = seconds(value.pointer("/format/duration"))
        .or_else(|| streams.iter().find_map(|stream| seconds(stream.get("duration"))))
        .filter(|d| d.is_finite() && *d > 0.0);
    // A still image may have no duration; sound always has one.
    let duration = if picture.is_some() { duration.unwrap_or(0.0) } else { duration? };
    let dimension = |key: &str| {
        picture.and_then(|s| s.get(key)).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0)
    };
    let fps = picture.and_then(|s| {
        let average = rate(s.get("avg_frame_rate"));
        let peak = rate(s.get("r_frame_rate"));
        rendered_rate(average.or(peak), peak)
    });
    // A picture turned a quarter (a phone held upright) is shown, and decoded, on its side.
    let quarter_turn = picture.and_then(|s| s.get("side_data_list")).and_then(Value::as_array).is_some_and(|list| {
        list.iter().any(|side| side.get("rotation").and_then(Value::as_i64).is_some_and(|r| r.rem_euclid(180) == 90))
    });
    let pixel_aspect = picture.and_then(|s| s.get("sample_aspect_ratio")).and_then(Value::as_str).and_then(|sar| {
        let (n, d) = sar.split_once(':')?;
        Some((n.parse().ok()?, d.parse().ok()?))
    });
    let (coded, pixel_aspect) = shown((dimension("width"), dimension("height")), pixel_aspect);
    let (width, height) = upright(coded, quarter_turn);
    Some(Probe {
        duration_ms: (duration * 1000.0).round() as i64,
        size,
        width,
        height,
        pixel_aspect,
        fps,
        has_video: picture.is_some(),
        has_audio,
    })
}

/// Reads an MP4/MOV header as ffprobe would; `None` without a picture or sound track.
#[must_use]
pub fn from_movie(movie: &Movie, size: u64) -> Option<Probe> {
    let picture = movie.tracks.iter().find(|track| track.kind == Kind::Video);
    let has_audio = movie.tracks.iter().any(|track| track.kind == Kind::Audio);
    if picture.is_none() && !has_audio {
        return None;
    }
    let coded =
        (picture.map(|track| track.width).filter(|n| *n > 0), picture.map(|track| track.height).filter(|n| *n > 0));
    let (coded, pixel_aspect) = shown(coded, picture.and_then(|track| track.pasp));
    let (width, height) = upright(coded, picture.is_some_and(|track| track.quarter_turn));
    Some(Probe {
        duration_ms: movie.duration_ms,
        size,
        width,
        height,
        pixel_aspect,
        fps: picture.and_then(|track| {
            let average =
                frames_per_second(track.samples as f64 * f64::from(track.timescale), track.media_duration as f64);
            let peak =
                track.shortest_delta.and_then(|delta| frames_per_second(f64::from(track.timescale), f64::from(delta)));
            rendered_rate(average, peak)
        }),
        has_video: picture.is_some(),
        has_audio,
    })
}

/// The rate a picture is rendered at: its average, or for a variable rate its peak (a clip
/// at 30 fps in places and 10 in others is 30, so its 30 fps parts keep every frame; its
/// slow parts repeat frames) — a peak above 120 fps is a timestamp clock, not a rate.
fn rendered_rate(average: Option<f64>, peak: Option<f64>) -> Option<f64> {
    match (average, peak) {
        (Some(average), Some(peak)) if peak > average * 1.05 && peak <= 120.0 => Some(peak),
        (average, _) => average,
    }
}

/// The size as shown: the coded one, its sides swapped when the picture is turned a quarter.
/// A picture's width and height, when known.
type Size = (Option<u32>, Option<u32>);

/// The size a picture decoded at `(width, height)` is shown at, its pixels made square (the
/// width scaled by the pixel aspect `n:d`, kept even), and that aspect when it is not square
/// (`0:1`, `1:1` or none are square).
fn shown((width, height): Size, pixel_aspect: Option<(u32, u32)>) -> (Size, Option<(u32, u32)>) {
    match (width, pixel_aspect) {
        (Some(coded), Some((n, d))) if n > 0 && d > 0 && n != d => {
            let wide = (f64::from(coded) * f64::from(n) / f64::from(d) / 2.0).round() as u32 * 2;
            ((Some(wide.max(2)), height), Some((n, d)))
        }
        _ => ((width, height), None),
    }
}

fn upright<T>((width, height): (T, T), quarter_turn: bool) -> (T, T) {
    if quarter_turn { (height, width) } else { (width, height) }
}

/// `"30000/1001"` as 29.97 (rounded to hundredths); `None` for `0/0` and nonsense.
fn rate(value: Option<&Value>) -> Option<f64> {
    let (num, den) = value?.as_str()?.split_once('/')?;
    frames_per_second(num.parse().ok()?, den.parse().ok()?)
}

/// `frames / seconds` rounded to hundredths, as both readings report it; `None` for `0/0` and
/// nonsense.
fn frames_per_second(frames: f64, seconds: f64) -> Option<f64> {
    let fps = frames / seconds;
    (fps.is_finite() && fps > 0.0).then(|| (fps * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_video_with_sound() {
        let json = r#"{"streams": [
            {"codec_type": "video", "width": 320, "height": 180, "avg_frame_rate": "15/1", "disposition": {"attached_pic": 0}},
            {"codec_type": "audio"}
        ], "format": {"duration": "6.000000"}}"#;
        assert_eq!(
            parse(json, 55_000),
            Some(Probe {
                duration_ms: 6000,
                size: 55_000,
                width: Some(320),
                height: Some(180),
                pixel_aspect: None,
                fps: Some(15.0),
                has_video: true,
                has_audio: true
            })
        );
    }

    #[test]
    fn non_square_pixels_are_shown_at_their_shape() {
        let json = r#"{"streams": [{"codec_type": "video", "width": 640, "height": 360, "sample_aspect_ratio": "2:3",
            "avg_frame_rate": "25/1"}], "format": {"duration": "1"}}"#;
        let probe = parse(json, 1).unwrap_or_else(|| panic!("a video"));
        assert_eq!((probe.width, probe.height, probe.pixel_aspect), (Some(426), Some(360), Some((2, 3))));
        let square = json.replace("2:3", "1:1");
        assert_eq!(parse(&square, 1).map(|probe| (probe.width, probe.pixel_aspect)), Some((Some(640), None)));
        let unknown = json.replace("2:3", "0:1");
        assert_eq!(parse(&unknown, 1).map(|probe| (probe.width, probe.pixel_aspect)), Some((Some(640), None)));
    }

    #[test]
    fn cover_art_is_not_a_picture_and_nothing_usable_is_none() {
        let json = r#"{"streams": [{"codec_type": "video", "width": 600, "height": 600, "avg_frame_rate": "0/0",
            "disposition": {"attached_pic": 1}}, {"codec_type": "audio"}], "format": {"duration": "3.5"}}"#;
        let probe = parse(json, 1).unwrap_or_else(|| panic!("an audio file"));
        assert_eq!((probe.has_video, probe.has_audio, probe.width, probe.duration_ms), (false, true, None, 3500));
        assert_eq!(parse(r#"{"streams": [], "format": {"duration": "1"}}"#, 1), None);
        assert_eq!(parse(r#"{"streams": [{"codec_type": "audio"}], "format": {}}"#, 1), None);
        let still = parse(r#"{"streams": [{"codec_type": "video", "width": 64, "height": 48}], "format": {}}"#, 1);
        assert_eq!(still.map(|p| (p.duration_ms, p.width)), Some((0, Some(64))));
        assert_eq!(parse("not json", 1), None);
        assert_eq!(rate(Some(&Value::from("30000/1001"))), Some(29.97));
    }

    #[test]
    fn a_picture_turned_a_quarter_is_as_wide_as_it_is_shown() {
        let turned = |rotation: i64| {
            let json = format!(
                r#"{{"streams": [{{"codec_type": "video", "width": 1920, "height": 1080,
                "side_data_list": [{{"rotation": {rotation}}}]}}], "format": {{"duration": "1"}}}}"#
            );
            parse(&json, 1).map(|p| (p.width, p.height))
        };
        assert_eq!(turned(-90), Some((Some(1080), Some(1920))));
        assert_eq!(turned(270), Some((Some(1080), Some(1920))));
        assert_eq!(turned(180), Some((Some(1920), Some(1080))), "upside down keeps its shape");
    }

    #[test]
    fn a_variable_rate_is_rendered_at_its_peak_unless_the_peak_is_a_clock() {
        assert_eq!(rendered_rate(Some(20.0), Some(30.0)), Some(30.0));
        assert_eq!(rendered_rate(Some(29.97), Some(29.97)), Some(29.97));
        assert_eq!(rendered_rate(Some(24.0), Some(90_000.0)), Some(24.0));
        assert_eq!(rendered_rate(None, Some(30.0)), None);
    }
}
