//! Reading an MP4 or QuickTime file's header (its `moov` box) in this process: which tracks
//! there are, the picture's size and frame rate, the length, and where each track's edit list
//! starts it. Enough to probe the common upload (a phone's or an editor's MP4/MOV) without
//! starting ffprobe, whose start-up alone (~65 ms for Debian's build, linked against some 200
//! libraries) is a third of a whole render of a short clip.
//!
//! The reading is total: any box it does not understand, a fragmented file (`mvex`), a header
//! larger than [`MAX_MOOV`] or a length of 0 gives `None`, and the caller asks ffprobe.
//! [`parse`] is a pure function of the `moov` box's bytes; [`read_moov`] finds them in a file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// A larger header is left to ffprobe (hours of video with a sample table each).
pub const MAX_MOOV: u64 = 64 << 20;

/// What the header says.
#[derive(Debug, Clone, PartialEq)]
pub struct Movie {
    /// The movie's length, in ms (`mvhd`).
    pub duration_ms: i64,
    /// Its tracks, in file order.
    pub tracks: Vec<Track>,
}

/// One track.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// Picture, sound or anything else (`hdlr`).
    pub kind: Kind,
    /// The sample entry's type (`avc1`, `hvc1`, `mp4a`, …).
    pub codec: [u8; 4],
    /// Pixels (visual sample entries only).
    pub width: u32,
    /// Pixels (visual sample entries only).
    pub height: u32,
    /// Whether the track's matrix (`tkhd`) turns the picture a quarter (90° or 270°): it is
    /// shown `height` wide and `width` tall.
    pub quarter_turn: bool,
    /// The visual sample entry's `colr` box (`nclx`/`nclc`): colour primaries, transfer and
    /// matrix codes (ITU-T H.273) and, for `nclx`, whether the range is full.
    pub colr: Option<(u16, u16, u16, Option<bool>)>,
    /// The visual sample entry's `pasp` box: a pixel's width to its height, when given.
    pub pasp: Option<(u32, u32)>,
    /// Samples (frames of picture, packets of sound), from `stts`.
    pub samples: u64,
    /// The shortest time between samples in the track's units (`stts`; a lone last sample's
    /// own length, which muxers often write shorter or longer, aside): the track's peak rate.
    pub shortest_delta: Option<u32>,
    /// Units per second of the track's own clock (`mdhd`).
    pub timescale: u32,
    /// The track's media length in its own units (`mdhd`).
    pub media_duration: u64,
    /// Where the presentation starts in the media, in the track's units: the one edit's
    /// `media_time` (an AAC encoder's priming samples), 0 without an edit list; `None` for an
    /// edit list this reader leaves to ffmpeg.
    pub media_start: Option<u64>,
}

/// A track's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `vide`.
    Video,
    /// `soun`.
    Audio,
    /// Timecode, text, hints and the like.
    Other,
}

/// The `moov` box's contents of the file at `path`, walking the top-level boxes; `Ok(None)`
/// when it is not an ISO media file (the first box is not one of `ftyp`, `moov`, `mdat`,
/// `free`, `skip`, `wide`), has no `moov`, or one larger than [`MAX_MOOV`].
///
/// # Errors
/// When the file cannot be read.
pub fn read_moov(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = File::open(path)?;
    let end = file.metadata()?.len();
    let mut at = 0;
    let mut first = true;
    while at + 8 <= end {
        file.seek(SeekFrom::Start(at))?;
        let mut head = Vec::with_capacity(16);
        (&mut file).take(16).read_to_end(&mut head)?;
        let Some(header) = BoxHeader::read(&head, end - at) else { return Ok(None) };
        if first && !matches!(&header.kind, b"ftyp" | b"moov" | b"mdat" | b"free" | b"skip" | b"wide") {
            return Ok(None);
        }
        first = false;
        if &header.kind == b"moov" {
            let length = header.size - header.header_len;
            if length > MAX_MOOV {
                return Ok(None);
            }
            file.seek(SeekFrom::Start(at + header.header_len))?;
            let mut body = vec![0; usize::try_from(length).unwrap_or(0)];
            file.read_exact(&mut body)?;
            return Ok(Some(body));
        }
        at += header.size;
    }
    Ok(None)
}

/// Reads the contents of a `moov` box; `None` when it is not a complete, unfragmented movie
/// with a length.
#[must_use]
pub fn parse(moov: &[u8]) -> Option<Movie> {
    let mut duration_ms = None;
    let mut tracks = Vec::new();
    for (kind, body) in boxes(moov) {
        match &kind {
            b"mvhd" => {
                let (timescale, duration) = timing(body)?;
                duration_ms = Some(ms(duration, timescale)?);
            }
            b"trak" => tracks.push(track(body)?),
            b"mvex" => return None,
            _ => {}
        }
    }
    let duration_ms = duration_ms.filter(|ms| *ms > 0)?;
    Some(Movie { duration_ms, tracks })
}

/// One `trak`.
fn track(trak: &[u8]) -> Option<Track> {
    let mdia = child(trak, b"mdia")?;
    let (timescale, media_duration) = timing(child(mdia, b"mdhd")?)?;
    let handler = child(mdia, b"hdlr")?.get(8..12)?;
    let kind = match handler {
        b"vide" => Kind::Video,
        b"soun" => Kind::Audio,
        _ => Kind::Other,
    };
    let stbl = child(child(mdia, b"minf")?, b"stbl")?;
    let stsd = child(stbl, b"stsd")?;
    // version+flags (4), entry count (4), then the first entry: size (4), type (4).
    let codec: [u8; 4] = stsd.get(12..16)?.try_into().ok()?;
    let (width, height) = match kind {
        // Sample entry: reserved (6), data reference (2), pre-defined and reserved (16),
        // then width and height (2 each) — from the entry's start at offset 8.
        Kind::Video => (u32::from(be16(stsd, 8 + 32)?), u32::from(be16(stsd, 8 + 34)?)),
        Kind::Audio | Kind::Other => (0, 0),
    };
    let colr = if kind == Kind::Video { entry_box(stsd, b"colr").and_then(colr) } else { None };
    let pasp = if kind == Kind::Video { entry_box(stsd, b"pasp").and_then(pasp) } else { None };
    let stts = child(stbl, b"stts")?;
    let samples = sample_count(stts)?;
    let shortest_delta = shortest_delta(stts);
    let quarter_turn = child(trak, b"tkhd").is_some_and(quarter_turn);
    let media_start = match child(trak, b"edts").and_then(|edts| child(edts, b"elst")) {
        Some(elst) => edits(elst),
        None => Some(0),
    };
    Some(Track {
        kind,
        codec,
        width,
        height,
        quarter_turn,
        colr,
        pasp,
        samples,
        shortest_delta,
        timescale,
        media_duration,
        media_start,
    })
}

/// A box among the first visual sample entry's boxes (after its 78 bytes of fixed fields,
/// from the entry's start at offset 8 of the `stsd`).
fn entry_box<'a>(stsd: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    let size = usize::try_from(be32(stsd, 8)?).ok()?;
    let children = stsd.get(8 + 8 + 78..(8 + size).min(stsd.len()))?;
    child(children, kind)
}

/// A `pasp` box's `hSpacing:vSpacing`; `None` when either is 0.
fn pasp(body: &[u8]) -> Option<(u32, u32)> {
    let (h, v) = (be32(body, 0)?, be32(body, 4)?);
    (h > 0 && v > 0).then_some((h, v))
}

/// A `colr` box's colour codes.
fn colr(body: &[u8]) -> Option<(u16, u16, u16, Option<bool>)> {
    let full_range = match body.get(..4)? {
        b"nclx" => Some(body.get(10)? & 0x80 != 0),
        b"nclc" => None,
        _ => return None,
    };
    Some((be16(body, 4)?, be16(body, 6)?, be16(body, 8)?, full_range))
}

/// Whether a `tkhd`'s matrix `[a b u; c d v; x y w]` is a quarter turn: `a = d = 0` and
/// `b`, `c` not (a zero matrix, which some writers leave, turns nothing).
fn quarter_turn(tkhd: &[u8]) -> bool {
    // After version+flags (4): times, id, reserved, duration (20, or 32 for version 1),
    // reserved (8), layer, group, volume, reserved (8): the matrix.
    let at = if tkhd.first() == Some(&1) { 4 + 32 + 16 } else { 4 + 20 + 16 };
    let entry = |k: usize| be32(tkhd, at + 4 * k).unwrap_or(0);
    entry(0) == 0 && entry(4) == 0 && entry(1) != 0 && entry(3) != 0
}

/// `(timescale, duration)` of an `mvhd` or `mdhd` (version 0: 32-bit times, 1: 64-bit).
fn timing(body: &[u8]) -> Option<(u32, u64)> {
    match body.first()? {
        0 => Some((be32(body, 12)?, u64::from(be32(body, 16)?))),
        1 => Some((be32(body, 20)?, be64(body, 24)?)),
        _ => None,
    }
}

/// The total of an `stts` table's sample counts.
fn sample_count(stts: &[u8]) -> Option<u64> {
    let entries = be32(stts, 4)?;
    (0..entries).try_fold(0u64, |total, i| {
        let at = 8usize.checked_add(usize::try_from(i).ok()?.checked_mul(8)?)?;
        total.checked_add(u64::from(be32(stts, at)?))
    })
}

/// The shortest delta of an `stts` over its entries (count, delta), a last entry of one
/// sample left out when there are others.
fn shortest_delta(stts: &[u8]) -> Option<u32> {
    let entries = usize::try_from(be32(stts, 4)?).ok()?;
    let entry = |i: usize| Some((be32(stts, 8 + 8 * i)?, be32(stts, 12 + 8 * i)?));
    (0..entries)
        .map_while(entry)
        .enumerate()
        .filter(|(i, (count, _))| *count > 0 && !(entries > 1 && *i + 1 == entries && *count == 1))
        .map(|(_, (_, delta))| delta)
        .filter(|delta| *delta > 0)
        .min()
}

/// Where an edit list starts the track in its media (its one real edit's media time), `None`
/// when the list is anything else: empty edits (a delayed start) or several real edits (a
/// re-cut inside the file) are left to ffmpeg.
fn edits(elst: &[u8]) -> Option<u64> {
    let version = *elst.first()?;
    let entries = be32(elst, 4)?;
    let width = if version == 1 { 20 } else { 12 };
    let at = 8;
    let media_time = match version {
        0 => i64::from(be32(elst, at + 4)?.cast_signed()),
        1 => be64(elst, at + 8)?.cast_signed(),
        _ => return None,
    };
    // Exactly one edit, and a real one; `width` bounds-checks that the entry is all there.
    elst.get(at..at + width)?;
    (entries == 1 && media_time >= 0).then(|| media_time.unsigned_abs())
}

/// The child boxes of a container's body, in order; stops at the first malformed header.
fn boxes(body: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = body;
    std::iter::from_fn(move || {
        let header = BoxHeader::read(rest, rest.len() as u64)?;
        let size = usize::try_from(header.size).ok()?;
        let start = usize::try_from(header.header_len).ok()?;
        let inner = rest.get(start..size)?;
        rest = rest.get(size..)?;
        Some((header.kind, inner))
    })
}

/// The first child box of this kind.
fn child<'a>(body: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(body).find(|(k, _)| k == kind).map(|(_, inner)| inner)
}

/// A box's header: its kind, whole size and header length.
struct BoxHeader {
    kind: [u8; 4],
    size: u64,
    header_len: u64,
}

impl BoxHeader {
    /// Reads a header from `bytes`, where `room` bytes remain in the parent (a size of 0
    /// means "to the end"); `None` when it is malformed or overruns the room.
    fn read(bytes: &[u8], room: u64) -> Option<Self> {
        let size32 = be32(bytes, 0)?;
        let kind: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
        let (size, header_len) = match size32 {
            0 => (room, 8),
            1 => (be64(bytes, 8)?, 16),
            n => (u64::from(n), 8),
        };
        (size >= header_len && size <= room).then_some(Self { kind, size, header_len })
    }
}

fn ms(units: u64, timescale: u32) -> Option<i64> {
    if timescale == 0 {
        return None;
    }
    let ms = (u128::from(units) * 1000 + u128::from(timescale) / 2) / u128::from(timescale);
    i64::try_from(ms).ok()
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn be64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A box of this kind around `body`.
    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(body.len() + 8).unwrap_or(u32::MAX).to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(body);
        out
    }

    /// A version-0 `mvhd`/`mdhd` body: version+flags, two times, timescale, duration.
    fn timed(timescale: u32, duration: u32) -> Vec<u8> {
        [[0; 4], [0; 4], [0; 4], timescale.to_be_bytes(), duration.to_be_bytes()].concat()
    }

    /// The `moov` body of a movie with these tracks, written the way muxers do.
    fn movie(movie_ms: u32, tracks: &[Track]) -> Vec<u8> {
        let mut moov = boxed(b"mvhd", &timed(1000, movie_ms));
        for track in tracks {
            let handler = match track.kind {
                Kind::Video => b"vide",
                Kind::Audio => b"soun",
                Kind::Other => b"tmcd",
            };
            let hdlr = boxed(b"hdlr", &[&[0; 8][..], handler, &[0; 12]].concat());
            let mut entry = [0u8; 78].to_vec();
            entry[24..26].copy_from_slice(&u16::try_from(track.width).unwrap_or(0).to_be_bytes());
            entry[26..28].copy_from_slice(&u16::try_from(track.height).unwrap_or(0).to_be_bytes());
            if let Some((primaries, transfer, matrix, full)) = track.colr {
                let codes = [primaries, transfer, matrix].map(u16::to_be_bytes).concat();
                let flag = [if full == Some(true) { 0x80 } else { 0 }];
                entry.extend(boxed(b"colr", &[&b"nclx"[..], &codes, &flag].concat()));
            }
            if let Some((h, v)) = track.pasp {
                entry.extend(boxed(b"pasp", &[h.to_be_bytes(), v.to_be_bytes()].concat()));
            }
            let stsd = boxed(b"stsd", &[&[0; 4][..], &1u32.to_be_bytes(), &boxed(&track.codec, &entry)].concat());
            let count = u32::try_from(track.samples).unwrap_or(0);
            let stts = boxed(b"stts", &[[0; 4], 1u32.to_be_bytes(), count.to_be_bytes(), 1u32.to_be_bytes()].concat());
            let stbl = boxed(b"stbl", &[stsd, stts].concat());
            let mdhd = boxed(b"mdhd", &timed(track.timescale, u32::try_from(track.media_duration).unwrap_or(0)));
            let mdia = boxed(b"mdia", &[mdhd, hdlr, boxed(b"minf", &stbl)].concat());
            let edts = match track.media_start {
                Some(0) | None => Vec::new(),
                Some(start) => {
                    let start = u32::try_from(start).unwrap_or(0).to_be_bytes();
                    let entry = [[0; 4], 1u32.to_be_bytes(), [0; 4], start, [0, 1, 0, 0]].concat();
                    boxed(b"edts", &boxed(b"elst", &entry))
                }
            };
            // The matrix: identity, or a quarter turn (b = 1, c = −1 in 16.16).
            let mut tkhd = [0u8; 84];
            let (a, b, c, d) =
                if track.quarter_turn { (0, 0x1_0000, 0xFFFF_0000, 0) } else { (0x1_0000, 0, 0, 0x1_0000) };
            for (k, value) in [(0, a), (1, b), (3, c), (4, d), (8, 0x4000_0000u32)] {
                tkhd[40 + 4 * k..44 + 4 * k].copy_from_slice(&value.to_be_bytes());
            }
            moov.extend(boxed(b"trak", &[boxed(b"tkhd", &tkhd), edts, mdia].concat()));
        }
        moov
    }

    fn a_track() -> impl Strategy<Value = Track> {
        let kinds = prop_oneof![Just(Kind::Video), Just(Kind::Audio), Just(Kind::Other)];
        (kinds, 1u32..4000, 1u32..3000, 0u64..100_000, any::<bool>()).prop_flat_map(
            |(kind, width, height, samples, turned)| {
                (1u32..100_000, 1u64..10_000_000, 0u64..5000).prop_map(move |(timescale, media_duration, start)| {
                    Track {
                        kind,
                        codec: if kind == Kind::Audio { *b"mp4a" } else { *b"avc1" },
                        width: if kind == Kind::Video { width } else { 0 },
                        height: if kind == Kind::Video { height } else { 0 },
                        quarter_turn: kind == Kind::Video && turned,
                        colr: (kind == Kind::Video && turned).then_some((9, 18, 9, Some(false))),
                        pasp: (kind == Kind::Video && width % 3 == 0).then_some((2, 3)),
                        samples,
                        shortest_delta: (samples > 0).then_some(1),
                        timescale,
                        media_duration,
                        media_start: Some(start),
                    }
                })
            },
        )
    }

    #[test]
    fn a_fragmented_movie_a_missing_length_and_an_empty_edit_are_left_to_ffprobe() {
        let track = Track {
            kind: Kind::Audio,
            codec: *b"mp4a",
            width: 0,
            height: 0,
            quarter_turn: false,
            colr: None,
            pasp: None,
            samples: 10,
            shortest_delta: Some(1),
            timescale: 48_000,
            media_duration: 480_000,
            media_start: Some(1024),
        };
        let plain = movie(10_000, std::slice::from_ref(&track));
        assert_eq!(parse(&plain).map(|m| (m.duration_ms, m.tracks)), Some((10_000, vec![track])));
        assert_eq!(parse(&[plain.clone(), boxed(b"mvex", &[])].concat()), None);
        assert_eq!(parse(&movie(0, &[])), None);
        let empty_edit =
            [[0; 4], 1u32.to_be_bytes(), 500u32.to_be_bytes(), (-1i32).to_be_bytes(), [0, 1, 0, 0]].concat();
        assert_eq!(edits(&empty_edit), None);
    }

    proptest! {
        #[test]
        fn a_written_header_reads_back(movie_ms in 1u32..100_000_000, tracks in proptest::collection::vec(a_track(), 0..4)) {
            let read = parse(&movie(movie_ms, &tracks));
            prop_assert_eq!(read, Some(Movie { duration_ms: i64::from(movie_ms), tracks }));
        }

        #[test]
        fn any_bytes_read_as_a_movie_or_nothing(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            prop_assert!(parse(&bytes).is_none_or(|movie| movie.duration_ms > 0));
        }

        #[test]
        fn a_damaged_header_reads_as_a_movie_or_nothing(
            tracks in proptest::collection::vec(a_track(), 1..3),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = movie(5000, &tracks);
            let i = at.index(bytes.len());
            bytes[i] = byte;
            prop_assert!(parse(&bytes).is_none_or(|movie| movie.duration_ms > 0));
            prop_assert!(parse(&bytes[..cut.index(bytes.len())]).is_none_or(|movie| movie.duration_ms > 0));
        }
    }
}
