//! The draft as ONE ffmpeg command: inputs, a `-filter_complex` graph and the encoder
//! settings. A pure function of the timeline and what the probes said about its sources, so
//! every edit kind is tested on the text it produces.
//!
//! - Clips close together in one source share one input (`-ss START -t SPAN -i SRC`, each
//!   clip `trim`med from its offset: read once, as after removing pauses); a clip far from
//!   the others is its own input, seeked to its in-point. Each clip is scaled to the first
//!   clip's size with letterboxing (`scale…force_original_aspect_ratio=decrease,pad`; left out
//!   when it already has that size), at the first clip's frame rate (`fps`, left out when it already
//!   has it and plays at normal speed), sped up with `setpts=PTS/SP` and `atempo` (chained for factors outside
//!   0.5–2), cut to its exact length (`trim`, `atrim` after `tpad`/`apad`), then all are
//!   joined with `concat`. Sounds are brought to one shape (48 kHz stereo) only when they
//!   differ — clips of several files, a muted clip's silence, music; clips of one file keep
//!   its own rate and channels.
//! - A fade between clips (`fx` `fade`) is a dip to black: the clip before fades out and the
//!   clip after fades in, each over half the fade, picture (`fade`) and sound (`afade`); the
//!   timeline keeps its length. A transition centred on a cut (`fx` `dissolve` or `black`:
//!   "add transitions") blends the clips with `xfade` and `acrossfade` from handles read
//!   beyond each cut (`crossing`); the timeline keeps its length there too.
//! - Titles are `drawtext` (centred, white with a dark border, a tenth of the canvas height,
//!   `enable='between(t,ST,END)'`, `expansion=none` so `%` is literal), the text escaped for the
//!   option and graph levels.
//! - Music files are looped inputs (`-stream_loop -1`) at their volume, delayed to their start
//!   and mixed under the clips' sound (`amix…normalize=0`), faded in and out and ducked under
//!   it (`sidechaincompress` keyed on the clips' sound); a library track that is not a file
//!   (`lofi.mp3`, `upbeat.mp3`, `cinematic.mp3`) is a bed made here (`beds`: chords, bass, kick
//!   and hats) at the volume.
//! - A clip at volume 0 contributes silence; when nothing is audible the output has no audio
//!   stream (`-an`).
//! - The canvas is `m.width`×`m.height` (9:16 → 1080×1920, 1:1 → 1080×1080, 16:9 →
//!   1920×1080), else the first clip's size. Clips are joined at the first clip's size and
//!   the whole is then reframed to the canvas as `m.fit` says: letterboxed (`pad`, the
//!   default), cropped to fill (`crop`), or over a blurred, zoomed copy of itself (`blur`).
//! - Encoding: `-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -c:a aac -b:a 128k
//!   -movflags +faststart`, progress as `key=value` lines on stdout (`-progress pipe:1`).

use std::collections::HashMap;
use std::fmt::Write;

use crate::colour::Colour;
use crate::fonts::{self, Fonts};
use crate::{beds, captions, crossing, loudness, stretches};
use nemo_editor::Probe;
use nemo_editor::draft::{Clip, Fit, Music, Timeline, Title};

/// What the probes said about a source file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    /// Whether it has sound.
    pub has_audio: bool,
    /// Pixels (0 for audio).
    pub width: u32,
    /// Pixels (0 for audio).
    pub height: u32,
    /// Frames per second (0 when unknown).
    pub fps: f64,
    /// Length, ms (0 when unknown): how much source there is beyond a clip for a transition.
    pub duration_ms: i64,
    /// Its picture's colour description (tone-mapped to the standard range when high).
    pub colour: Colour,
    /// A pixel's width to its height when not square: the picture is decoded at another
    /// width than `width` (which is the shown one) and scaled to it first.
    pub pixel_aspect: Option<(u32, u32)>,
    /// Its sound's integrated loudness, LUFS, when measured (only a render with music
    /// measures: `loudness`).
    pub loudness: Option<f64>,
}

impl Source {
    /// What a probe and the picture's colour say of a file.
    #[must_use]
    pub fn probed(probe: &Probe, colour: Colour) -> Self {
        Self {
            has_audio: probe.has_audio,
            width: probe.width.unwrap_or(0),
            height: probe.height.unwrap_or(0),
            fps: probe.fps.unwrap_or(0.0),
            duration_ms: probe.duration_ms,
            colour,
            pixel_aspect: probe.pixel_aspect,
            loudness: None,
        }
    }
}

/// One ffmpeg invocation: its arguments (without the program) and the output's length.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// The arguments.
    pub args: Vec<String>,
    /// How long the output is, ms (progress is measured against it).
    pub duration_ms: i64,
}

/// The output's sample rate when sounds of different shapes are joined or mixed.
const RATE: u32 = 48_000;
/// The sample format and layout they are joined or mixed in.
pub(crate) const STEREO: &str = "aformat=sample_fmts=fltp:channel_layouts=stereo";
/// The command rendering `timeline` into `output` (an MP4 whatever its name).
///
/// # Errors
/// A sentence when there is no video, or a clip's source was not probed.
pub fn build(
    timeline: &Timeline,
    sources: &HashMap<String, Source>,
    fonts: &Fonts,
    output: &str,
) -> Result<Invocation, String> {
    command(timeline, sources, fonts, output, Streams::Both)
}

/// The command rendering only the sound of `timeline` into `output` (AAC in MP4) — what the
/// smart render puts beside the picture it copies — or `None` when nothing is heard.
///
/// # Errors
/// As [`build`].
pub fn build_sound(
    timeline: &Timeline,
    sources: &HashMap<String, Source>,
    output: &str,
) -> Result<Option<Invocation>, String> {
    let invocation = command(timeline, sources, &Fonts::default(), output, Streams::Sound)?;
    Ok(invocation.args.iter().any(|arg| arg == "-c:a").then_some(invocation))
}

/// Which streams a command writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Streams {
    /// Picture and sound: the render.
    Both,
    /// Only the sound, the picture's filters left out (its frames are never decoded).
    Sound,
}

fn command(
    timeline: &Timeline,
    sources: &HashMap<String, Source>,
    fonts: &Fonts,
    output: &str,
    streams: Streams,
) -> Result<Invocation, String> {
    let picture = streams == Streams::Both;
    let first = timeline.clips.first().ok_or("the draft has no video to render")?;
    // Each clip's source, in clip order.
    let clip_sources = timeline
        .clips
        .iter()
        .map(|clip| sources.get(&clip.src).ok_or_else(|| format!("{} was not probed", clip.src)))
        .collect::<Result<Vec<&Source>, String>>()?;
    let first_source = clip_sources[0];
    // Clips are joined at the first clip's size, then the whole is reframed to the canvas.
    let work =
        if first.still { timeline.still_canvas() } else { (even(first_source.width), even(first_source.height)) };
    let (width, height) = timeline.canvas.unwrap_or(work);
    if work.0 == 0 || work.1 == 0 || width == 0 || height == 0 {
        return Err(format!("{} has no picture", first.src));
    }
    let fps = if first_source.fps > 0.0 && !first.still { first_source.fps.min(60.0) } else { 30.0 };
    let heard: Vec<bool> =
        timeline.clips.iter().zip(&clip_sources).map(|(clip, source)| audible(clip, source)).collect();
    let any_audible = heard.contains(&true);
    // Clips all cut from one file, all heard and without music join as they are: resampling
    // and upmixing to one shape are for joining different sounds (other files, the silence of
    // a muted clip, music) — and stereo 48 kHz costs the encoder more than the source's mono.
    let one_sound =
        timeline.music.is_empty() && !heard.contains(&false) && timeline.clips.iter().all(|clip| clip.src == first.src);
    let shape = if one_sound { String::new() } else { format!(",aresample={RATE},{STEREO}") };
    let total = timeline.duration_ms();

    let mut args: Vec<String> =
        ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-progress", "pipe:1", "-nostats"]
            .map(String::from)
            .into();
    let canvas = Canvas { width: work.0, height: work.1, fps };
    let sound = any_audible.then_some(shape.as_str());
    let mut graph = String::new();
    if crossing::applies(&timeline.clips) {
        if !picture {
            return Err("the sound of a timeline with transitions is made with its picture".into());
        }
        let cuts = crossing::lengths(&timeline.clips, &clip_sources, fps);
        let pieces = crossing::pieces(&timeline.clips, &cuts);
        for (piece, clip) in pieces.iter().zip(&timeline.clips) {
            args.extend(crossing::input(piece, clip, &canvas));
        }
        crossing::join(&mut graph, &timeline.clips, &clip_sources, &pieces, &cuts, 0, &canvas, any_audible);
    } else {
        let leads: Vec<i64> = clip_sources.iter().map(|source| stretches::frame_lead_ms(source.fps)).collect();
        let (inputs, uses) = inputs(&timeline.clips, &leads);
        for input in &inputs {
            args.extend(["-ss".into(), secs(input.start), "-t".into(), secs(input.length + SLACK_MS), "-i".into()]);
            args.push(input.src.clone());
        }
        match stretches::kept(&timeline.clips, &uses) {
            Some((input, kept)) => {
                let clip = (first, first_source);
                select_stretches(&mut graph, input, &kept, clip, &canvas, (picture, sound), total);
            }
            None => join_clips(&mut graph, timeline, (&uses, &leads), &clip_sources, &canvas, (picture, sound)),
        }
    }
    let mut video = String::new();
    if picture {
        video = reframe(&mut graph, work, (width, height), timeline.fit);
        for (i, text) in title_filters(&timeline.titles, fonts, (width, height), fps).iter().enumerate() {
            let _ = write!(graph, "[{video}]{text}[vt{i}];");
            video = format!("vt{i}");
        }
    }
    // Music follows the speech's loudness, else stands alone.
    let speech = speech_source(timeline, sources).and_then(|src| sources.get(src)?.loudness);
    let mut music_labels: Vec<String> = Vec::new();
    for (k, music) in timeline.music.iter().enumerate() {
        let label = format!("m{k}");
        if music.st >= total {
            continue;
        }
        let length = music.d.min(total - music.st);
        let d = secs(length);
        // Music fades in over a second and out over two (a quarter of it when shorter).
        let (fade_in, fade_out) = ((length / 4).min(1000), (length / 4).min(2000));
        let file = sources.get(&music.src).filter(|source| source.has_audio);
        let lufs = match file {
            Some(source) => source.loudness,
            None => Some(beds::loudness(&music.src)),
        };
        let gain = loudness::matching_gain(loudness::reference(any_audible, speech), lufs);
        let shape = format!(
            "{STEREO},asetpts=PTS-STARTPTS,atrim=duration={d}{fades}{matched}{volume}{delay}",
            fades = fades("afade", fade_in, fade_out, length),
            matched = if gain.abs() < 0.05 { String::new() } else { format!(",volume={gain:.1}dB") },
            volume = volume(music.vol),
            delay = delay(music),
        );
        if file.is_some() {
            args.extend(["-stream_loop".into(), "-1".into(), "-ss".into(), secs(music.in_ms), "-i".into()]);
            args.push(music.src.clone());
            let input = args.iter().filter(|arg| *arg == "-i").count() - 1;
            let _ = write!(graph, "[{input}:a]aresample={RATE},{shape}[{label}];");
        } else {
            let bed = escape(&beds::expression(&music.src));
            let _ = write!(graph, "aevalsrc=exprs={bed}:sample_rate={RATE}:duration={d},{shape}[{label}];");
        }
        music_labels.push(label);
    }
    let audio = mix(&mut graph, &music_labels, (any_audible, speech), total);
    if picture {
        let _ = write!(graph, "[{video}]null[vout]");
        args.extend(["-filter_complex".into(), graph, "-map".into(), "[vout]".into()]);
    } else {
        // The graph ends in its last filter's `;`, which ffmpeg does not take.
        args.extend(["-filter_complex".into(), graph.trim_end_matches(';').to_owned()]);
    }
    match audio {
        Some(label) => args.extend(["-map".into(), format!("[{label}]")]),
        None => args.push("-an".into()),
    }
    if picture {
        args.extend(["-c:v", "libx264"].map(String::from));
        args.extend(video_quality(timeline.high_quality, fps));
        args.extend(["-pix_fmt", "yuv420p"].map(String::from));
        args.extend(first_source.colour.output_options());
    } else {
        args.push("-vn".into());
    }
    if audio.is_some() {
        let bitrate = if timeline.high_quality { "192k" } else { "128k" };
        args.extend(["-c:a", "aac", "-b:a", bitrate].map(String::from));
    }
    // The length is cut at the nearest whole frame: a timeline of whole-frame stretches, each
    // written in whole ms, adds up to a few ms over its frames (4134 ms for 62 frames of
    // 66.67 ms), which would let one more frame in, or under them (2998 ms for 90 frames at
    // 30 fps, four stretches rounded down), which would cut its last frame.
    let whole_frames = ((total as f64 * fps / 1000.0).round() * 1000.0 / fps).floor() as i64;
    args.extend(["-movflags".into(), "+faststart".into(), "-t".into(), secs(whole_frames), "-f".into(), "mp4".into()]);
    args.push(output.to_owned());
    Ok(Invocation { args, duration_ms: total })
}

/// The encoder's settings: quick by default (`veryfast`, CRF 23, x264's keyframes); "in high
/// quality" what a careful user picks for social video (`slow`, CRF 20, a keyframe every two
/// seconds, so a platform can seek and cut it cleanly).
fn video_quality(high: bool, fps: f64) -> Vec<String> {
    if high {
        let gop = (fps * 2.0).round().max(1.0);
        ["-preset", "slow", "-crf", "20", "-g"].map(String::from).into_iter().chain([num(gop)]).collect()
    } else {
        ["-preset", "veryfast", "-crf", "23"].map(String::from).into()
    }
}

/// What every clip is fitted to: the canvas and its frame rate.
pub(crate) struct Canvas {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) fps: f64,
}

/// The clips as one input's kept stretches (see [`stretches`]) into `[vc]` and, when there is
/// `sound` (its shaping filters, each after a comma), `[ac]`.
fn select_stretches(
    graph: &mut String,
    input: usize,
    kept: &[(i64, i64)],
    (clip, source): (&Clip, &Source),
    canvas: &Canvas,
    (picture, sound): (bool, Option<&str>),
    total: i64,
) {
    let (keep, close) = (stretches::keep(kept), stretches::close_gaps(kept, 0));
    if picture {
        let lead = stretches::frame_lead_ms(source.fps);
        let frames: Vec<(i64, i64)> =
            kept.iter().map(|(start, end)| ((start - lead).max(0), (end - lead).max(0))).collect();
        let _ = write!(
            graph,
            "[{input}:v]select='{keep}',setpts='{close}',{rate}{fit}setsar=1,tpad=stop_mode=clone:stop_duration=1,\
             trim=duration={d}[vc];",
            keep = stretches::keep(&frames),
            close = stretches::close_gaps(kept, lead),
            rate = rate_filter(source, canvas, clip.sp),
            fit = fit_filter(source, canvas),
            d = secs(total),
        );
    }
    if let Some(shape) = sound {
        let _ = write!(
            graph,
            "[{input}:a]aselect='{keep}',asetpts='{close}',aresample=async=1:min_hard_comp=0.001:first_pts=0{shape}\
             {volume},apad,atrim=duration={d}[ac];",
            volume = volume(clip.vol),
            d = secs(total),
        );
    }
}

/// The clips one by one (trimmed, fitted, sped up, faded) joined with `concat` into `[vc]`
/// and, when there is `sound` (its shaping filters, each after a comma), `[ac]`.
fn join_clips(
    graph: &mut String,
    timeline: &Timeline,
    (uses, leads): (&[(usize, i64)], &[i64]),
    clip_sources: &[&Source],
    canvas: &Canvas,
    (picture, sound): (bool, Option<&str>),
) {
    let mut joined = String::new();
    for (i, (clip, clip_source)) in timeline.clips.iter().zip(clip_sources).enumerate() {
        let (input, offset) = uses[i];
        // Frames are counted from half a frame before the in-point (`stretches::frame_lead_ms`),
        // the sound from the in-point itself.
        let frames_from = (offset - leads[i]).max(0);
        // A source read once feeds every clip cut from it: each chain first keeps only its
        // own stretch (plus slack for tpad/apad to trim), so the filters after it — the audio
        // resampler above all — see the clip, not the whole file once per clip.
        let (video_from, audio_from) = if uses.iter().filter(|(other, _)| *other == input).count() > 1 {
            let end = secs(offset + clip.source_span() + SLACK_MS);
            (format!("trim=start={}:end={end},", secs(frames_from)), format!("atrim=start={}:end={end},", secs(offset)))
        } else {
            let from =
                |filter: &str, at: i64| if at > 0 { format!("{filter}=start={},", secs(at)) } else { String::new() };
            (from("trim", frames_from), from("atrim", offset))
        };
        let fade_in = half(clip.fade_ms);
        let fade_out = timeline.clips.get(i + 1).map_or(0, |next| half(next.fade_ms));
        let d = secs(clip.d);
        if picture {
            let _ = write!(
                graph,
                "[{input}:v]{video_from}setpts=(PTS-STARTPTS)/{sp},{rate}{fit}setsar=1,tpad=stop_mode=clone:stop_duration=1,\
                 trim=duration={d},setpts=PTS-STARTPTS{fades}[v{i}];",
                sp = num(clip.sp),
                rate = rate_filter(clip_source, canvas, clip.sp),
                fit = fit_filter(clip_source, canvas),
                fades = fades("fade", fade_in, fade_out, clip.d),
            );
            let _ = write!(joined, "[v{i}]");
        }
        if let Some(shape) = sound {
            if audible(clip, clip_source) {
                let _ = write!(
                    graph,
                    "[{input}:a]{audio_from}asetpts=PTS-STARTPTS{shape}{tempo}\
                     {volume},apad,atrim=duration={d}{fades}[a{i}];",
                    tempo = atempo(clip.sp),
                    volume = volume(clip.vol),
                    fades = fades("afade", fade_in, fade_out, clip.d),
                );
            } else {
                let _ = write!(graph, "anullsrc=r={RATE}:cl=stereo,atrim=duration={d}[a{i}];");
            }
            let _ = write!(joined, "[a{i}]");
        }
    }
    let n = timeline.clips.len();
    if !picture && sound.is_none() {
        return;
    }
    let (v, a) = (u8::from(picture), u8::from(sound.is_some()));
    let _ = write!(graph, "{joined}concat=n={n}:v={v}:a={a}");
    if picture {
        graph.push_str("[vc]");
    }
    if sound.is_some() {
        graph.push_str("[ac]");
    }
    graph.push(';');
}

/// Brings the joined picture `[vc]` from the clips' size `work` to the canvas `out` as `fit`
/// says — letterboxed, cropped, or fitted over a blurred, zoomed copy of itself — and returns
/// the label of the result (`vc` itself when the sizes agree). Never stretched.
fn reframe(graph: &mut String, work: (u32, u32), out: (u32, u32), fit: Fit) -> String {
    if work == out {
        return "vc".into();
    }
    let (w, h) = out;
    let fill = format!("scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}");
    let fitted = format!("scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2");
    let _ = match fit {
        Fit::Pad => write!(graph, "[vc]{fitted},pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1[vr];"),
        Fit::Crop => write!(graph, "[vc]{fill},setsar=1[vr];"),
        Fit::Blur => {
            // The blur is made small (an eighth of the canvas) and scaled up: soft, and cheap.
            let (bw, bh) = (even(w / 8).max(2), even(h / 8).max(2));
            write!(
                graph,
                "[vc]split=2[vfg][vbg];[vbg]scale={bw}:{bh}:force_original_aspect_ratio=increase,crop={bw}:{bh},\
                 boxblur=4:2,scale={w}:{h},setsar=1[vbb];[vfg]{fitted},setsar=1[vff];\
                 [vbb][vff]overlay=(W-w)/2:(H-h)/2[vr];"
            )
        }
    };
    "vr".into()
}

/// Whether a clip is heard: its volume is up and its source has sound.
pub(crate) fn audible(clip: &Clip, source: &Source) -> bool {
    clip.vol > 0.0 && source.has_audio
}

/// The source whose loudness music is set against: the first heard clip's.
pub(crate) fn speech_source<'a>(timeline: &'a Timeline, sources: &HashMap<String, Source>) -> Option<&'a str> {
    let heard = |clip: &&Clip| sources.get(&clip.src).is_some_and(|source| audible(clip, source));
    timeline.clips.iter().find(heard).map(|clip| clip.src.as_str())
}

/// `fps=…,` when a clip's rate differs from the canvas's or it is sped up.
fn rate_filter(source: &Source, canvas: &Canvas, speed: f64) -> String {
    if (source.fps - canvas.fps).abs() < 0.01 && (speed - 1.0).abs() < 1e-9 {
        String::new()
    } else {
        format!("fps={},", rate(canvas.fps))
    }
}

/// A clip's picture brought to the canvas: tone-mapped to the standard range when it is a
/// high one, letterboxed when it is not the canvas's size already.
pub(crate) fn fit_filter(source: &Source, canvas: &Canvas) -> String {
    let Canvas { width, height, .. } = canvas;
    let range = source.colour.to_standard_range();
    // Non-square pixels are made square at the shape they are shown at, before anything is
    // fitted: `scale` fits by pixels, not by the shape a person sees.
    let square = match source.pixel_aspect {
        Some(_) => format!("scale={}:{},setsar=1,", source.width, source.height),
        None => String::new(),
    };
    if (source.width, source.height) == (*width, *height) {
        format!("{range}{square}")
    } else {
        format!(
            "{range}{square}scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,"
        )
    }
}

/// Read past a clip's end, so that rounding never leaves a clip a frame short (`trim` cuts
/// it exact).
pub(crate) const SLACK_MS: i64 = 100;

/// One `-i` of a clip source: from `start` for `length` ms of source time.
#[derive(Debug, Clone, PartialEq)]
struct Input {
    src: String,
    start: i64,
    length: i64,
}

/// The inputs for the clips, and for each clip its input and where it starts in it. A source
/// whose clips sit close together (the gaps between them, which would be decoded for
/// nothing, add up to no more than the time used plus 10 s) is read once, each clip trimmed
/// from it, as after removing pauses; otherwise each clip is its own input, seeked to its
/// in-point (a 10 s cut from an hour-long file decodes 10 s, not the hour). Every seek is
/// `leads[i]` (half a frame) before the in-point: a cut on a whole frame is written in whole
/// ms, up to half a ms after its frame's time, and `-ss` would drop that frame.
fn inputs(clips: &[Clip], leads: &[i64]) -> (Vec<Input>, Vec<(usize, i64)>) {
    let span = Clip::source_span;
    let mut inputs: Vec<Input> = Vec::new();
    let mut uses = vec![(0, 0); clips.len()];
    let mut sources: Vec<&str> = Vec::new();
    for clip in clips {
        if !sources.contains(&clip.src.as_str()) {
            sources.push(&clip.src);
        }
    }
    for src in sources {
        let mine: Vec<usize> = (0..clips.len()).filter(|i| clips[*i].src == src).collect();
        let lead = |i: usize| leads.get(i).copied().unwrap_or(0);
        let start = mine.iter().map(|i| (clips[*i].in_ms - lead(*i)).max(0)).min().unwrap_or(0);
        let end = mine.iter().map(|i| clips[*i].in_ms + span(&clips[*i])).max().unwrap_or(0);
        let used: i64 = mine.iter().map(|i| span(&clips[*i])).sum();
        if end - start <= 2 * used + 10_000 {
            for i in &mine {
                uses[*i] = (inputs.len(), clips[*i].in_ms - start);
            }
            inputs.push(Input { src: src.to_owned(), start, length: end - start });
        } else {
            for i in mine {
                let start = (clips[i].in_ms - lead(i)).max(0);
                uses[i] = (inputs.len(), clips[i].in_ms - start);
                inputs.push(Input { src: src.to_owned(), start, length: clips[i].in_ms + span(&clips[i]) - start });
            }
        }
    }
    (inputs, uses)
}

/// The clips' sound `[ac]` (when `clips_heard`, at `speech` LUFS when measured) and the music
/// into `aout`, the music ducked under the clips' sound (a sidechain compressor keyed on it,
/// brought to `loudness::KEY_LUFS`: about 6 dB quieter while someone speaks, back up between
/// phrases); `None` when there is no audio at all.
fn mix(
    graph: &mut String,
    music: &[String],
    (clips_heard, speech): (bool, Option<f64>),
    total: i64,
) -> Option<&'static str> {
    let d = secs(total);
    let inputs: String = music.iter().map(|label| format!("[{label}]")).collect();
    let count = music.len();
    match (clips_heard, count) {
        (false, 0) => return None,
        (true, 0) => graph.push_str("[ac]anull[aout];"),
        (false, _) => {
            let _ = write!(
                graph,
                "{inputs}amix=inputs={count}:duration=longest:normalize=0,apad,atrim=duration={d}[aout];"
            );
        }
        (true, _) => {
            let bed = if count == 1 {
                music[0].clone()
            } else {
                let _ = write!(graph, "{inputs}amix=inputs={count}:duration=longest:normalize=0[mus];");
                "mus".into()
            };
            let key = speech.map_or_else(String::new, |lufs| format!("volume={:.1}dB,", loudness::KEY_LUFS - lufs));
            let _ = write!(
                graph,
                "[ac]asplit=2[acv][ack];[ack]{key}anull[key];\
                 [{bed}][key]sidechaincompress=threshold=0.025:ratio=3:attack=20:release=400[duck];\
                 [acv][duck]amix=inputs=2:duration=first:normalize=0,apad,atrim=duration={d}[aout];"
            );
        }
    }
    Some("aout")
}

/// The `drawtext` filters of the titles and captions on a `width`×`height` canvas at `fps`,
/// in order.
pub(crate) fn title_filters(titles: &[Title], fonts: &Fonts, (width, height): (u32, u32), fps: f64) -> Vec<String> {
    titles
        .iter()
        .map(|title| {
            let enable = shown(title, fps);
            let font = fonts.of(&title.text);
            if title.caption {
                captions::drawtext(title, font, (width, height), &enable)
            } else {
                drawtext(title, font, height, &enable)
            }
        })
        .collect()
}

/// The `enable` expression of a text on screen from `st` for `d`: the frames whose time `t`
/// satisfies `st ≤ t + ½ frame < st + d` — the rule a cut keeps frames by
/// (`stretches::frame_lead_ms`), so a cue at 4.566 s starts on the frame at 4.5667 s whatever
/// the render's timestamps' sub-millisecond rounding, and the burned text shows on exactly
/// the frames the sidecar SRT's cue covers.
fn shown(title: &Title, fps: f64) -> String {
    let half = if fps > 0.0 { 0.5 / fps } else { 0.0 };
    let (from, to) = (title.st as f64 / 1000.0 - half, (title.st + title.d) as f64 / 1000.0 - half);
    format!("gte(t,{})*lt(t,{})", num((from * 1e6).round() / 1e6), num((to * 1e6).round() / 1e6))
}

/// The `drawtext` filter of a title on a canvas `height` pixels tall, shown when `enable`.
fn drawtext(title: &Title, font: Option<&str>, height: u32, enable: &str) -> String {
    let size = (height / 10).max(8);
    let margin = height / 16;
    let y = match title.pos.as_str() {
        "top" => format!("{margin}"),
        "bottom" => format!("h-text_h-{margin}"),
        _ => "(h-text_h)/2".into(),
    };
    let font = font_option(font);
    let text = one_line(&fonts::drawable(&title.text));
    format!(
        "drawtext={font}text={}:expansion=none:fontsize={size}:fontcolor=white:borderw={border}:bordercolor=black@0.8:\
         x=(w-text_w)/2:y={y}:enable='{enable}'",
        escape(&text),
        border = (size / 16).max(1),
    )
}

/// `fontfile=…:` when there is a font file.
pub(crate) fn font_option(font: Option<&str>) -> String {
    font.map(|font| format!("fontfile={}:", escape(font))).unwrap_or_default()
}

/// Text on one line: control characters (new lines among them) as spaces.
pub(crate) fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Escapes a value for a filter option inside `-filter_complex`: first the option level
/// (`\`, `'`, `:`), then the graph level (`\`, `'`, `[`, `]`, `,`, `;`).
#[must_use]
pub fn escape(value: &str) -> String {
    let once = backslash(value, &['\\', '\'', ':']);
    backslash(&once, &['\\', '\'', '[', ']', ',', ';'])
}

fn backslash(value: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if special.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `,fade=t=in…,fade=t=out…` (or `afade`) for a clip `d` ms long.
pub(crate) fn fades(filter: &str, fade_in: i64, fade_out: i64, d: i64) -> String {
    let mut out = String::new();
    if fade_in > 0 {
        let _ = write!(out, ",{filter}=t=in:st=0:d={}", secs(fade_in));
    }
    if fade_out > 0 {
        let _ = write!(out, ",{filter}=t=out:st={}:d={}", secs((d - fade_out).max(0)), secs(fade_out));
    }
    out
}

/// The `atempo` chain for a speed factor (each link within 0.5–2), with a leading comma.
pub(crate) fn atempo(factor: f64) -> String {
    let mut out = String::new();
    let mut left = factor;
    while left > 2.0 {
        out.push_str(",atempo=2");
        left /= 2.0;
    }
    while left < 0.5 {
        out.push_str(",atempo=0.5");
        left /= 0.5;
    }
    if (left - 1.0).abs() > 1e-9 {
        let _ = write!(out, ",atempo={}", num(left));
    }
    out
}

pub(crate) fn volume(percent: f64) -> String {
    if (percent - 100.0).abs() < 1e-9 { String::new() } else { format!(",volume={}", num(percent / 100.0)) }
}

fn delay(music: &Music) -> String {
    if music.st > 0 { format!(",adelay={0}|{0}", music.st) } else { String::new() }
}

fn half(ms: i64) -> i64 {
    ms / 2
}

fn even(n: u32) -> u32 {
    n - n % 2
}

/// Milliseconds as seconds with three decimals.
pub(crate) fn secs(ms: i64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// A frame rate as ffmpeg should read it: the NTSC rates as their exact fractions
/// (`30000/1001`, not `29.97`, which ffmpeg reads as 2997/100 and then duplicates frames to
/// keep up), any other as a number.
pub(crate) fn rate(fps: f64) -> String {
    [24_000, 30_000, 60_000, 120_000]
        .iter()
        .find(|n| (fps - f64::from(**n) / 1001.0).abs() < 0.005)
        .map_or_else(|| num(fps), |n| format!("{n}/1001"))
}

/// A number without trailing zeros (`2`, `0.35`, `1.333`).
pub(crate) fn num(n: f64) -> String {
    let text = format!("{n:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> HashMap<String, Source> {
        let video =
            Source { has_audio: true, width: 320, height: 180, fps: 15.0, duration_ms: 6000, ..Source::default() };
        let silent = Source { has_audio: false, ..video.clone() };
        HashMap::from([
            ("/a.mp4".to_owned(), video),
            ("/silent.mp4".to_owned(), silent),
            (
                "/song.mp3".to_owned(),
                Source { has_audio: true, width: 0, height: 0, fps: 0.0, duration_ms: 1000, ..Source::default() },
            ),
        ])
    }

    fn render(draft: &str) -> Invocation {
        let timeline = Timeline::parse(draft).unwrap_or_default();
        build(&timeline, &sources(), &Fonts::fixed(Some("/fonts/D.ttf")), "/out/x.part")
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn graph(invocation: &Invocation) -> &str {
        let at = invocation.args.iter().position(|a| a == "-filter_complex").unwrap_or_default();
        &invocation.args[at + 1]
    }

    fn clip(extra: &str) -> String {
        draft(extra, "", "")
    }

    /// One 4 s clip from 1 s into `/a.mp4` (`extra` keys on it), then `tracks`, then `meta`.
    fn draft(extra: &str, tracks: &str, meta: &str) -> String {
        format!(
            r#"{{"t": [{{"tt": 0, "sg": [{{"src": "/a.mp4", "st": 0, "d": 4000, "in": 1000{extra}}}]}}{tracks}]{meta}}}"#
        )
    }

    #[test]
    fn one_clip_is_cut_from_its_in_point_and_encoded_to_h264_aac_with_faststart() {
        let invocation = render(&clip(""));
        assert_eq!(invocation.duration_ms, 4000);
        let args = invocation.args.join(" ");
        assert!(args.contains("-progress pipe:1"), "{args}");
        // Seeked half a frame (at 15 fps) early, so frame 15 at 1 s is kept; the sound is
        // trimmed to the in-point itself.
        assert!(args.contains("-ss 0.967 -t 4.133 -i /a.mp4"), "{args}");
        assert!(args.contains("[0:v]setpts=(PTS-STARTPTS)/1,") && args.contains("[0:a]atrim=start=0.033,"), "{args}");
        assert!(
            args.contains("-map [vout] -map [aout] -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -c:a aac")
        );
        assert!(args.ends_with("-movflags +faststart -t 4.000 -f mp4 /out/x.part"), "{args}");
        assert_eq!(
            graph(&invocation),
            "[0:v]setpts=(PTS-STARTPTS)/1,setsar=1,tpad=stop_mode=clone:stop_duration=1,\
             trim=duration=4.000,setpts=PTS-STARTPTS[v0];\
             [0:a]atrim=start=0.033,asetpts=PTS-STARTPTS,apad,\
             atrim=duration=4.000[a0];[v0][a0]concat=n=1:v=1:a=1[vc][ac];[ac]anull[aout];[vc]null[vout]"
        );
    }

    #[test]
    fn the_joined_picture_is_reframed_to_the_canvas_letterboxed_cropped_or_over_a_blur() {
        let meta = |fit: &str| format!(r#", "m": {{"ratio": "9:16", "width": 1080, "height": 1920{fit}}}"#);
        let padded = render(&draft("", "", &meta("")));
        assert!(
            graph(&padded).contains(
                "[vc]scale=1080:1920:force_original_aspect_ratio=decrease:force_divisible_by=2,\
                 pad=1080:1920:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1[vr];"
            ),
            "{}",
            graph(&padded)
        );
        let cropped = render(&draft("", "", &meta(r#", "fit": "crop""#)));
        assert!(
            graph(&cropped)
                .contains("[vc]scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920,setsar=1[vr];")
        );
        let blurred = render(&draft("", "", &meta(r#", "fit": "blur""#)));
        let graph = graph(&blurred);
        assert!(
            graph.contains("[vc]split=2[vfg][vbg];[vbg]scale=134:240:force_original_aspect_ratio=increase"),
            "{graph}"
        );
        assert!(graph.contains("[vbb][vff]overlay=(W-w)/2:(H-h)/2[vr];"), "{graph}");
        assert!(graph.ends_with("[vr]null[vout]"), "{graph}");
    }

    #[test]
    fn a_clip_of_another_size_or_rate_is_fitted_to_the_first() {
        let mut sources = sources();
        sources.insert(
            "/big.mp4".into(),
            Source { has_audio: true, width: 1920, height: 1080, fps: 30.0, duration_ms: 1000, ..Source::default() },
        );
        let draft = r#"{"t": [{"tt": 0, "sg": [
            {"src": "/a.mp4", "st": 0, "d": 1000, "in": 0},
            {"src": "/big.mp4", "st": 1000, "d": 1000, "in": 0}
        ]}]}"#;
        let timeline = Timeline::parse(draft).unwrap_or_default();
        let invocation = build(&timeline, &sources, &Fonts::default(), "x").unwrap_or_else(|e| panic!("{e}"));
        let graph = graph(&invocation);
        assert!(graph.contains("[0:v]setpts=(PTS-STARTPTS)/1,setsar=1,"), "{graph}");
        assert!(
            graph.contains(
                "[1:v]setpts=(PTS-STARTPTS)/1,fps=15,scale=320:180:force_original_aspect_ratio=decrease,\
                 pad=320:180:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,"
            ),
            "{graph}"
        );
    }

    #[test]
    fn high_quality_encodes_slower_and_finer_with_a_keyframe_every_two_seconds() {
        let args = render(&draft("", "", r#", "m": {"quality": "high"}"#)).args.join(" ");
        assert!(args.contains("-c:v libx264 -preset slow -crf 20 -g 30 -pix_fmt yuv420p"), "{args}");
        assert!(args.contains("-c:a aac -b:a 192k"), "{args}");
    }

    #[test]
    fn ntsc_rates_are_written_as_their_exact_fractions() {
        assert_eq!(
            (rate(29.97), rate(23.976), rate(59.94), rate(30.0), rate(15.0)),
            (
                "30000/1001".to_owned(),
                "24000/1001".to_owned(),
                "60000/1001".to_owned(),
                "30".to_owned(),
                "15".to_owned()
            )
        );
    }

    #[test]
    fn speed_sets_timestamps_and_chains_atempo() {
        let invocation = render(&clip(r#", "sp": 3"#));
        let graph = graph(&invocation);
        assert!(invocation.args.join(" ").contains("-ss 0.967 -t 12.133 -i /a.mp4"));
        assert!(graph.contains("setpts=(PTS-STARTPTS)/3,fps=15,setsar=1,"), "{graph}");
        assert!(graph.contains(",atempo=2,atempo=1.5,apad"), "{graph}");
        assert_eq!(atempo(0.2), ",atempo=0.5,atempo=0.5,atempo=0.8");
        assert_eq!(atempo(1.0), "");
    }

    #[test]
    fn mute_without_music_has_no_audio_and_with_music_the_music_only() {
        let muted = render(&clip(r#", "vol": 0"#));
        assert!(muted.args.contains(&"-an".to_owned()) && !muted.args.contains(&"aac".to_owned()));
        assert!(graph(&muted).contains("[v0]concat=n=1:v=1:a=0[vc];"));

        let with_music = draft(
            r#", "vol": 0"#,
            r#", {"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": "/song.mp3", "st": 0, "d": 4000, "in": 0, "vol": 30}]}"#,
            "",
        );
        let invocation = render(&with_music);
        let args = invocation.args.join(" ");
        assert!(args.contains("-stream_loop -1 -ss 0.000 -i /song.mp3"), "{args}");
        let graph = graph(&invocation);
        assert!(
            graph.contains(
                "[1:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,asetpts=PTS-STARTPTS,\
                 atrim=duration=4.000,afade=t=in:st=0:d=1.000,afade=t=out:st=3.000:d=1.000,volume=0.3[m0];"
            ),
            "{graph}"
        );
        assert!(
            graph.contains("[m0]amix=inputs=1:duration=longest:normalize=0,apad,atrim=duration=4.000[aout]"),
            "{graph}"
        );
    }

    #[test]
    fn library_music_is_a_bed_made_here_ducked_under_the_clip() {
        let lofi =
            r#", {"tt": 1, "m": {"role": "bgm"}, "sg": [{"src": "lofi.mp3", "st": 0, "d": 4000, "in": 0, "vol": 35}]}"#;
        let graph =
            render(&draft("", lofi, "")).args.iter().find(|a| a.contains("concat")).cloned().unwrap_or_default();
        let bed = escape(&beds::expression("lofi.mp3"));
        assert!(graph.contains(&format!("aevalsrc=exprs={bed}:sample_rate=48000:duration=4.000,")), "{graph}");
        // The speech was not measured: the bed at its own level and 35 %, the key as it is.
        assert!(graph.contains("afade=t=out:st=3.000:d=1.000,volume=0.35[m0]"), "{graph}");
        assert!(graph.contains("[ac]asplit=2[acv][ack];[ack]anull[key];[m0][key]sidechaincompress="), "{graph}");
        assert!(graph.contains("[acv][duck]amix=inputs=2:duration=first:normalize=0"), "{graph}");
    }

    #[test]
    fn music_is_set_by_the_speechs_loudness_and_ducked_by_a_key_brought_to_minus_23() {
        let mut sources = sources();
        for (src, lufs) in [("/a.mp4", -21.7), ("/song.mp3", -12.0)] {
            sources.get_mut(src).unwrap_or_else(|| panic!("{src}")).loudness = Some(lufs);
        }
        let music = |src: &str| {
            let track = format!(
                r#", {{"tt": 1, "m": {{"role": "bgm"}}, "sg": [{{"src": "{src}", "st": 0, "d": 4000, "vol": 35}}]}}"#
            );
            let timeline = Timeline::parse(&draft("", &track, "")).unwrap_or_default();
            let invocation = build(&timeline, &sources, &Fonts::default(), "x").unwrap_or_else(|e| panic!("{e}"));
            graph(&invocation).to_owned()
        };
        // The lo-fi bed (−25.4 LUFS) raised 3.7 dB to the speech's −21.7, then 35 % of it.
        let bed = music("lofi.mp3");
        assert!(bed.contains("volume=3.7dB,volume=0.35[m0]"), "{bed}");
        assert!(bed.contains("[ack]volume=-1.3dB,anull[key]"), "{bed}");
        // A song at −12 LUFS brought down 9.7 dB.
        assert!(music("/song.mp3").contains("volume=-9.7dB,volume=0.35[m0]"));
    }

    #[test]
    fn titles_are_drawn_centred_for_their_time_with_escaped_text() {
        let title = r#", {"tt": 7, "sg": [{"tx": "It's 100%: a\\b, [x];", "st": 0, "d": 3000, "pos": "bottom"}]}"#;
        let graph =
            render(&draft("", title, "")).args.iter().find(|a| a.contains("concat")).cloned().unwrap_or_default();
        assert!(
            graph.contains(
                r"[vc]drawtext=fontfile=/fonts/D.ttf:text=It\\\'s 100%\\: a\\\\b\, \[x\]\;:expansion=none:fontsize=18:fontcolor=white:borderw=1:bordercolor=black@0.8:x=(w-text_w)/2:y=h-text_h-11:enable='gte(t,-0.033)*lt(t,2.967)'[vt0];"
            ),
            "shown on the frames whose middle (half a frame at 15 fps on) is in 0–3 s: {graph}"
        );
        assert!(graph.ends_with("[vt0]null[vout]"), "{graph}");
    }

    #[test]
    fn a_fade_dips_to_black_across_the_join_and_silent_clips_get_silence() {
        let draft = r#"{"t": [{"tt": 0, "sg": [
            {"src": "/a.mp4", "st": 0, "d": 2000, "in": 0},
            {"src": "/silent.mp4", "st": 2000, "d": 2000, "in": 0, "fx": {"in": "fade", "ms": 1000}}
        ]}]}"#;
        let invocation = render(draft);
        let graph = graph(&invocation);
        assert!(graph.contains("setpts=PTS-STARTPTS,fade=t=out:st=1.500:d=0.500[v0]"), "{graph}");
        assert!(graph.contains("atrim=duration=2.000,afade=t=out:st=1.500:d=0.500[a0]"), "{graph}");
        assert!(graph.contains("setpts=PTS-STARTPTS,fade=t=in:st=0:d=0.500[v1]"), "{graph}");
        assert!(graph.contains("anullsrc=r=48000:cl=stereo,atrim=duration=2.000[a1]"), "{graph}");
        // Joined with silence, the sound is brought to the silence's shape first.
        assert!(
            graph
                .contains("[0:a]asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,"),
            "{graph}"
        );
        assert!(graph.contains("[v0][a0][v1][a1]concat=n=2:v=1:a=1[vc][ac]"), "{graph}");
        assert_eq!(invocation.duration_ms, 4000);
    }

    #[test]
    fn clips_close_together_share_one_input_and_far_ones_seek() {
        let clip = |src: &str, in_ms: i64, d: i64| Clip {
            src: src.into(),
            st: 0,
            in_ms,
            d,
            sp: 1.0,
            vol: 100.0,
            fade_ms: 0,
            cross: None,
            still: false,
        };
        let paused = [clip("/a", 0, 1550), clip("/a", 2450, 1600), clip("/b", 0, 1000), clip("/a", 4950, 1050)];
        let (inputs, uses) = inputs(&paused, &[0; 4]);
        assert_eq!(
            inputs,
            [Input { src: "/a".into(), start: 0, length: 6000 }, Input { src: "/b".into(), start: 0, length: 1000 }]
        );
        assert_eq!(uses, [(0, 0), (0, 2450), (1, 0), (0, 4950)]);

        let far = [clip("/a", 0, 10_000), clip("/a", 3_590_000, 10_000)];
        let (far_inputs, uses) = super::inputs(&far, &[16, 16]);
        assert_eq!(
            far_inputs.iter().map(|i| (i.start, i.length)).collect::<Vec<_>>(),
            [(0, 10_000), (3_589_984, 10_016)],
            "seeked half a frame early (the first cannot be)"
        );
        assert_eq!(uses, [(0, 0), (1, 16)]);
    }

    #[test]
    fn clips_of_one_input_are_trimmed_from_their_offset() {
        // The fade makes this a join clip by clip.
        let draft = r#"{"t": [{"tt": 0, "sg": [
            {"src": "/a.mp4", "st": 0, "d": 1550, "in": 0},
            {"src": "/a.mp4", "st": 1550, "d": 1600, "in": 2450, "fx": {"in": "fade", "ms": 400}}
        ]}]}"#;
        let invocation = render(draft);
        assert!(invocation.args.join(" ").contains("-ss 0.000 -t 4.150 -i /a.mp4 -filter_complex"));
        let graph = graph(&invocation);
        // Each chain keeps only its own stretch (and 100 ms of slack) before any other filter.
        assert!(graph.contains("[0:v]trim=start=0.000:end=1.650,setpts=(PTS-STARTPTS)/1,"), "{graph}");
        assert!(graph.contains("[0:a]atrim=start=0.000:end=1.650,asetpts="), "{graph}");
        // Frames from half a frame (at 15 fps) before the in-point, the sound from the in-point.
        assert!(graph.contains("[0:v]trim=start=2.417:end=4.150,setpts=(PTS-STARTPTS)/1,"), "{graph}");
        assert!(graph.contains("[0:a]atrim=start=2.450:end=4.150,asetpts="), "{graph}");
        assert!(graph.contains("concat=n=2:v=1:a=1[vc][ac]"), "{graph}");
    }

    #[test]
    fn a_file_with_pauses_left_out_is_one_select_chain_per_stream() {
        let draft = r#"{"t": [{"tt": 0, "sg": [
            {"src": "/a.mp4", "st": 0, "d": 1550, "in": 0},
            {"src": "/a.mp4", "st": 1550, "d": 1600, "in": 2450}
        ]}]}"#;
        let invocation = render(draft);
        assert_eq!(invocation.duration_ms, 3150);
        let graph = graph(&invocation);
        let keep = "gte(t,0.000)*lt(t,1.550)+gte(t,2.450)*lt(t,4.050)";
        // The picture's frames are counted from half a frame (33 ms at 15 fps) before each bound.
        let frames = "gte(t,0.000)*lt(t,1.517)+gte(t,2.417)*lt(t,4.017)";
        // …each in the stretch it was counted in, placed from the stretch's own start.
        let (close_frames, close) = ("(T-0.000-gte(T,2.417)*0.900)/TB", "(T-0.000-gte(T,2.450)*0.900)/TB");
        assert_eq!(
            graph,
            format!(
                "[0:v]select='{frames}',setpts='{close_frames}',setsar=1,tpad=stop_mode=clone:stop_duration=1,\
                 trim=duration=3.150[vc];[0:a]aselect='{keep}',asetpts='{close}',\
                 aresample=async=1:min_hard_comp=0.001:first_pts=0,apad,atrim=duration=3.150[ac];[ac]anull[aout];[vc]null[vout]"
            )
        );
    }

    #[test]
    fn no_video_or_an_unprobed_source_is_refused() {
        let none = build(&Timeline::default(), &sources(), &Fonts::default(), "x");
        assert_eq!(none, Err("the draft has no video to render".into()));
        let unknown =
            Timeline::parse(r#"{"t": [{"tt": 0, "sg": [{"src": "/nope.mp4", "d": 1000}]}]}"#).unwrap_or_default();
        assert_eq!(build(&unknown, &sources(), &Fonts::default(), "x"), Err("/nope.mp4 was not probed".into()));
    }
}
