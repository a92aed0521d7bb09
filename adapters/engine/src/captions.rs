//! Captions drawn on the picture: white with a dark outline, a size read on a phone (an
//! eighteenth of the canvas's short side), wrapped to lines that fit its width, the block's
//! bottom in the lower part but above the area a vertical platform covers with its own
//! buttons and text (a quarter of a 9:16 frame; an eighth of a landscape one). One
//! `drawtext` per line, each shown for the cue's time.

use std::fmt::Write;

use nemo_editor::draft::Title;

use crate::fonts;
use crate::graph::{escape, font_option, one_line};

/// The `drawtext` filters (joined by commas) of one caption on a `width`×`height` canvas,
/// shown when `enable` (an expression of `t`).
#[must_use]
pub fn drawtext(caption: &Title, font: Option<&str>, (width, height): (u32, u32), enable: &str) -> String {
    let size = (width.min(height) / 18).max(10);
    let line_height = size * 5 / 4;
    // DejaVu Sans averages about 0.55 of the size per character.
    let fits = ((f64::from(width) * 0.9) / (f64::from(size) * 0.55)).floor().max(8.0) as usize;
    let lines = wrap(&fonts::drawable(&caption.text), fits);
    let bottom = if height > width { height * 3 / 4 } else { height * 7 / 8 };
    let top = bottom.saturating_sub(line_height * u32::try_from(lines.len()).unwrap_or(1));
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "drawtext={font}text={}:expansion=none:fontsize={size}:fontcolor=white:borderw={border}:\
             bordercolor=black@0.9:x=(w-text_w)/2:y={y}:enable='{enable}'",
            escape(line),
            font = font_option(font),
            border = (size / 10).max(2),
            y = top + line_height * u32::try_from(i).unwrap_or(0),
        );
    }
    out
}

/// The words of `text` in lines at most `fits` Latin characters wide (a longer word on its
/// own line). A wide character — Chinese, Japanese, Korean, full-width forms — counts as two
/// and a line may break before any of them, since such text has no spaces between words.
fn wrap(text: &str, fits: usize) -> Vec<String> {
    let mut lines: Vec<(String, usize)> = Vec::new();
    for word in one_line(text).split_whitespace() {
        for (k, piece) in pieces(word).into_iter().enumerate() {
            let width: usize = piece.chars().map(width).sum();
            let space = usize::from(k == 0);
            match lines.last_mut() {
                Some((line, used)) if *used + space + width <= fits => {
                    if space == 1 {
                        line.push(' ');
                    }
                    line.push_str(&piece);
                    *used += space + width;
                }
                _ => lines.push((piece, width)),
            }
        }
    }
    lines.into_iter().map(|(line, _)| line).collect()
}

/// A word cut where a line may break: before and after each wide character.
fn pieces(word: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut narrow = String::new();
    for c in word.chars() {
        if width(c) == 2 {
            if !narrow.is_empty() {
                pieces.push(std::mem::take(&mut narrow));
            }
            pieces.push(c.to_string());
        } else {
            narrow.push(c);
        }
    }
    if !narrow.is_empty() {
        pieces.push(narrow);
    }
    pieces
}

/// How many Latin characters wide `c` is drawn: 2 for the wide scripts and forms, else 1.
fn width(c: char) -> usize {
    let wide = matches!(
        u32::from(c),
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD
    );
    if wide { 2 } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_wrap_to_the_width_and_sit_above_the_platform_area() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("a\nb", 9), ["a b"]);
        // Chinese has no spaces: it breaks between characters, each two Latin ones wide.
        assert_eq!(wrap("你好世界，欢迎", 8), ["你好世界", "，欢迎"]);
        assert_eq!(wrap("Hi 你好世界", 8), ["Hi 你好", "世界"]);
        let caption = Title { text: "hello there".into(), st: 1000, d: 500, pos: "center".into(), caption: true };
        let vertical = drawtext(&caption, None, (1080, 1920), "E");
        assert!(vertical.contains("fontsize=60:") && vertical.contains("y=1365:"), "{vertical}");
        assert!(vertical.ends_with("enable='E'"), "{vertical}");
        let long = Title { text: "word ".repeat(40), ..caption };
        assert_eq!(drawtext(&long, None, (1080, 1920), "E").matches("enable='E'").count(), 7);
    }
}
