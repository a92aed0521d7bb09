//! What may be uploaded: the formats the service accepts and its 500 MB limit, checked before
//! a single byte is sent. [`SUPPORTED`] is the service's table and nothing else; what a
//! backend takes is an [`Accepts`]: the cloud's ([`Accepts::CLOUD`]: its table, 500 MB), or
//! another backend's (the offline editor: subtitle files too, and no size limit — nothing is
//! uploaded, a file is read where it lies), checked with [`LocalMedia::check_among`].

use std::fmt;

/// The upload limit per file: 500 MB (decimal, as the service states it).
pub const MAX_UPLOAD_BYTES: u64 = 500 * 1000 * 1000;

/// What a backend takes as an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepts {
    /// Kinds beyond the service's table: an extension without the dot (any case) and its kind.
    pub extra: &'static [(&'static str, MediaKind)],
    /// The largest file, bytes; `None`: any size.
    pub max_bytes: Option<u64>,
}

impl Accepts {
    /// The cloud's: its table, up to [`MAX_UPLOAD_BYTES`].
    pub const CLOUD: Self = Self { extra: &[], max_bytes: Some(MAX_UPLOAD_BYTES) };
}

/// The kind of an asset, as in the service's `file_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// mp4, mov, avi, webm, mkv.
    Video,
    /// jpg (jpeg), png, gif, webp.
    Image,
    /// mp3, wav, m4a, aac.
    Audio,
    /// Timed text (SRT, WebVTT): not a kind the service accepts (it is in no table here); the
    /// offline editor takes it.
    Subtitles,
}

impl MediaKind {
    /// The wire name (`video`, `image`, `audio`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::Audio => "audio",
            Self::Subtitles => "subtitles",
        }
    }

    /// Parses the wire name.
    #[must_use]
    pub fn from_wire(name: &str) -> Option<Self> {
        match name {
            "video" => Some(Self::Video),
            "image" => Some(Self::Image),
            "audio" => Some(Self::Audio),
            "subtitles" => Some(Self::Subtitles),
            _ => None,
        }
    }

    /// The kind a file extension (any case, without the dot) stands for, if supported.
    #[must_use]
    pub fn from_extension(ext: &str) -> Option<Self> {
        let ext = ext.to_ascii_lowercase();
        SUPPORTED.iter().find(|(e, _)| *e == ext).map(|(_, kind)| *kind)
    }
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every extension the service accepts, with its kind, in the order the service lists them.
pub const SUPPORTED: &[(&str, MediaKind)] = &[
    ("mp4", MediaKind::Video),
    ("mov", MediaKind::Video),
    ("avi", MediaKind::Video),
    ("webm", MediaKind::Video),
    ("mkv", MediaKind::Video),
    ("jpg", MediaKind::Image),
    ("jpeg", MediaKind::Image),
    ("png", MediaKind::Image),
    ("gif", MediaKind::Image),
    ("webp", MediaKind::Image),
    ("mp3", MediaKind::Audio),
    ("wav", MediaKind::Audio),
    ("m4a", MediaKind::Audio),
    ("aac", MediaKind::Audio),
];

/// The MIME type of a file name or path by its extension (any case);
/// `application/octet-stream` for anything not in [`SUPPORTED`].
#[must_use]
pub fn mime_type(path: &str) -> &'static str {
    match extension(path).unwrap_or_default().to_ascii_lowercase().as_str() {
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "avi" => "video/x-msvideo",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        _ => "application/octet-stream",
    }
}

/// The supported formats as one human line: `video: mp4, mov, ...; image: ...; audio: ...`.
#[must_use]
pub fn supported_formats_line() -> String {
    [MediaKind::Video, MediaKind::Image, MediaKind::Audio]
        .iter()
        .map(|kind| {
            let exts: Vec<&str> = SUPPORTED.iter().filter(|(_, k)| k == kind).map(|(e, _)| *e).collect();
            format!("{kind}: {}", exts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a file or URL cannot be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaRefusal {
    /// The extension is not one the service accepts.
    #[error("{name}: .{ext} files are not supported")]
    UnsupportedFormat {
        /// The file or URL as given.
        name: String,
        /// Its extension (empty when it has none).
        ext: String,
    },
    /// The file is larger than [`MAX_UPLOAD_BYTES`].
    #[error("{name} is {size} bytes, over the 500 MB limit")]
    TooLarge {
        /// The file as given.
        name: String,
        /// Its size in bytes.
        size: u64,
    },
    /// A URL that is not `http(s)://host/...`.
    #[error("{0} is not an http(s) URL")]
    NotAUrl(String),
}

/// A local file checked for upload: supported extension, size within the limit. The size is
/// read by the caller (the domain does not touch the filesystem); the adapter streams the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMedia {
    path: String,
    size: u64,
    kind: MediaKind,
}

impl LocalMedia {
    /// Checks a file the caller has found at `path` with `size` bytes.
    ///
    /// # Errors
    /// [`MediaRefusal::UnsupportedFormat`] or [`MediaRefusal::TooLarge`].
    pub fn check(path: impl Into<String>, size: u64) -> Result<Self, MediaRefusal> {
        Self::check_among(path, size, &Accepts::CLOUD)
    }

    /// [`LocalMedia::check`] for a backend that takes what `accepts` says.
    ///
    /// # Errors
    /// [`MediaRefusal::UnsupportedFormat`] or [`MediaRefusal::TooLarge`].
    pub fn check_among(path: impl Into<String>, size: u64, accepts: &Accepts) -> Result<Self, MediaRefusal> {
        let path = path.into();
        let ext = extension(&path).unwrap_or_default().to_owned();
        let more = || accepts.extra.iter().find(|(e, _)| e.eq_ignore_ascii_case(&ext)).map(|(_, kind)| *kind);
        let kind = MediaKind::from_extension(&ext)
            .or_else(more)
            .ok_or_else(|| MediaRefusal::UnsupportedFormat { name: path.clone(), ext })?;
        if accepts.max_bytes.is_some_and(|max| size > max) {
            return Err(MediaRefusal::TooLarge { name: path, size });
        }
        Ok(Self { path, size, kind })
    }

    /// The path as the caller gave it.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The file name without its folders (the multipart filename).
    #[must_use]
    pub fn file_name(&self) -> &str {
        file_name(&self.path)
    }

    /// Size in bytes.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The kind its extension stands for.
    #[must_use]
    pub fn kind(&self) -> MediaKind {
        self.kind
    }
}

/// A remote media URL checked for upload by URL: `http(s)://` and a supported extension on
/// its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUrl(String);

impl MediaUrl {
    /// Checks a URL.
    ///
    /// # Errors
    /// [`MediaRefusal::NotAUrl`] or [`MediaRefusal::UnsupportedFormat`].
    pub fn check(url: impl Into<String>) -> Result<Self, MediaRefusal> {
        let url = url.into();
        let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
            return Err(MediaRefusal::NotAUrl(url));
        };
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        if !path.contains('/') || path.starts_with('/') || url.chars().any(char::is_whitespace) {
            return Err(MediaRefusal::NotAUrl(url));
        }
        let ext = extension(path).unwrap_or_default().to_owned();
        if MediaKind::from_extension(&ext).is_none() {
            return Err(MediaRefusal::UnsupportedFormat { name: url, ext });
        }
        Ok(Self(url))
    }

    /// The URL.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The extension of the last path component, without the dot.
#[must_use]
pub fn extension(path: &str) -> Option<&str> {
    let name = file_name(path);
    name.rfind('.').filter(|&i| i > 0).map(|i| &name[i + 1..])
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_listed_format_in_any_case() {
        for (ext, kind) in SUPPORTED {
            let media = LocalMedia::check(format!("clips/a.{}", ext.to_uppercase()), 10).unwrap();
            assert_eq!(media.kind(), *kind);
            assert_eq!(media.file_name(), format!("a.{}", ext.to_uppercase()));
        }
    }

    #[test]
    fn refuses_unknown_formats_and_files_over_the_limit() {
        assert_eq!(
            LocalMedia::check("notes.txt", 1),
            Err(MediaRefusal::UnsupportedFormat { name: "notes.txt".into(), ext: "txt".into() })
        );
        assert!(matches!(LocalMedia::check(".mp4", 1), Err(MediaRefusal::UnsupportedFormat { .. })));
        assert!(LocalMedia::check("a.mp4", MAX_UPLOAD_BYTES).is_ok());
        assert_eq!(
            LocalMedia::check("a.mp4", MAX_UPLOAD_BYTES + 1),
            Err(MediaRefusal::TooLarge { name: "a.mp4".into(), size: MAX_UPLOAD_BYTES + 1 })
        );
    }

    #[test]
    fn urls_need_a_scheme_a_path_and_a_media_extension() {
        assert!(MediaUrl::check("https://cdn.example.com/v/clip.mp4?sig=1").is_ok());
        assert!(matches!(MediaUrl::check("ftp://x/clip.mp4"), Err(MediaRefusal::NotAUrl(_))));
        assert!(matches!(MediaUrl::check("https://example.com"), Err(MediaRefusal::NotAUrl(_))));
        assert!(matches!(
            MediaUrl::check("https://example.com/page.html"),
            Err(MediaRefusal::UnsupportedFormat { .. })
        ));
    }

    #[test]
    fn every_supported_format_has_a_mime_type_of_its_kind() {
        for (ext, kind) in SUPPORTED {
            let mime = mime_type(&format!("dir/a.{}", ext.to_uppercase()));
            assert!(mime.starts_with(kind.as_str()), ".{ext} → {mime}");
        }
        assert_eq!(mime_type("a.m4a"), "audio/mp4");
        assert_eq!(mime_type("notes"), "application/octet-stream");
    }

    #[test]
    fn the_formats_line_lists_every_kind() {
        assert_eq!(
            supported_formats_line(),
            "video: mp4, mov, avi, webm, mkv; image: jpg, jpeg, png, gif, webp; audio: mp3, wav, m4a, aac"
        );
    }
}
