//! The draft's schema as this project writes and reads it (`docs/draft-keys.md`): the track
//! types, the defaults every reader shares, the typed reading a render needs ([`read`]) and
//! the edits the instructions make ([`edit`]). One place, used by the editor and by
//! `nemo-engine` alike, so a default (the music's 35 %, say) cannot differ between them.

pub mod edit;
pub mod read;

pub use read::{Clip, Cross, Fit, Music, Timeline, Title};

/// A track's type (`tt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackType {
    /// `0`: video clips.
    Video,
    /// `1`: audio (background music, voice).
    Audio,
    /// `7`: text (titles, subtitles).
    Text,
}

impl TrackType {
    /// Its number in the draft.
    #[must_use]
    pub const fn code(self) -> i64 {
        match self {
            Self::Video => 0,
            Self::Audio => 1,
            Self::Text => 7,
        }
    }

    /// The type a `tt` number names (floats such as `7.0` accepted), if one of ours.
    #[must_use]
    pub fn from_code(code: f64) -> Option<Self> {
        [Self::Video, Self::Audio, Self::Text].into_iter().find(|kind| kind.code() as f64 == code)
    }
}

/// How long a title stays on screen unless told otherwise, ms.
pub const TITLE_MS: i64 = 3000;
/// The volume of background music unless told otherwise, percent.
pub const MUSIC_VOLUME: u8 = 35;
/// The volume of a clip's own sound unless told otherwise, percent.
pub const CLIP_VOLUME: f64 = 100.0;
/// The display name of the library's one music track.
pub const LIBRARY_MUSIC_NAME: &str = "Lo-fi";
/// The library track's `src`: not a file, so the engine renders it as a generated bed.
pub const LIBRARY_MUSIC_SRC: &str = "lofi.mp3";
/// How long a fade between clips lasts unless told otherwise, ms.
pub const FADE_MS: i64 = 500;
/// `fx.in` of a dip to black between clips (each fades over half, no overlap).
pub const FADE: &str = "fade";
/// `fx.in` of a dissolve centred on a cut.
pub const DISSOLVE: &str = "dissolve";
/// `fx.in` of a fade through black centred on a cut.
pub const BLACK: &str = "black";
/// How long a transition at a cut lasts unless told otherwise, ms.
pub const TRANSITION_MS: i64 = 300;
/// `m.fit`: a picture of another shape over a blurred, zoomed copy of itself (the default of
/// a new aspect), cropped to fill, or letterboxed with black bars.
pub const FIT_BLUR: &str = "blur";
/// `m.fit`: cropped to fill the canvas.
pub const FIT_CROP: &str = "crop";
/// `m.fit`: letterboxed (black bars); what a draft without `m.fit` gets.
pub const FIT_PAD: &str = "pad";
/// A text track's `m.role` for captions (subtitles).
pub const CAPTIONS_ROLE: &str = "subtitle";
/// The `src` of a title card's background: not a file, a plain dark picture the engine makes.
pub const CARD_SRC: &str = "card";
/// How long a photo shows unless told otherwise, ms.
pub const PHOTO_MS: i64 = 3000;
/// `m.quality` of a render in high quality.
pub const HIGH_QUALITY: &str = "high";
/// Where a title sits unless told otherwise.
pub const TITLE_POSITION: &str = "center";

/// The canvas of an aspect ratio: 9:16 → 1080×1920, 1:1 → 1080×1080, else 1920×1080.
#[must_use]
pub fn canvas_of(ratio: &str) -> (u32, u32) {
    match ratio {
        "9:16" => (1080, 1920),
        "1:1" => (1080, 1080),
        _ => (1920, 1080),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn track_types_read_back_from_their_codes() {
        for kind in [TrackType::Video, TrackType::Audio, TrackType::Text] {
            assert_eq!(TrackType::from_code(kind.code() as f64), Some(kind));
        }
        assert_eq!(TrackType::from_code(7.0), Some(TrackType::Text));
        assert_eq!(TrackType::from_code(2.0), None);
    }
}
