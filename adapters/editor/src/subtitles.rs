//! Subtitle files: SRT and WebVTT cues read into `(start_ms, end_ms, text)`, and cues written
//! back as SRT (the sidecar next to a video with captions). Total: any text reads as the cues
//! it holds, never a panic; a cue without a readable time line is skipped. [`UPLOAD_KINDS`]
//! are the upload kinds they make for a backend that edits with this editor (the cloud's own
//! table, the core's, has none of them).

use std::fmt::Write;
use std::path::Path;

use nemo_core::media::MediaKind;

/// The subtitle files a backend with this editor takes as uploads: extension and kind.
pub const UPLOAD_KINDS: [(&str, MediaKind); 2] = [("srt", MediaKind::Subtitles), ("vtt", MediaKind::Subtitles)];

/// A subtitle file larger than this is not read.
const MAX_BYTES: u64 = 4 << 20;

/// The cues of the subtitle file at `path`, or the sentence why there are none.
///
/// # Errors
/// The file cannot be read, is over 4 MiB, or holds no cue.
pub fn read(path: &str) -> Result<Vec<Cue>, String> {
    let name = Path::new(path).file_name().map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    let size = std::fs::metadata(path).map_err(|e| format!("I could not read {name}: {e}"))?.len();
    if size > MAX_BYTES {
        return Err(format!("{name} is {size} bytes; a subtitle file of at most 4 MiB is read."));
    }
    let text = std::fs::read(path).map_err(|e| format!("I could not read {name}: {e}"))?;
    let cues = parse(&String::from_utf8_lossy(&text));
    if cues.is_empty() {
        return Err(format!("{name} has no cues I can read (SRT or WebVTT)."));
    }
    Ok(cues)
}

/// One cue: from, to (ms) and its text (lines joined with `\n`).
pub type Cue = (i64, i64, String);

/// The cues of an SRT or WebVTT text, in file order, empty and backwards cues dropped.
#[must_use]
pub fn parse(text: &str) -> Vec<Cue> {
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n").replace('\r', "\n");
    let mut cues = Vec::new();
    for block in text.split("\n\n") {
        let mut lines = block.lines().map(str::trim_end).skip_while(|line| !line.contains("-->"));
        let Some(times) = lines.next() else { continue };
        let Some((from, to)) = times.split_once("-->") else { continue };
        let to = to.split_whitespace().next().unwrap_or_default();
        let (Some(from), Some(to)) = (timestamp(from.trim()), timestamp(to)) else { continue };
        let body: Vec<&str> = lines.filter(|line| !line.trim().is_empty()).collect();
        let body = strip_tags(&body.join("\n"));
        if to > from && !body.trim().is_empty() {
            cues.push((from, to, body));
        }
    }
    cues
}

/// `HH:MM:SS,mmm`, `HH:MM:SS.mmm` or `MM:SS.mmm` in ms.
fn timestamp(text: &str) -> Option<i64> {
    let (clock, fraction) = text.rsplit_once([',', '.'])?;
    let ms: i64 = match fraction.len() {
        1..=3 if fraction.chars().all(|c| c.is_ascii_digit()) => {
            fraction.parse::<i64>().ok()? * 10_i64.pow(3 - fraction.len() as u32)
        }
        _ => return None,
    };
    let parts: Vec<i64> =
        clock.split(':').map(|part| part.trim().parse().ok().filter(|n: &i64| *n >= 0)).collect::<Option<_>>()?;
    let seconds = match parts.as_slice() {
        [h, m, s] if *m < 60 && *s < 60 => h.checked_mul(3600)?.checked_add(m * 60 + s)?,
        [m, s] if *s < 60 => m.checked_mul(60)?.checked_add(*s)?,
        _ => return None,
    };
    seconds.checked_mul(1000)?.checked_add(ms)
}

/// The text without `<i>`, `<b>`, `<c.x>`, `{\an8}`-style markup.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth: Option<char> = None;
    for c in text.chars() {
        match (depth, c) {
            (None, '<') => depth = Some('>'),
            (None, '{') => depth = Some('}'),
            (Some(close), c) if c == close => depth = None,
            (Some(_), _) => {}
            (None, c) => out.push(c),
        }
    }
    out
}

/// The cues as an SRT file.
#[must_use]
pub fn to_srt(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (n, (from, to, text)) in cues.iter().enumerate() {
        let _ = write!(out, "{}\n{} --> {}\n{}\n\n", n + 1, srt_time(*from), srt_time(*to), text);
    }
    out
}

fn srt_time(ms: i64) -> String {
    let ms = ms.max(0);
    format!("{:02}:{:02}:{:02},{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn reads_srt_and_webvtt_and_writes_srt() {
        let srt = "1\r\n00:00:00,500 --> 00:00:01,200\r\nHello <i>there</i>\r\n\r\n2\r\n00:00:04,000 --> 00:00:05,000\r\nline one\r\nline two\r\n";
        assert_eq!(parse(srt), [(500, 1200, "Hello there".into()), (4000, 5000, "line one\nline two".into())]);
        let vtt = "WEBVTT\n\nintro\n00:01.000 --> 00:02.500 align:start\n{\\an8}Hi\n\n00:00:03.000 --> 00:00:02.000\nbackwards\n";
        assert_eq!(parse(vtt), [(1000, 2500, "Hi".into())]);
        assert_eq!(
            to_srt(&parse(srt)),
            "1\n00:00:00,500 --> 00:00:01,200\nHello there\n\n2\n00:00:04,000 --> 00:00:05,000\nline one\nline two\n\n"
        );
    }

    proptest! {
        #[test]
        fn any_text_reads_without_panic_and_written_cues_read_back(text in "\\PC{0,200}", cues in proptest::collection::vec((0i64..10_000_000, 1i64..100_000, "[a-z ]{1,20}"), 0..8)) {
            let _ = parse(&text);
            let cues: Vec<Cue> = cues.into_iter().filter(|(_, _, t)| !t.trim().is_empty()).map(|(from, d, t)| (from, from + d, t.trim().to_owned())).collect();
            prop_assert_eq!(parse(&to_srt(&cues)), cues);
        }
    }
}
