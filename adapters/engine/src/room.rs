//! Room on the disk for a render, checked before it starts: offline, a file is read where it
//! lies whatever its size (no upload limit), so a long recording's render could otherwise fill
//! the disk half way and fail late. The render needs about what the kept part of its sources
//! weighs (a copy keeps the bytes; a re-encode at CRF 23 is rarely larger than a phone's own
//! encode), half as much again for the smart render's pieces, and a margin.

use std::path::Path;

use nemo_editor::EngineError;
use nemo_editor::draft::Timeline;

/// What a render never goes below, bytes: headers, the sound, a short clip's encode.
const MARGIN: u64 = 16 << 20;

/// The bytes a render of `timeline` needs, from each clip's share of its source file:
/// `sizes(src)` gives a source's size in bytes and length in ms.
#[must_use]
pub fn needed(timeline: &Timeline, sizes: impl Fn(&str) -> Option<(u64, i64)>) -> u64 {
    let kept: f64 = timeline
        .clips
        .iter()
        .filter_map(|clip| {
            let (bytes, length) = sizes(&clip.src)?;
            let share = if length > 0 { (clip.source_span() as f64 / length as f64).clamp(0.0, 1.0) } else { 1.0 };
            Some(bytes as f64 * share)
        })
        .sum();
    (kept * 1.5) as u64 + MARGIN
}

/// Whether `free` bytes are room for `needed` in `dir`; the error says how much and what to do.
///
/// # Errors
/// [`EngineError::Failed`] when they are not.
pub fn judge(needed: u64, free: u64, dir: &Path) -> Result<(), EngineError> {
    if free >= needed {
        return Ok(());
    }
    Err(EngineError::Failed(format!(
        "not enough disk space to render: about {} MB are needed in {} and {} MB are free — free some \
         space there, or point TMPDIR at a larger disk",
        needed.div_ceil(1_000_000),
        dir.display(),
        free / 1_000_000
    )))
}

/// The bytes free for this user in the file system holding `dir`; `None` when it cannot be read.
#[must_use]
pub fn free(dir: &Path) -> Option<u64> {
    let stats = nix::sys::statvfs::statvfs(dir).ok()?;
    Some(stats.blocks_available().saturating_mul(stats.fragment_size()))
}

#[cfg(test)]
mod tests {
    use nemo_editor::draft::Clip;

    use super::*;

    fn clip(in_ms: i64, d: i64) -> Clip {
        Clip { src: "/a.mp4".into(), st: 0, in_ms, d, sp: 1.0, vol: 100.0, fade_ms: 0, cross: None, still: false }
    }

    #[test]
    fn a_render_needs_its_clips_share_of_their_sources_and_a_margin() {
        let timeline = Timeline { clips: vec![clip(0, 30_000), clip(60_000, 30_000)], ..Timeline::default() };
        // A 600 MB, 10-minute recording of which a minute is kept: 60 MB, × 1.5, + 16 MiB.
        let needed = needed(&timeline, |_| Some((600_000_000, 600_000)));
        assert_eq!(needed, 90_000_000 + MARGIN);
        assert_eq!(super::needed(&timeline, |_| None), MARGIN, "an unknown source needs the margin alone");
    }

    #[test]
    fn too_little_room_is_refused_saying_how_much_and_what_to_do() {
        assert!(judge(100, 100, Path::new("/tmp")).is_ok());
        let refused = judge(2_000_000_000, 500_000_000, Path::new("/tmp/nemo")).err().map(|e| e.to_string());
        let refused = refused.unwrap_or_default();
        assert!(refused.contains("about 2000 MB are needed in /tmp/nemo and 500 MB are free"), "{refused}");
        assert!(refused.contains("TMPDIR"), "{refused}");
        assert!(free(Path::new("/")).is_some_and(|bytes| bytes > 0));
    }
}
