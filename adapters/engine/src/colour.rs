//! A picture's colour description (primaries, transfer, matrix, range — what ffprobe reports
//! and an encoder writes), read with one short `ffprobe`: renders keep it, and a high dynamic
//! range source (PQ or HLG transfer, a phone's default "HDR video") is tone-mapped to the
//! standard range and tagged BT.709, so that it does not come out as an 8-bit picture still
//! labelled HDR (washed out or too dark on every player).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::tools::Tools;

/// The colour description of a video stream (ffmpeg's names; `None` where it states none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Colour {
    /// `bt709`, `bt2020`, …
    pub primaries: Option<String>,
    /// `bt709`, `smpte2084` (PQ), `arib-std-b67` (HLG), …
    pub transfer: Option<String>,
    /// The matrix: `bt709`, `bt2020nc`, …
    pub space: Option<String>,
    /// `tv` or `pc`.
    pub range: Option<String>,
}

/// The standard range from a high one: linear light, BT.709 primaries, the Hable curve, back
/// to BT.709's transfer and matrix in limited range, 8-bit 4:2:0 (zscale and tonemap).
const TO_STANDARD_RANGE: &str = "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,\
    tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p,";

impl Colour {
    /// Whether the transfer is a high dynamic range one (PQ, HLG).
    #[must_use]
    pub fn is_high_range(&self) -> bool {
        matches!(self.transfer.as_deref(), Some("smpte2084" | "arib-std-b67"))
    }

    /// The filters bringing this picture to the standard range (with a trailing comma), or
    /// nothing when it is in it.
    #[must_use]
    pub fn to_standard_range(&self) -> &'static str {
        if self.is_high_range() { TO_STANDARD_RANGE } else { "" }
    }

    /// The encoder options describing the output made from this picture: BT.709 after a tone
    /// mapping, else what the source states.
    #[must_use]
    pub fn output_options(&self) -> Vec<String> {
        let standard = Self {
            primaries: Some("bt709".into()),
            transfer: Some("bt709".into()),
            space: Some("bt709".into()),
            range: Some("tv".into()),
        };
        let stated = if self.is_high_range() { &standard } else { self };
        [
            ("-color_primaries", &stated.primaries),
            ("-color_trc", &stated.transfer),
            ("-colorspace", &stated.space),
            ("-color_range", &stated.range),
        ]
        .into_iter()
        .filter_map(|(option, value)| Some([option.to_owned(), value.clone()?]))
        .flatten()
        .collect()
    }
}

/// Reads the colour of the first video stream of `path`; the default (nothing stated) when
/// ffprobe cannot say.
#[must_use]
pub fn read(tools: &Tools, path: &str) -> Colour {
    Command::new(&tools.ffprobe)
        .args(["-v", "error", "-select_streams", "v:0", "-of", "json", "-show_entries"])
        .arg("stream=color_primaries,color_transfer,color_space,color_range")
        .arg("--")
        .arg(Path::new(path))
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| serde_json::from_slice::<Value>(&output.stdout).ok())
        .and_then(|value| value.pointer("/streams/0").map(of_stream))
        .unwrap_or_default()
}

/// The colour an ffprobe stream object states; `unknown` and `reserved` are nothing stated.
#[must_use]
pub fn of_stream(stream: &Value) -> Colour {
    let stated = |key: &str| {
        stream
            .get(key)
            .and_then(Value::as_str)
            .filter(|v| !matches!(*v, "unknown" | "reserved" | ""))
            .map(str::to_owned)
    };
    Colour {
        primaries: stated("color_primaries"),
        transfer: stated("color_transfer"),
        space: stated("color_space"),
        range: stated("color_range"),
    }
}

/// The colour an MP4 `colr` box's codes state (ITU-T H.273: primaries, transfer, matrix;
/// the full-range flag when the box has one), in ffmpeg's names; codes it does not name are
/// nothing stated.
#[must_use]
pub fn from_codes(primaries: u16, transfer: u16, matrix: u16, full_range: Option<bool>) -> Colour {
    let name = |table: &[(u16, &str)], code: u16| table.iter().find(|(c, _)| *c == code).map(|(_, n)| (*n).to_owned());
    Colour {
        primaries: name(&[(1, "bt709"), (5, "bt470bg"), (6, "smpte170m"), (9, "bt2020"), (12, "smpte432")], primaries),
        transfer: name(
            &[
                (1, "bt709"),
                (6, "smpte170m"),
                (13, "iec61966-2-1"),
                (14, "bt2020-10"),
                (16, "smpte2084"),
                (18, "arib-std-b67"),
            ],
            transfer,
        ),
        space: name(&[(1, "bt709"), (5, "bt470bg"), (6, "smpte170m"), (9, "bt2020nc")], matrix),
        range: full_range.map(|full| if full { "pc" } else { "tv" }.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn of_json(json: &str) -> Colour {
        let value: Value = serde_json::from_str(json).unwrap_or_default();
        of_stream(&value)
    }

    #[test]
    fn hlg_and_pq_are_tone_mapped_and_tagged_bt709_others_keep_their_tags() {
        let hlg = of_json(
            r#"{"color_primaries":"bt2020","color_transfer":"arib-std-b67","color_space":"bt2020nc","color_range":"tv"}"#,
        );
        assert!(hlg.is_high_range() && hlg.to_standard_range().starts_with("zscale=t=linear"));
        assert_eq!(
            hlg.output_options(),
            ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv"]
        );
        let sdr = of_json(r#"{"color_primaries":"bt709","color_transfer":"unknown"}"#);
        assert!(!sdr.is_high_range() && sdr.to_standard_range().is_empty());
        assert_eq!(sdr.output_options(), ["-color_primaries", "bt709"]);
        assert_eq!(of_json("{}").output_options(), Vec::<String>::new());
    }

    #[test]
    fn colr_codes_read_as_ffmpeg_names() {
        let pq = from_codes(9, 16, 9, Some(false));
        assert_eq!(
            (pq.primaries.as_deref(), pq.transfer.as_deref(), pq.space.as_deref()),
            (Some("bt2020"), Some("smpte2084"), Some("bt2020nc"))
        );
        assert!(pq.is_high_range());
        assert_eq!(from_codes(2, 2, 2, None), Colour::default(), "2 is unspecified");
    }

    proptest! {
        #[test]
        fn any_codes_never_panic(p in any::<u16>(), t in any::<u16>(), m in any::<u16>(), full in any::<Option<bool>>()) {
            let _ = from_codes(p, t, m, full).output_options();
        }
    }
}
