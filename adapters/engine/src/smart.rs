//! The smart render: when the output can share the source's video stream, whole GOPs are
//! copied byte for byte and only the frames from a cut to the next keyframe (and from the
//! last keyframe to a cut's end, and what a title covers) are decoded and encoded again —
//! the idea of auto-editor's "partial-lossless" render, done in four steps of ffmpeg runs:
//!
//! 1. **Sound**: the timeline's sound alone ([`graph::build_sound`]: the same filters as a
//!    full render, the picture never decoded) → `sound.m4a`.
//! 2. **Encode**: every re-encoded piece is its own input, seeked to half a frame before its
//!    first frame (`-ss`: decoding starts at the keyframe before it, ffmpeg drops what comes
//!    before), cut to its frame count (`trim=end_frame`), titles drawn at their output times;
//!    the pieces are joined and encoded with settings matching the copied stream (codec,
//!    profile, level, pixel format, colour description, frame rate; an IDR frame forced at
//!    each piece's start; x264/x265 `veryfast`, CRF 18 so a seam is not seen), and split
//!    back into one MPEG-TS file per piece (`-f segment -segment_frames`) — eight pieces a
//!    run at most, since each input is a decoder of its own.
//! 3. **Copy**: the source's video packets, those outside the copied GOPs dropped by packet
//!    number (`noise=drop=…` after `h264_mp4toannexb`/`hevc_mp4toannexb`, so every GOP carries
//!    its parameter sets), split into one MPEG-TS file per copied piece.
//! 4. **Join**: the concat demuxer plays the pieces in order, each for exactly its frames
//!    (`duration`), beside the sound, stream-copied into the MP4 (`+faststart`).
//!
//! Frame-accurate: a stretch keeps the frames whose time `t` satisfies `start ≤ t + ½ frame <
//! end` — the rule of the full render's `select` (`stretches::frame_lead_ms`) — counted from
//! the packets' own times, so the output shows the same frames as a full render, and as many. When the output cannot share
//! the stream ([`unshared`]: another codec or pixel format, a rotated or variable-rate
//! source, several sources, a new size or frame rate, speed, fades, transitions, stills, the
//! high-quality setting) or when no whole GOP lies inside a kept stretch, the render is the
//! full one (`graph::build`); which one and why goes to the log (`nemoctl -v`, nemod's log).
//! An open GOP (x264 `open-gop`, x265's CRA pictures) never starts a copy: its leading
//! frames reach back into the GOP before, so they are left to the encoder with the rest of
//! the stretch, and a stretch with only open GOPs says so as its reason.
//!
//! The output is then checked before it counts ([`crate::guard`]): its video packets are
//! counted and its length measured against the plan, and a file that differs is rendered
//! again in full.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use nemo_editor::draft::{CARD_SRC, Timeline};

use crate::fonts::Fonts;
use crate::gops::{Frames, Piece};
use crate::graph::{self, Invocation, Source};
use crate::guard::Expected;
use crate::packets::VideoStream;
use crate::render::{Plan, Step};
use crate::stretches;

/// The highest frame rate the full render keeps (it brings faster sources down to it).
const MAX_FPS: i64 = 60;

/// How the re-encoded pieces are encoded, beyond what matches the copied stream.
const PRESET: &str = "veryfast";
/// Their quality: a little better than a phone's own, so that a seam is not seen.
const CRF: &str = "18";

/// The most re-encoded pieces one ffmpeg run decodes (each is an input, a decoder of its own).
const PIECES_A_RUN: usize = 8;

/// What the log says of a smart render, and what its output must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Frames copied as they are.
    pub copied: usize,
    /// Frames encoded again.
    pub encoded: usize,
    /// Pieces joined.
    pub pieces: usize,
    /// The output's video stream, as planned (for the guard).
    pub expected: Expected,
}

/// Why the output cannot share the source's video stream, judged from the timeline and the
/// probe alone (before the packets are read); `None` when it may.
#[must_use]
pub fn unshared(timeline: &Timeline, sources: &HashMap<String, Source>) -> Option<String> {
    let first = timeline.clips.first()?;
    if first.src == CARD_SRC || timeline.clips.iter().any(|clip| clip.still) {
        return Some("a still picture is drawn, not copied".into());
    }
    if timeline.clips.iter().any(|clip| clip.src != first.src) {
        return Some("the clips come from several files".into());
    }
    if timeline.clips.iter().any(|clip| (clip.sp - 1.0).abs() > 1e-9) {
        return Some("a clip plays at another speed".into());
    }
    if timeline.clips.iter().any(|clip| clip.fade_ms > 0 || clip.cross.is_some()) {
        return Some("clips are joined with fades or transitions".into());
    }
    if timeline.high_quality {
        return Some("in high quality every frame is encoded again".into());
    }
    let source = sources.get(&first.src)?;
    if source.pixel_aspect.is_some() {
        return Some("the pixels are not square: the picture is scaled to the shape it is shown at".into());
    }
    if source.width % 2 != 0 || source.height % 2 != 0 {
        return Some("the picture has an odd size".into());
    }
    if timeline.canvas.is_some_and(|canvas| canvas != (source.width, source.height)) {
        return Some("the picture changes size".into());
    }
    None
}

/// The smart render of `timeline` from `stream` (its one source's video, `src`) into
/// `output`, intermediate files in `scratch`; `Err` says why it is a full render instead.
///
/// # Errors
/// A sentence when the stream cannot be shared or no whole GOP would be copied.
pub fn plan(
    timeline: &Timeline,
    sources: &HashMap<String, Source>,
    (src, stream): (&str, &VideoStream),
    fonts: &Fonts,
    scratch: &Path,
    output: &str,
) -> Result<(Plan, Shape), String> {
    let frames = Frames::new(&stream.packets);
    let (rate, step) = shared_rate(stream, &frames)?;
    let source = sources.get(src).ok_or_else(|| format!("{src} was not probed"))?;
    if (stream.width, stream.height) != (source.width, source.height) {
        return Err("the stream's size is not the file's".into());
    }
    let (num, den) = stream.time_base;
    let tick = |ms: i64| stream.start + ceil_div(i128::from(ms) * i128::from(den), 1000 * i128::from(num));
    // Copied frames are shown back to back, a frame's time apart: only cuts on whole frames
    // keep the picture on its sound (a full render keeps each frame's own time instead).
    let frame_ms = |k: usize| (k as f64) * (step as f64) * 1000.0 * num as f64 / den as f64;
    let off_frame = |ms: i64| {
        let at = ms as f64 / frame_ms(1);
        (at - at.round()).abs() * frame_ms(1) > 1.0
    };
    if timeline.clips.iter().any(|clip| off_frame(clip.in_ms) || off_frame(clip.in_ms + clip.d)) {
        return Err("the cuts are not on whole frames".into());
    }
    // Counted as the full render counts them: from half a frame before each bound.
    let lead = stretches::frame_lead_ms(den as f64 / (num * step) as f64);
    let bound = |ms: i64| frames.before(tick((ms - lead).max(0)));
    let stretches: Vec<Range<usize>> =
        timeline.clips.iter().map(|clip| bound(clip.in_ms)..bound(clip.in_ms + clip.d)).collect();
    // A title's frames (with one either side, for rounding) are drawn on, so encoded.
    let forced = |k: usize| {
        let (from, to) = (frame_ms(k.saturating_sub(1)), frame_ms(k + 1));
        timeline.titles.iter().any(|title| (title.st as f64) <= to && from <= (title.st + title.d) as f64)
    };
    let pieces = frames.plan(&stretches, forced);
    let count = |copied: bool| -> usize {
        pieces.iter().filter(|piece| matches!(piece, Piece::Copy(_)) == copied).map(Piece::frames).sum()
    };
    let (copied, encoded) = (count(true), count(false));
    if copied == 0 && frames.open_keyframes() > 0 {
        return Err(format!(
            "no closed GOP lies inside a kept stretch ({} of the source's keyframes open their GOP: \
             their leading frames reach back, so only what follows a closed one can be copied)",
            frames.open_keyframes()
        ));
    }
    if copied == 0 {
        return Err("no whole GOP lies inside a kept stretch".into());
    }
    let total_frames = copied + encoded;
    // Each re-encoded piece decodes from the keyframe before it: with long GOPs and many
    // cuts that costs more than the copies save (25 of 985 frames copied in 26 pieces took
    // 1.8× a full render).
    if copied * 2 < total_frames {
        return Err(format!("only {copied} of {total_frames} frames could be copied: a full render is quicker"));
    }
    let expected = Expected { frames: total_frames, duration_ms: frame_ms(total_frames), frame_ms: frame_ms(1) };
    let shape = Shape { copied, encoded, pieces: pieces.len(), expected };
    let duration_ms = |frames: usize| frame_ms(frames).round() as i64;
    let mut steps = Vec::new();
    let sound_file = scratch.join("sound.m4a");
    let sound = graph::build_sound(timeline, sources, &sound_file.to_string_lossy())?;
    let heard = sound.is_some();
    if let Some(invocation) = sound {
        steps.push(Step { invocation, share: share(total_frames / 8) });
    }
    let times = |k: usize| frame_ms(k) / 1000.0;
    for (invocation, encoded) in encode(src, stream, &frames, &pieces, (&rate, times), timeline, fonts, scratch) {
        steps.push(Step {
            invocation: Invocation { duration_ms: duration_ms(encoded), ..invocation },
            share: share(encoded),
        });
    }
    let copy = copy(src, stream, &pieces, scratch);
    steps.push(Step {
        invocation: Invocation { duration_ms: duration_ms(shape.copied), ..copy },
        share: share(shape.copied / 50),
    });
    let list = concat_list(&pieces, times);
    let list_file = scratch.join("pieces.txt");
    std::fs::create_dir_all(scratch)
        .and_then(|()| std::fs::write(&list_file, list))
        .map_err(|e| format!("cannot write the render's list of pieces: {e}"))?;
    let mut args = start_args();
    args.extend(["-f", "concat", "-safe", "0", "-i"].map(String::from));
    args.push(list_file.to_string_lossy().into_owned());
    if heard {
        args.extend(["-i".into(), sound_file.to_string_lossy().into_owned(), "-map".into(), "1:a".into()]);
    }
    args.extend(["-map", "0:v", "-c", "copy"].map(String::from));
    if stream.codec == "hevc" {
        args.extend(["-tag:v", "hvc1"].map(String::from));
    }
    args.extend(["-movflags", "+faststart", "-f", "mp4"].map(String::from));
    args.push(output.to_owned());
    steps.push(Step {
        invocation: Invocation { args, duration_ms: duration_ms(total_frames) },
        share: share(total_frames / 50),
    });
    Ok((Plan { steps, scratch: Some(scratch.to_owned()), guard: None }, shape))
}

/// The stream's frame rate as ffmpeg reads it and the time between frames, when the output
/// can share the stream: a codec and pixel format the encoders here write, not rotated, a
/// constant rate the full render keeps.
fn shared_rate(stream: &VideoStream, frames: &Frames) -> Result<(String, i64), String> {
    if !matches!(stream.codec.as_str(), "h264" | "hevc") {
        return Err(format!("its video is {}, not H.264 or HEVC", stream.codec));
    }
    if stream.pix_fmt != "yuv420p" {
        return Err(format!("its pixels are {}, not 8-bit 4:2:0", stream.pix_fmt));
    }
    if stream.rotated {
        return Err("the picture is rotated by the container".into());
    }
    if stream.colour.is_high_range() {
        return Err("the picture is high dynamic range: it is tone-mapped".into());
    }
    let step = frames.constant_step().ok_or("the frame rate varies")?;
    let (num, den) = (stream.time_base.1, stream.time_base.0 * step);
    if num > MAX_FPS * den {
        return Err("the frame rate is above 60 fps".into());
    }
    let divisor = gcd(num, den);
    Ok((format!("{}/{}", num / divisor, den / divisor), step))
}

/// The arguments every step starts with: quiet, progress on stdout.
fn start_args() -> Vec<String> {
    ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-progress", "pipe:1", "-nostats"].map(String::from).into()
}

/// Step 2: the re-encoded pieces, one input each, into `encNNNN.ts` — in runs of at most
/// [`PIECES_A_RUN`] pieces, since every input is a decoder of its own (224 pieces of a
/// 10-minute 720p talk opened 112 decoders at once, 2 GB, and the key-frame expression
/// grew past what ffmpeg parses). Each run's invocation, with the frames it encodes.
#[allow(clippy::too_many_arguments)]
fn encode(
    src: &str,
    stream: &VideoStream,
    frames: &Frames,
    pieces: &[Piece],
    (rate, times): (&str, impl Fn(usize) -> f64),
    timeline: &Timeline,
    fonts: &Fonts,
    scratch: &Path,
) -> Vec<(Invocation, usize)> {
    // Each re-encoded piece with its first output frame.
    let mut placed: Vec<(&Range<usize>, usize)> = Vec::new();
    let mut output = 0;
    for piece in pieces {
        if let Piece::Encode(range) = piece {
            placed.push((range, output));
        }
        output += piece.frames();
    }
    let titles = graph::title_filters(&timeline.titles, fonts, (stream.width, stream.height), 1.0 / times(1));
    let drawn: String = titles.iter().map(|text| format!(",{text}")).collect();
    let (num, den) = stream.time_base;
    let half = times(1) / 2.0;
    let mut runs = Vec::new();
    for (run, batch) in placed.chunks(PIECES_A_RUN).enumerate() {
        let mut args = start_args();
        let (mut graph, mut joined) = (String::new(), String::new());
        let (mut encoded, mut starts) = (0usize, Vec::new());
        for (input, (range, output)) in batch.iter().enumerate() {
            let at = (frames.pts(range.start) - stream.start) as f64 * num as f64 / den as f64;
            args.extend(["-ss".into(), format!("{:.6}", (at - half).max(0.0)), "-i".into(), src.to_owned()]);
            let _ = write!(
                graph,
                "[{input}:v]trim=end_frame={n},setpts=PTS-STARTPTS+{out:.6}/TB{drawn},setpts=PTS-STARTPTS[e{input}];",
                n = range.len(),
                out = times(*output),
            );
            let _ = write!(joined, "[e{input}]");
            starts.push(encoded);
            encoded += range.len();
        }
        // Each piece's frames at their place in the encoded stream: concat alone gives a lone
        // frame no length, and the next piece's first frame its time (then dropped as a repeat).
        let _ = write!(graph, "{joined}concat=n={}:v=1:a=0,setpts=N/({rate})/TB[v]", batch.len());
        args.extend(["-filter_complex".into(), graph, "-map".into(), "[v]".into()]);
        let keys: Vec<String> = starts.iter().map(|k| format!("eq(n,{k})")).collect();
        args.extend(encoder(stream));
        args.extend(["-r".into(), rate.to_owned(), "-force_key_frames".into(), format!("expr:{}", keys.join("+"))]);
        args.extend(segments(&starts[1..], scratch, ("enc", run * PIECES_A_RUN)));
        runs.push((Invocation { args, duration_ms: 0 }, encoded));
    }
    runs
}

/// The encoder settings matching the copied stream.
fn encoder(stream: &VideoStream) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    if stream.codec == "hevc" {
        args.extend(["-c:v", "libx265", "-forced-idr", "1", "-profile:v", "main"].map(String::from));
    } else {
        let profile = match stream.profile.as_str() {
            "Main" => "main",
            "Baseline" | "Constrained Baseline" => "baseline",
            _ => "high",
        };
        args.extend(["-c:v".into(), "libx264".into(), "-profile:v".into(), profile.into()]);
        if stream.level > 0 {
            args.extend(["-level".into(), stream.level.to_string()]);
        }
    }
    args.extend(["-preset", PRESET, "-crf", CRF, "-pix_fmt", "yuv420p"].map(String::from));
    args.extend(stream.colour.output_options());
    args
}

/// Step 3: the copied GOPs, every other packet dropped by its number, into `copyNNNN.ts`.
fn copy(src: &str, stream: &VideoStream, pieces: &[Piece], scratch: &Path) -> Invocation {
    let mut kept = Vec::new();
    let (mut starts, mut count) = (Vec::new(), 0);
    for piece in pieces {
        if let Piece::Copy(packets) = piece {
            kept.push(format!("between(n\\,{}\\,{})", packets.start, packets.end - 1));
            starts.push(count);
            count += packets.len();
        }
    }
    let mut args = start_args();
    args.extend(["-i".into(), src.to_owned(), "-map".into(), "0:v:0".into(), "-c:v".into(), "copy".into()]);
    let annex_b = if stream.codec == "hevc" { "hevc_mp4toannexb" } else { "h264_mp4toannexb" };
    args.extend(["-bsf:v".into(), format!("{annex_b},noise=drop=not({})", kept.join("+"))]);
    args.extend(segments(&starts[1..], scratch, ("copy", 0)));
    Invocation { args, duration_ms: 0 }
}

/// Output arguments splitting a stream into MPEG-TS files `NAMEnnnn.ts` numbered from
/// `first`, a new one at each of `splits` (packet counts, each a keyframe) and nowhere else.
/// One piece is one plain MPEG-TS file: the segment muxer without a list of frames splits
/// every 2 s (its default `segment_time`), and the concat list names only the first file.
fn segments(splits: &[usize], scratch: &Path, (name, first): (&str, usize)) -> Vec<String> {
    if splits.is_empty() {
        let file = scratch.join(format!("{name}{first:04}.ts")).to_string_lossy().into_owned();
        return vec!["-f".into(), "mpegts".into(), file];
    }
    let splits: Vec<String> = splits.iter().map(usize::to_string).collect();
    let mut args: Vec<String> =
        ["-f", "segment", "-segment_format", "mpegts", "-reset_timestamps", "1"].map(String::from).into();
    args.extend(["-segment_start_number".into(), first.to_string(), "-segment_frames".into(), splits.join(",")]);
    args.push(scratch.join(format!("{name}%04d.ts")).to_string_lossy().into_owned());
    args
}

/// The concat demuxer's list: each piece's file for exactly its frames.
fn concat_list(pieces: &[Piece], times: impl Fn(usize) -> f64) -> String {
    let (mut list, mut encoded, mut copied) = (String::from("ffconcat version 1.0\n"), 0, 0);
    for piece in pieces {
        let name = match piece {
            Piece::Encode(_) => {
                encoded += 1;
                format!("enc{:04}.ts", encoded - 1)
            }
            Piece::Copy(_) => {
                copied += 1;
                format!("copy{:04}.ts", copied - 1)
            }
        };
        let _ = writeln!(list, "file '{name}'\nduration {:.6}", times(piece.frames()));
    }
    list
}

/// A step's weight, never zero.
fn share(work: usize) -> u32 {
    u32::try_from(work).unwrap_or(u32::MAX).max(1)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

fn ceil_div(a: i128, b: i128) -> i64 {
    i64::try_from(a.div_euclid(b) + i128::from(a.rem_euclid(b) != 0)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use nemo_editor::draft::{Clip, Cross};

    use super::*;
    use crate::colour::Colour;
    use crate::gops::Packet;

    fn clip(src: &str) -> Clip {
        Clip { src: src.into(), st: 0, in_ms: 0, d: 1000, sp: 1.0, vol: 100.0, fade_ms: 0, cross: None, still: false }
    }

    fn sources() -> HashMap<String, Source> {
        let source =
            Source { has_audio: true, width: 1920, height: 1080, fps: 30.0, duration_ms: 10_000, ..Source::default() };
        HashMap::from([("/a.mp4".to_owned(), source.clone()), ("/b.mp4".to_owned(), source)])
    }

    fn timeline(clips: Vec<Clip>) -> Timeline {
        Timeline { clips, ..Timeline::default() }
    }

    #[test]
    fn each_timeline_that_cannot_share_the_stream_says_why() {
        let sources = sources();
        assert_eq!(unshared(&timeline(vec![clip("/a.mp4"), clip("/a.mp4")]), &sources), None);
        let why = |timeline: Timeline| unshared(&timeline, &sources).unwrap_or_default();
        assert!(why(timeline(vec![clip("/a.mp4"), clip("/b.mp4")])).contains("several files"));
        assert!(why(timeline(vec![Clip { sp: 2.0, ..clip("/a.mp4") }])).contains("speed"));
        assert!(why(timeline(vec![clip("/a.mp4"), Clip { fade_ms: 500, ..clip("/a.mp4") }])).contains("fades"));
        let crossed = Clip { cross: Some(Cross { ms: 300, black: false }), ..clip("/a.mp4") };
        assert!(why(timeline(vec![clip("/a.mp4"), crossed])).contains("transitions"));
        assert!(why(timeline(vec![Clip { still: true, ..clip("/a.mp4") }])).contains("still"));
        assert!(why(Timeline { high_quality: true, ..timeline(vec![clip("/a.mp4")]) }).contains("high quality"));
        assert!(why(Timeline { canvas: Some((1080, 1920)), ..timeline(vec![clip("/a.mp4")]) }).contains("size"));
    }

    fn stream(step: i64) -> VideoStream {
        VideoStream {
            codec: "h264".into(),
            profile: "High".into(),
            level: 40,
            pix_fmt: "yuv420p".into(),
            width: 1920,
            height: 1080,
            time_base: (1, 15_360),
            start: 0,
            colour: Colour::default(),
            rotated: false,
            packets: (0..60).map(|k| Packet { pts: k * step, key: k % 30 == 0 }).collect(),
        }
    }

    #[test]
    fn re_encoded_pieces_are_encoded_eight_a_run_numbered_on_from_run_to_run() {
        let stream = stream(512);
        let frames = Frames::new(&stream.packets);
        // 20 one-frame pieces between copies.
        let pieces: Vec<Piece> = (0..20).flat_map(|k| [Piece::Encode(k..k + 1), Piece::Copy(30..60)]).collect();
        let times = |k: usize| k as f64 / 30.0;
        let runs = encode(
            "/a.mp4",
            &stream,
            &frames,
            &pieces,
            ("30/1", times),
            &Timeline::default(),
            &Fonts::default(),
            Path::new("/s"),
        );
        let inputs: Vec<usize> = runs.iter().map(|(run, _)| run.args.iter().filter(|a| *a == "-i").count()).collect();
        assert_eq!(inputs, [8, 8, 4]);
        assert_eq!(runs.iter().map(|(_, frames)| *frames).collect::<Vec<_>>(), [8, 8, 4]);
        let numbered: Vec<String> = runs
            .iter()
            .map(|(run, _)| {
                let at = run.args.iter().position(|a| a == "-segment_start_number").unwrap_or_default();
                run.args[at + 1].clone()
            })
            .collect();
        assert_eq!(numbered, ["0", "8", "16"]);
        // The second run's first piece is output frame 8 × 31 (each piece and a 30-frame copy before it).
        assert!(runs[1].0.args.iter().any(|a| a.contains(&format!("+{:.6}/TB", 8.0 * 31.0 / 30.0))));
    }

    #[test]
    fn each_stream_that_cannot_be_shared_says_why_and_a_shared_one_gives_its_exact_rate() {
        let rate = |stream: &VideoStream| shared_rate(stream, &Frames::new(&stream.packets));
        assert_eq!(rate(&stream(512)), Ok(("30/1".to_owned(), 512)));
        assert_eq!(rate(&VideoStream { time_base: (1, 30_000), ..stream(1001) }), Ok(("30000/1001".to_owned(), 1001)));
        let why = |stream: VideoStream| rate(&stream).err().unwrap_or_default();
        assert!(why(VideoStream { codec: "vp9".into(), ..stream(512) }).contains("vp9"));
        assert!(why(VideoStream { pix_fmt: "yuv420p10le".into(), ..stream(512) }).contains("8-bit"));
        assert!(why(VideoStream { rotated: true, ..stream(512) }).contains("rotated"));
        let hlg = Colour { transfer: Some("arib-std-b67".into()), ..Colour::default() };
        assert!(why(VideoStream { colour: hlg, ..stream(512) }).contains("high dynamic range"));
        assert!(why(stream(128)).contains("above 60"));
        let mut variable = stream(512);
        variable.packets[10].pts += 100;
        assert!(why(variable).contains("varies"));
    }
}
