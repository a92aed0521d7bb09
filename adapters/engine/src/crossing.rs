//! Clips joined by transitions centred on their cuts (`fx` `dissolve` or `black`): each clip
//! is read with a handle of half a transition from its source on each side, the picture is
//! joined with `xfade` (`fade` or `fadeblack`) and the sound with `acrossfade`, so a cut is
//! blended over its transition and the timeline keeps its length — the handles make up for
//! the overlap. A transition is shortened to what both clips and their sources allow (half
//! of it must fit before the next clip's in-point and after this clip's out-point, and it is
//! never longer than either clip); under two frames it is a plain cut.
//!
//! Every clip is its own input here, seeked to its handle's start; every piece is brought to
//! the canvas's size and rate (xfade needs both sides alike), its sound to 48 kHz stereo.
//! Stills go this way too, with or without transitions: a photo is one picture zoomed in
//! slowly over its time (`zoompan`, from a copy twice the canvas's size so the motion is
//! smooth), a title card's background a plain dark picture (`color`); a still can be shown
//! for any length, so its handles are never short.

use std::fmt::Write;

use nemo_editor::draft::{CARD_SRC, Clip};

use crate::graph::{Canvas, SLACK_MS, Source, atempo, audible, fades, fit_filter, num, rate, secs, volume};

/// One clip as read for the join: its input, where it starts in the source, and how long
/// it runs with its handles (timeline ms).
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The source file.
    pub src: String,
    /// Where reading starts in the source, ms.
    pub from_ms: i64,
    /// How much source is read, ms (the piece's length times its speed, plus slack).
    pub read_ms: i64,
    /// Its length with the handles, timeline ms.
    pub length: i64,
}

/// Whether the clips are joined here: a transition centred on a cut, or a still.
#[must_use]
pub fn applies(clips: &[Clip]) -> bool {
    clips.iter().skip(1).any(|clip| clip.cross.is_some()) || clips.iter().any(|clip| clip.still)
}

/// The background of a title card.
const CARD_COLOUR: &str = "0x141c24";

/// The input arguments of one piece: a clip seeked to its handle, a photo as one picture, a
/// card made by `lavfi`.
#[must_use]
pub fn input(piece: &Piece, clip: &Clip, canvas: &Canvas) -> Vec<String> {
    if clip.src == CARD_SRC {
        let colour = format!(
            "color=c={CARD_COLOUR}:s={}x{}:r={}:d={}",
            canvas.width,
            canvas.height,
            rate(canvas.fps),
            secs(piece.read_ms)
        );
        return vec!["-f".into(), "lavfi".into(), "-i".into(), colour];
    }
    if clip.still {
        return vec!["-i".into(), piece.src.clone()];
    }
    vec!["-ss".into(), secs(piece.from_ms), "-t".into(), secs(piece.read_ms), "-i".into(), piece.src.clone()]
}

/// The picture filters of a piece up to its common tail: a clip sped and fitted, a photo
/// zoomed, a card as it is.
fn picture(clip: &Clip, source: &Source, piece: &Piece, canvas: &Canvas) -> String {
    let fps = rate(canvas.fps);
    if clip.src == CARD_SRC {
        return String::new();
    }
    if clip.still {
        let (w, h) = (canvas.width, canvas.height);
        let frames = (piece.length as f64 * canvas.fps / 1000.0).ceil() as i64 + 1;
        return format!(
            "scale={}:{}:force_original_aspect_ratio=increase,crop={}:{},\
             zoompan=z='1+0.08*on/{frames}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d={frames}:s={w}x{h}:fps={fps},",
            2 * w,
            2 * h,
            2 * w,
            2 * h
        );
    }
    format!("setpts=(PTS-STARTPTS)/{sp},fps={fps},{fit}", sp = num(clip.sp), fit = fit_filter(source, canvas))
}

/// The transition at each cut (`cuts[i]` between clip `i` and `i + 1`), ms, as long as the
/// clips and their sources allow; 0 for a plain cut.
#[must_use]
pub fn lengths(clips: &[Clip], sources: &[&Source], fps: f64) -> Vec<i64> {
    let frame = (1000.0 / fps.max(1.0)).ceil() as i64;
    let before = |i: usize| if clips[i].still { i64::MAX / 4 } else { (clips[i].in_ms as f64 / clips[i].sp) as i64 };
    let after = |i: usize| {
        if clips[i].still {
            return i64::MAX / 4;
        }
        let used = clips[i].in_ms + clips[i].source_span();
        ((sources[i].duration_ms - used).max(0) as f64 / clips[i].sp) as i64
    };
    (1..clips.len())
        .map(|i| {
            let asked = clips[i].cross.map_or(0, |cross| cross.ms);
            let fits = asked.min(clips[i - 1].d).min(clips[i].d).min(2 * after(i - 1)).min(2 * before(i));
            let even = fits - fits % 2;
            if even < 2 * frame { 0 } else { even }
        })
        .collect()
}

/// The pieces for `clips` with transitions `cuts` (from [`lengths`]).
#[must_use]
pub fn pieces(clips: &[Clip], cuts: &[i64]) -> Vec<Piece> {
    clips
        .iter()
        .enumerate()
        .map(|(i, clip)| {
            let head = if i == 0 { 0 } else { cuts[i - 1] / 2 };
            let tail = cuts.get(i).map_or(0, |ms| ms / 2);
            let length = clip.d + head + tail;
            let from_ms = (clip.in_ms - (head as f64 * clip.sp).round() as i64).max(0);
            Piece {
                src: clip.src.clone(),
                from_ms,
                read_ms: (length as f64 * clip.sp).round() as i64 + SLACK_MS,
                length,
            }
        })
        .collect()
}

/// The graph joining the pieces (input `first_input + i` is piece `i`) into `[vc]` and, with
/// `sound`, `[ac]`.
#[allow(clippy::too_many_arguments)]
pub fn join(
    graph: &mut String,
    clips: &[Clip],
    sources: &[&Source],
    pieces: &[Piece],
    cuts: &[i64],
    first_input: usize,
    canvas: &Canvas,
    sound: bool,
) {
    for (i, ((clip, source), piece)) in clips.iter().zip(sources).zip(pieces).enumerate() {
        let input = first_input + i;
        let fade_in = if clip.cross.is_some() { 0 } else { clip.fade_ms / 2 };
        let fade_out = clips.get(i + 1).filter(|next| next.cross.is_none()).map_or(0, |next| next.fade_ms / 2);
        let d = secs(piece.length);
        let _ = write!(
            graph,
            "[{input}:v]{picture}setsar=1,format=yuv420p,\
             tpad=stop_mode=clone:stop_duration=1,trim=duration={d},setpts=PTS-STARTPTS,settb=AVTB{fades}[p{i}];",
            picture = picture(clip, source, piece, canvas),
            fades = fades("fade", fade_in, fade_out, piece.length),
        );
        if sound {
            if audible(clip, source) {
                let _ = write!(
                    graph,
                    "[{input}:a]asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo\
                     {tempo}{volume},apad,atrim=duration={d}{fades}[q{i}];",
                    tempo = atempo(clip.sp),
                    volume = volume(clip.vol),
                    fades = fades("afade", fade_in, fade_out, piece.length),
                );
            } else {
                let _ = write!(graph, "anullsrc=r=48000:cl=stereo,atrim=duration={d}[q{i}];");
            }
        }
    }
    let (mut video, mut audio, mut length) = ("p0".to_owned(), "q0".to_owned(), pieces[0].length);
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        let cut = cuts[i - 1];
        let (v, a) = (format!("x{i}"), format!("y{i}"));
        if cut > 0 {
            let kind = if clips[i].cross.is_some_and(|cross| cross.black) { "fadeblack" } else { "fade" };
            let _ = write!(
                graph,
                "[{video}][p{i}]xfade=transition={kind}:duration={}:offset={}[{v}];",
                secs(cut),
                secs(length - cut)
            );
            if sound {
                let _ = write!(graph, "[{audio}][q{i}]acrossfade=d={}:c1=tri:c2=tri[{a}];", secs(cut));
            }
        } else {
            let _ = write!(graph, "[{video}][p{i}]concat=n=2:v=1:a=0[{v}];");
            if sound {
                let _ = write!(graph, "[{audio}][q{i}]concat=n=2:v=0:a=1[{a}];");
            }
        }
        length += piece.length - cut;
        (video, audio) = (v, a);
    }
    let _ = write!(graph, "[{video}]null[vc];");
    if sound {
        let _ = write!(graph, "[{audio}]anull[ac];");
    }
}

#[cfg(test)]
mod tests {
    use nemo_editor::draft::Cross;

    use super::*;

    fn clip(in_ms: i64, d: i64, cross: Option<i64>) -> Clip {
        let cross = cross.map(|ms| Cross { ms, black: false });
        Clip { src: "/a.mp4".into(), st: 0, in_ms, d, sp: 1.0, vol: 100.0, fade_ms: 0, cross, still: false }
    }

    #[test]
    fn transitions_are_centred_on_cuts_and_shortened_to_what_fits() {
        let source =
            Source { has_audio: true, width: 320, height: 180, fps: 15.0, duration_ms: 6000, ..Source::default() };
        let sources = [&source, &source, &source];
        // Kept 0-1.5 s, 2.5-4 s, 5-6 s of a 6 s file (two pauses removed).
        let clips = [clip(0, 1500, None), clip(2500, 1500, Some(300)), clip(5000, 1000, Some(300))];
        let cuts = lengths(&clips, &sources, 15.0);
        assert_eq!(cuts, [300, 300]);
        let pieces = pieces(&clips, &cuts);
        assert_eq!(
            pieces.iter().map(|p| (p.from_ms, p.length)).collect::<Vec<_>>(),
            [(0, 1650), (2350, 1800), (4850, 1150)]
        );
        let total: i64 = pieces.iter().map(|p| p.length).sum::<i64>() - cuts.iter().sum::<i64>();
        assert_eq!(total, 4000, "the timeline keeps its length");

        // The last clip ends the file: no handle after it, so nothing after it to blend.
        let short = [clip(0, 1500, None), clip(1600, 60, Some(300))];
        assert_eq!(lengths(&short, &sources[..2], 15.0), [0], "a 60 ms clip leaves less than two frames");
        let edge = [clip(5500, 400, None), clip(100, 1000, Some(1000))];
        assert_eq!(lengths(&edge, &sources[..2], 15.0), [200], "100 ms of source on each side of the cut");

        let mut graph = String::new();
        let canvas = Canvas { width: 320, height: 180, fps: 15.0 };
        join(&mut graph, &clips, &sources, &pieces, &cuts, 0, &canvas, true);
        assert!(graph.contains("[p0][p1]xfade=transition=fade:duration=0.300:offset=1.350[x1];"), "{graph}");
        assert!(graph.contains("[x1][p2]xfade=transition=fade:duration=0.300:offset=2.850[x2];"), "{graph}");
        assert!(graph.contains("[q0][q1]acrossfade=d=0.300:c1=tri:c2=tri[y1];"), "{graph}");
        assert!(graph.ends_with("[x2]null[vc];[y2]anull[ac];"), "{graph}");
    }
}
