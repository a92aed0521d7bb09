//! Captions drawn on the picture: white with a dark outline, a size read on a phone (an
//! eighteenth of the canvas's short side), wrapped to lines that fit its width, the block's
//! bottom in the lower part but above the area a vertical platform covers with its own
//! buttons and text (a quarter of a 9:16 frame; an eighth of a landscape one). One
//! `drawtext` per line, each shown for the cue's time.

use std::fmt::Write;

use nemo_editor::draft::Title;

use crate::graph::{escape, font_option, one_line};

/// The `drawtext` filters (joined by commas) of one caption on a `width`×`height` canvas,
/// shown when `enable` (an expression of `t`).
#[must_use]
pub fn drawtext(caption: &Title, font: Option<&str>, (width, height): (u32, u32), enable: &str) -> String {
    let size = (width.min(height) / 18).max(10);
    let line_height = size * 5 / 4;
    // DejaVu Sans averages about 0.55 of the size per character.
    let fits = ((f64::from(width) * 0.9) / (f64::from(size) * 0.55)).floor().max(8.0) as usize;
    let lines = wrap(&caption.text, fits);
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

/// The words of `text` in lines of at most `fits` characters (a longer word on its own).
fn wrap(text: &str, fits: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in one_line(text).split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= fits => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_wrap_to_the_width_and_sit_above_the_platform_area() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("a\nb", 9), ["a b"]);
        let caption = Title { text: "hello there".into(), st: 1000, d: 500, pos: "center".into(), caption: true };
        let vertical = drawtext(&caption, None, (1080, 1920), "E");
        assert!(vertical.contains("fontsize=60:") && vertical.contains("y=1365:"), "{vertical}");
        assert!(vertical.ends_with("enable='E'"), "{vertical}");
        let long = Title { text: "word ".repeat(40), ..caption };
        assert_eq!(drawtext(&long, None, (1080, 1920), "E").matches("enable='E'").count(), 7);
    }
}
