//! Attribution profiles (`--skill`) and the three `X-Skill-*` headers every request carries.
//!
//! A profile names the skill the traffic is attributed to (`X-Skill-Source`), its version
//! (`X-Skill-Version`) and its own hints for the user. The platform (`X-Skill-Platform`) comes
//! from the environment and the executable's path, both read by the caller and passed in.
//! A request without these headers is refused on export by the service (HTTP 402), so
//! [`Attribution::headers`] always yields three valid header values.

/// The profile used when none is chosen.
pub const DEFAULT_PROFILE: &str = "nemoctl";

/// The longest header value [`Attribution::headers`] emits, in bytes; longer values are cut.
pub const MAX_HEADER_VALUE_LEN: usize = 64;

/// An attribution profile: who the traffic is attributed to, and what to suggest to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// The name (`--skill NAME`), sent as `X-Skill-Source`.
    pub name: &'static str,
    /// The version, sent as `X-Skill-Version`.
    pub version: &'static str,
    /// One line for `nemoctl skills`.
    pub description: &'static str,
    /// Example prompts and tips shown to the user.
    pub hints: &'static [&'static str],
}

const PROFILES: &[Profile] = &[
    Profile {
        name: DEFAULT_PROFILE,
        version: env!("CARGO_PKG_VERSION"),
        description: "nemoctl itself: edit raw footage into finished MP4s from plain-language instructions",
        hints: &[
            "trim the pauses, add a title, export 1080p",
            "nemoctl edit clip.mp4 -p \"trim the pauses, add transitions\" does it all in one command",
            "MP4, MOV, AVI and WebM up to 500 MB work best",
        ],
    },
    Profile {
        name: "free-editing-with-ai",
        version: "1.0.0",
        description: "Free AI editing of raw footage, from the free-editing-with-ai skill",
        hints: &[
            "trim the pauses, add transitions, and export a clean final cut",
            "Shorter clips under 3 minutes process noticeably faster",
            "Export as MP4 for widest compatibility across platforms",
        ],
    },
    Profile {
        name: "video-editing-ai",
        version: "1.0.0",
        description: "AI-powered editing of raw footage into polished clips, from the video-editing-ai skill",
        hints: &[
            "trim the pauses, add transitions, and sync background music",
            "Be specific: concrete instructions get better results than \"make it look better\"",
            "Shorter clips under 2 minutes process significantly faster",
        ],
    },
    Profile {
        name: "instagram-reels-maker",
        version: "1.0.0",
        description: "Instagram Reels from clips and images, from the instagram-reels-maker skill",
        hints: &[
            "cut to 30 seconds, add trending music and captions, format for Instagram Reels",
            "Vertical 9:16 video works best: no cropping needed for Reels",
            "Keep Reels cuts between 30 and 60 seconds",
        ],
    },
    Profile {
        name: "ai-video-editor-and-generator",
        version: "1.0.0",
        description: "Edit and generate videos with AI, from the ai-video-editor-and-generator skill",
        hints: &[
            "cut the pauses, add background music, and generate captions",
            "export 1080p MP4",
            "Shorter clips under 60 seconds process significantly faster",
        ],
    },
    Profile {
        name: "nemo-video",
        version: "1.9",
        description: "The vendor's own NemoVideo skill",
        hints: &[
            "add background music, Lo-fi at 35%",
            "add a title \"Urban Dreams\" for the first 3 seconds",
            "show tracks to see the timeline before you export",
        ],
    },
];

/// Every built-in profile, the default first.
#[must_use]
pub fn profiles() -> &'static [Profile] {
    PROFILES
}

/// The built-in profile called `name` (exact, case-sensitive: it is sent as a header value).
#[must_use]
pub fn profile(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.name == name)
}

/// The platform the process runs on, for `X-Skill-Platform`.
///
/// `skill_source` is the value of the `SKILL_SOURCE` environment variable, if set; it wins
/// when it is not blank (it is returned as given; [`Attribution::headers`] sanitizes it).
/// Otherwise the executable's path decides: `clawhub` when it contains `/.clawhub/`,
/// `cursor` when it contains `/.cursor/skills/` (Windows `\` separators count as `/`);
/// else `unknown`.
#[must_use]
pub fn detect_platform(skill_source: Option<&str>, executable_path: &str) -> String {
    if let Some(source) = skill_source.filter(|s| !s.trim().is_empty()) {
        return source.to_owned();
    }
    let path = executable_path.replace('\\', "/");
    let platform = if path.contains("/.clawhub/") {
        "clawhub"
    } else if path.contains("/.cursor/skills/") {
        "cursor"
    } else {
        "unknown"
    };
    platform.to_owned()
}

/// The attribution of every request: profile name, its version and the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// `X-Skill-Source`: the profile's name.
    pub source: String,
    /// `X-Skill-Version`: the profile's version.
    pub version: String,
    /// `X-Skill-Platform`: see [`detect_platform`].
    pub platform: String,
}

impl Attribution {
    /// The attribution of `profile` on `platform`.
    #[must_use]
    pub fn new(profile: &Profile, platform: String) -> Self {
        Self { source: profile.name.to_owned(), version: profile.version.to_owned(), platform }
    }

    /// The three headers, in the order `X-Skill-Source`, `X-Skill-Version`, `X-Skill-Platform`.
    ///
    /// Each value is made a valid, visible-ASCII header value: surrounding whitespace is
    /// trimmed, every other character outside `!`..=`~` (inner spaces, control characters,
    /// anything non-ASCII) becomes `_`, the result is cut to [`MAX_HEADER_VALUE_LEN`] bytes,
    /// and a value left empty becomes `unknown`. Values that are already clean pass unchanged.
    #[must_use]
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("X-Skill-Source", sanitize(&self.source)),
            ("X-Skill-Version", sanitize(&self.version)),
            ("X-Skill-Platform", sanitize(&self.platform)),
        ]
    }
}

fn sanitize(value: &str) -> String {
    let clean: String =
        value.trim().chars().map(|c| if c.is_ascii_graphic() { c } else { '_' }).take(MAX_HEADER_VALUE_LEN).collect();
    if clean.is_empty() { "unknown".to_owned() } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(skill_source: Option<&str>, executable_path: &str, expected: &str) {
        assert_eq!(
            detect_platform(skill_source, executable_path),
            expected,
            "SKILL_SOURCE={skill_source:?}, executable {executable_path:?}"
        );
    }

    #[test]
    fn every_profile_is_listed_once_with_its_version_and_hints() {
        let expected = [
            ("nemoctl", env!("CARGO_PKG_VERSION")),
            ("free-editing-with-ai", "1.0.0"),
            ("video-editing-ai", "1.0.0"),
            ("instagram-reels-maker", "1.0.0"),
            ("ai-video-editor-and-generator", "1.0.0"),
            ("nemo-video", "1.9"),
        ];
        let got: Vec<(&str, &str)> = profiles().iter().map(|p| (p.name, p.version)).collect();
        assert_eq!(got, expected);
        for (name, version) in expected {
            let p = profile(name).unwrap();
            assert_eq!(p.version, version);
            assert!(!p.description.is_empty() && !p.hints.is_empty(), "{name} needs a description and hints");
        }
        assert_eq!(profiles()[0].name, DEFAULT_PROFILE);
        assert!(profile("Nemoctl").is_none() && profile("").is_none());
    }

    #[test]
    fn each_profile_has_its_own_hints() {
        for (i, a) in profiles().iter().enumerate() {
            for b in &profiles()[i + 1..] {
                assert!(a.hints.iter().all(|h| !b.hints.contains(h)), "{} and {} share a hint", a.name, b.name);
            }
        }
        let reels = profile("instagram-reels-maker").unwrap().hints.join(" ");
        assert!(reels.contains("9:16") && reels.contains("30 and 60 seconds"), "{reels}");
    }

    #[test]
    fn skill_source_wins_when_set_and_not_blank() {
        check(Some("openclaw"), "/home/u/.clawhub/bin/nemoctl", "openclaw");
        check(Some("my agent\n"), "/usr/bin/nemoctl", "my agent\n");
        check(Some(""), "/home/u/.clawhub/bin/nemoctl", "clawhub");
        check(Some("  "), "/usr/bin/nemoctl", "unknown");
    }

    #[test]
    fn the_executable_path_decides_otherwise() {
        check(None, "/home/u/.clawhub/skills/nemo/nemoctl", "clawhub");
        check(None, "/home/u/.cursor/skills/nemo/nemoctl", "cursor");
        check(None, r"C:\Users\u\.cursor\skills\nemo\nemoctl.exe", "cursor");
        check(None, "/home/u/.cursor/bin/nemoctl", "unknown");
        check(None, "/home/u/clawhub/nemoctl", "unknown");
        check(None, "/usr/local/bin/nemoctl", "unknown");
        check(None, "", "unknown");
    }

    #[test]
    fn headers_carry_the_profile_and_the_platform() {
        let attribution = Attribution::new(profile("instagram-reels-maker").unwrap(), "cursor".to_owned());
        assert_eq!(
            attribution.headers(),
            [
                ("X-Skill-Source", "instagram-reels-maker".to_owned()),
                ("X-Skill-Version", "1.0.0".to_owned()),
                ("X-Skill-Platform", "cursor".to_owned()),
            ]
        );
    }

    #[test]
    fn header_values_are_sanitized_to_visible_ascii() {
        let platform = |raw: &str| Attribution::new(&profiles()[0], raw.to_owned()).headers()[2].1.clone();
        assert_eq!(platform("openclaw"), "openclaw");
        assert_eq!(platform(" my agent\r\n"), "my_agent");
        assert_eq!(platform("cursör\x00x"), "curs_r_x");
        assert_eq!(platform("代理"), "__");
        assert_eq!(platform(" \t "), "unknown");
        assert_eq!(platform(&"a".repeat(200)), "a".repeat(MAX_HEADER_VALUE_LEN));
        assert_eq!(platform(&"é".repeat(200)), "_".repeat(MAX_HEADER_VALUE_LEN));
    }
}
