//! The silences of an MP4's AAC sound, found in this process: symphonia (pure Rust) demuxes
//! and decodes it, the encoder's priming samples are skipped as the edit list says (as ffmpeg
//! does), and [`Detector`] applies `silencedetect`'s rule. For the common upload, removing
//! pauses then starts no ffmpeg at all; anything else — another container or codec, two sound
//! tracks, an edit list beyond one plain edit, a decoding error, even a panic inside the
//! decoder — is `None`, and the caller runs ffmpeg's `silencedetect`.

use std::fs::File;
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CODEC_TYPE_AAC, Decoder, DecoderOptions};
use symphonia::core::errors::Error;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::default::codecs::AacDecoder;
use symphonia::default::formats::IsoMp4Reader;

use crate::mp4::{self, Kind};
use crate::quiet::Detector;
use crate::silence::Silence;

/// The silences (ms) of `path`'s sound: quieter than `threshold` of full scale for at least
/// `min_silence_s`; `None` when this reader cannot tell and ffmpeg must.
#[must_use]
pub fn silences(path: &Path, threshold: f32, min_silence_s: f64) -> Option<Vec<Silence>> {
    let moov = mp4::read_moov(path).ok()??;
    let movie = mp4::parse(&moov)?;
    let mut sound = movie.tracks.iter().filter(|track| track.kind == Kind::Audio);
    let track = sound.next()?;
    if sound.next().is_some() || &track.codec != b"mp4a" || track.timescale == 0 {
        return None;
    }
    let start = track.media_start?;
    let timescale = track.timescale;
    // A decoder bug must cost a fallback, not the process.
    std::panic::catch_unwind(|| decode(path, start, timescale, threshold, min_silence_s)).ok()?
}

/// Decodes the one AAC track, dropping the first `start` units (of `timescale` per second).
fn decode(path: &Path, start: u64, timescale: u32, threshold: f32, min_silence_s: f64) -> Option<Vec<Silence>> {
    let source = MediaSourceStream::new(Box::new(File::open(path).ok()?), Default::default());
    let mut reader = IsoMp4Reader::try_new(source, &FormatOptions::default()).ok()?;
    let mut aac = reader.tracks().iter().filter(|track| track.codec_params.codec == CODEC_TYPE_AAC);
    let track = aac.next()?;
    if aac.next().is_some() {
        return None;
    }
    let (id, params) = (track.id, track.codec_params.clone());
    let rate = params.sample_rate.filter(|rate| *rate > 0)?;
    let mut decoder = AacDecoder::try_new(&params, &DecoderOptions::default()).ok()?;
    let mut skip = u64::try_from(u128::from(start) * u128::from(rate) / u128::from(timescale)).ok()?;
    let min_frames = (min_silence_s * f64::from(rate)).round() as u64;
    let mut detector: Option<Detector> = None;
    let mut buffer: Option<SampleBuffer<f32>> = None;
    loop {
        let packet = match reader.next_packet() {
            Ok(packet) => packet,
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(_) => return None,
        };
        if packet.track_id() != id {
            continue;
        }
        let decoded = decoder.decode(&packet).ok()?;
        let spec = *decoded.spec();
        let channels = spec.channels.count();
        let buffer = match &mut buffer {
            Some(buffer) if buffer.capacity() >= decoded.capacity() * channels => buffer,
            slot => slot.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
        };
        buffer.copy_interleaved_ref(decoded);
        let detector = detector.get_or_insert_with(|| Detector::new(threshold, min_frames, channels));
        let samples = buffer.samples();
        let frames = (samples.len() / channels.max(1)) as u64;
        let dropped = skip.min(frames);
        skip -= dropped;
        detector.push(&samples[usize::try_from(dropped).ok()? * channels..]);
    }
    let to_ms = |frame: u64| {
        i64::try_from((u128::from(frame) * 1000 + u128::from(rate) / 2) / u128::from(rate)).unwrap_or(i64::MAX)
    };
    let found = detector.map(Detector::finish).unwrap_or_default();
    Some(found.into_iter().map(|(from, to)| (to_ms(from), to.map(to_ms))).collect())
}
