//! The font each drawn text is set in, chosen by what it can draw: the default (DejaVu Sans)
//! when it has a glyph for every character of the text, else the installed font fontconfig
//! finds covering them all (`fc-list :charset=…`: a CJK font for Chinese titles and
//! captions — `.ci/run` and the README install `fonts-wqy-microhei`), preferring an upright,
//! regular sans face. A text that no installed font can draw is refused before the render
//! with the characters named, instead of being drawn as boxes. Invisible format characters
//! (variation selectors, zero-width joiners, as emoji carry) are left out of the drawn text:
//! fonts have no glyph for them and ffmpeg would draw one box each.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use nemo_editor::EngineError;
use nemo_editor::draft::Title;

/// The font of every text of a render.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fonts {
    /// The font of a text with no choice of its own (`None`: fontconfig's default).
    default: Option<String>,
    /// The texts the default cannot draw, each with the font that can.
    chosen: HashMap<String, String>,
}

impl Fonts {
    /// Every text in `font`.
    #[must_use]
    pub fn fixed(font: Option<&str>) -> Self {
        Self { default: font.map(str::to_owned), chosen: HashMap::new() }
    }

    /// The font file `text` is drawn with (`None`: fontconfig's default).
    #[must_use]
    pub fn of(&self, text: &str) -> Option<&str> {
        self.chosen.get(text).or(self.default.as_ref()).map(String::as_str)
    }
}

/// Chooses the font of every title and caption: `default` where it draws every character,
/// else what `covering(characters)` lists (the font files that draw them all) — the first
/// regular sans face of them, else the first.
///
/// # Errors
/// [`EngineError::Failed`] naming a text (and its characters) that no installed font draws.
pub fn choose(
    titles: &[Title],
    default: Option<&str>,
    covering: &dyn Fn(&BTreeSet<char>) -> Option<Vec<String>>,
) -> Result<Fonts, EngineError> {
    let mut fonts = Fonts::fixed(default);
    for title in titles {
        let text = drawable(&title.text);
        let needed: BTreeSet<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        // Every font here draws printable ASCII: no need to ask fontconfig (a process start).
        if needed.iter().all(char::is_ascii_graphic) || fonts.chosen.contains_key(&title.text) {
            continue;
        }
        // Without fontconfig's tools nothing can be checked: the default draws it all.
        let Some(files) = covering(&needed) else { return Ok(Fonts::fixed(default)) };
        if default.is_some_and(|default| files.iter().any(|file| file == default)) {
            continue;
        }
        let Some(best) = best(&files) else {
            let shown: String = needed.iter().filter(|c| !c.is_ascii()).take(12).collect();
            return Err(EngineError::Failed(format!(
                "no installed font can draw \"{}\" (its characters {shown}); install a font that has them — for \
                 Chinese, Japanese or Korean `sudo apt-get install fonts-wqy-microhei` (Debian, Ubuntu) — or change \
                 the text",
                title.text
            )));
        };
        fonts.chosen.insert(title.text.clone(), best.to_owned());
    }
    Ok(fonts)
}

/// The regular sans face among `files` if there is one, else the first.
fn best(files: &[String]) -> Option<&str> {
    let styled = ["Bold", "Oblique", "Italic", "Condensed", "Light", "Serif", "Mono", "Math"];
    let plain = |file: &&String| {
        let name = Path::new(file.as_str()).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        !styled.iter().any(|style| name.contains(style))
    };
    files.iter().find(plain).or(files.first()).map(String::as_str)
}

/// `text` without the invisible format characters fonts have no glyph for.
#[must_use]
pub fn drawable(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(u32::from(*c), 0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF))
        .collect()
}

/// The font files fontconfig lists as drawing every one of `characters`; `None` when its
/// `fc-list` cannot be run.
#[must_use]
pub fn fc_list(characters: &BTreeSet<char>) -> Option<Vec<String>> {
    let charset: Vec<String> = characters.iter().map(|c| format!("{:x}", u32::from(*c))).collect();
    let output = Command::new("fc-list")
        .args(["--format", "%{file}\\n"])
        .arg(format!(":charset={}", charset.join(" ")))
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let mut files: Vec<String> = String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect();
    files.sort();
    files.dedup();
    Some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(text: &str) -> Title {
        Title { text: text.into(), st: 0, d: 1000, pos: "center".into(), caption: false }
    }

    const DEJAVU: &str = "/f/DejaVuSans.ttf";

    /// DejaVu draws Latin, the CJK font draws both, nothing draws U+10FFFD.
    fn covering(characters: &BTreeSet<char>) -> Option<Vec<String>> {
        let cjk = ["/f/wqy-microhei-Bold.ttc".to_owned(), "/f/wqy-microhei.ttc".to_owned()];
        Some(if characters.contains(&'\u{10FFFD}') {
            Vec::new()
        } else if characters.iter().all(char::is_ascii) {
            [vec![DEJAVU.to_owned()], cjk.to_vec()].concat()
        } else {
            cjk.to_vec()
        })
    }

    #[test]
    fn plain_ascii_is_not_looked_up() {
        let asked = std::cell::Cell::new(0);
        let counting = |characters: &BTreeSet<char>| {
            asked.set(asked.get() + 1);
            covering(characters)
        };
        let fonts = choose(&[title("Hello, world!"), title("Café")], Some(DEJAVU), &counting);
        assert_eq!(fonts.map(|fonts| fonts.of("Hello, world!").map(str::to_owned)), Ok(Some(DEJAVU.to_owned())));
        assert_eq!(asked.get(), 1, "only the text with an accent");
    }

    #[test]
    fn latin_keeps_the_default_and_chinese_gets_a_font_that_draws_it() {
        let fonts = choose(&[title("Hello"), title("你好世界"), title("Hi 你好")], Some(DEJAVU), &covering)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fonts.of("Hello"), Some(DEJAVU));
        assert_eq!(fonts.of("你好世界"), Some("/f/wqy-microhei.ttc"), "the regular face");
        assert_eq!(fonts.of("Hi 你好"), Some("/f/wqy-microhei.ttc"));
    }

    #[test]
    fn a_text_no_font_draws_is_refused_naming_it() {
        let refused = choose(&[title("ok"), title("x\u{10FFFD}")], Some(DEJAVU), &covering).err();
        let refused = refused.map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("no installed font can draw \"x\u{10FFFD}\""), "{refused}");
        assert!(refused.contains("fonts-wqy-microhei"), "{refused}");
    }

    #[test]
    fn without_fontconfig_the_default_draws_everything_and_format_characters_are_not_drawn() {
        let fonts = choose(&[title("你好")], Some(DEJAVU), &|_| None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fonts.of("你好"), Some(DEJAVU));
        assert_eq!(drawable("sun \u{2600}\u{FE0F} 👨\u{200D}👩"), "sun \u{2600} 👨👩");
    }
}
